-- tidegate ingest schema, version 2: the audit table stays bounded under a flood of refused messages
-- (docs/ingest.md, "The audit table is bounded"). Never edit a released migration; add V3__... instead.

-- From version 2 on, audit.frame holds at most the first 1024 bytes of the frame (AuditRecord.FRAME_BYTES);
-- these two identify the whole frame. Null on summary rows and on rows stored before version 2 (whose frame is
-- whole: octet_length(frame) and sha256(frame) give the same for them). Not backfilled here: on a table an attacker
-- filled, that UPDATE would rewrite every row at start-up; the retention purge removes those rows instead.
ALTER TABLE audit ADD COLUMN frame_length  integer;  -- bytes of the frame as received
ALTER TABLE audit ADD COLUMN frame_sha256  bytea;    -- SHA-256 of the whole frame (32 bytes)
-- 0 on the row of one refused message. A summary row (topic '', frame empty, frame_length null) counts the
-- refusals of its reason that were acknowledged without a row of their own, over the audit rate limit
-- (AuditLimits); its detail says from when to when and under which gateway ids in the topic.
ALTER TABLE audit ADD COLUMN suppressed    bigint   NOT NULL DEFAULT 0;
