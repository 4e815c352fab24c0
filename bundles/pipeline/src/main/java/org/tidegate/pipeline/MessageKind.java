package org.tidegate.pipeline;

/** What a submitted body is; maps one to one onto the envelope's content types 0x01, 0x02, 0x03. */
public enum MessageKind {
    TELEMETRY, ALARM, STATUS
}
