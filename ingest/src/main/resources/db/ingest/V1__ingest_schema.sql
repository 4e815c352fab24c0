-- tidegate ingest schema, version 1 (docs/ingest.md describes every table and the queries its indexes serve).
-- Applied by Flyway from IngestSchema at service start; never edit a released migration, add V2__... instead.

-- Registered gateways: one row per public key in the trust directory, kept up to date by the service.
CREATE TABLE gateways (
    id              text        PRIMARY KEY,
    key_fingerprint text        NOT NULL,            -- SHA-256 of the SubjectPublicKeyInfo DER, lower-case hex
    registered_at   timestamptz NOT NULL DEFAULT now(),
    last_seen       timestamptz,                     -- receive time of the newest stored envelope
    last_status     jsonb,                           -- body of the newest status envelope (by sequence)
    last_status_seq bigint,
    last_status_at  timestamptz                      -- its created-at
);

-- The idempotency key: one row per envelope ever stored. An envelope whose (gateway, seq) is here is a repeat
-- (broker redelivery, a second ingest process, a gateway re-sending after a crash) and stores nothing.
-- Rows older than the retention (IngestOptions.seenRetention, default 60 days, at least the longest
-- store-and-forward backlog) are purged by the service.
CREATE TABLE envelopes_seen (
    gateway      text        NOT NULL,
    seq          bigint      NOT NULL,               -- the envelope's sequence, as signed 64-bit (same bits)
    content_type smallint    NOT NULL,               -- envelope field 4
    created_at   timestamptz NOT NULL,               -- envelope field 7
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (gateway, seq)
);
CREATE INDEX envelopes_seen_received ON envelopes_seen (received_at);

-- Every sample of every stored telemetry envelope. Partitioned by sample time, one partition per UTC day,
-- created ahead (and for a backlog's past days on demand) by the service; samples outside the window the
-- service creates partitions for land in readings_other.
CREATE TABLE readings (
    gateway     text             NOT NULL,
    device      text             NOT NULL,
    channel     text             NOT NULL,
    sample_time timestamptz      NOT NULL,
    value_num   double precision,                    -- exactly one of value_num, value_bool, value_text is set
    value_bool  boolean,
    value_text  text,
    unit        text             NOT NULL DEFAULT '',
    quality     text             NOT NULL,            -- good, bad, stale
    seq         bigint           NOT NULL,            -- the envelope it came in: envelopes_seen (gateway, seq)
    received_at timestamptz      NOT NULL
) PARTITION BY RANGE (sample_time);
CREATE TABLE readings_other PARTITION OF readings DEFAULT;
-- Latest value per channel (ORDER BY sample_time DESC LIMIT 1 per channel) and a channel's series over a range.
CREATE INDEX readings_channel_time ON readings (gateway, device, channel, sample_time DESC);

-- Alarm episodes: raised and cleared with their times. At most one open episode per (gateway, device, event).
CREATE TABLE alarms (
    id           bigserial   PRIMARY KEY,
    gateway      text        NOT NULL,
    device       text        NOT NULL,
    event        text        NOT NULL,
    channel      text,
    severity     text,
    raised_at    timestamptz,                         -- null: the clear arrived without a stored raise
    raised_seq   bigint,
    raised_value jsonb,
    cleared_at   timestamptz,                         -- null: open
    cleared_seq  bigint,
    cleared_value jsonb
);
CREATE UNIQUE INDEX alarms_open ON alarms (gateway, device, event) WHERE cleared_at IS NULL;
CREATE INDEX alarms_gateway_time ON alarms (gateway, raised_at DESC);

-- Every alarm-kind envelope as it came (alarms raised and cleared, local actions and their outcome).
CREATE TABLE events (
    gateway     text        NOT NULL,
    seq         bigint      NOT NULL,
    device      text        NOT NULL,
    kind        text        NOT NULL,                 -- body "kind": alarm, action
    event       text        NOT NULL,
    state       text        NOT NULL,
    event_time  timestamptz NOT NULL,                 -- body "t"
    body        jsonb       NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (gateway, seq)
);

-- Replies to commands.
CREATE TABLE replies (
    gateway     text        NOT NULL,
    seq         bigint      NOT NULL,
    command_seq bigint,                               -- body "command": the sequence of the command answered
    body        jsonb       NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (gateway, seq)
);

-- Every refused message: why, and what it claimed to be. Nothing refused is stored anywhere else.
CREATE TABLE audit (
    id            bigserial   PRIMARY KEY,
    received_at   timestamptz NOT NULL,
    topic         text        NOT NULL,
    reason        text        NOT NULL,               -- EnvelopeException.Reason or BAD_BODY
    claimed_sender text       NOT NULL DEFAULT '',
    claimed_seq   bigint,
    detail        text        NOT NULL,
    frame         bytea       NOT NULL                -- the frame as received (bounded by the Maximum Packet Size)
);
CREATE INDEX audit_time ON audit (received_at DESC);
