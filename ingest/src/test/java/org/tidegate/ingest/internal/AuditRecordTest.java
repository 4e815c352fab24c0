package org.tidegate.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the audit table keeps of a refused message is bounded, and still identifies the whole frame. */
class AuditRecordTest {
    @Test
    void aLargeFrameKeepsItsFirstKibibyteItsFullLengthAndTheSha256OfTheWhole() throws Exception {
        byte[] frame = new byte[200_000];
        new Random(7).nextBytes(frame);
        AuditRecord a = AuditRecord.of("tidegate/gw-1/telemetry/d", "BAD_FRAME", "", -1, "bad magic", frame);
        assertEquals(1024, AuditRecord.FRAME_BYTES);
        assertArrayEquals(Arrays.copyOf(frame, 1024), a.frame());
        assertEquals(200_000, a.frameLength());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(frame), a.frameSha256());
    }

    @Test
    void aFrameUpToTheLimitIsKeptWhole() {
        byte[] frame = new byte[AuditRecord.FRAME_BYTES];
        AuditRecord a = AuditRecord.of("t", "BAD_FRAME", "", -1, "", frame);
        assertSame(frame, a.frame());
        assertEquals(AuditRecord.FRAME_BYTES, a.frameLength());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(AuditRecord.of("t", "BAD_FRAME", "", -1, "", new byte[0]).frameSha256()),
                "SHA-256 of nothing, the known answer");
    }

    @Test
    void topicSenderAndDetailAreCutAndMarkedSo() {
        String topic = "tidegate/" + "g".repeat(60_000) + "/telemetry/d";
        AuditRecord a = AuditRecord.of(topic, "TOPIC_MISMATCH", "s".repeat(500), 3, "topic " + topic + " is not it",
                new byte[10]);
        assertEquals(AuditRecord.TOPIC_CHARS, a.topic().length());
        assertTrue(a.topic().startsWith("tidegate/ggg") && a.topic().endsWith("…"), a.topic());
        assertEquals(AuditRecord.SENDER_CHARS, a.claimedSender().length());
        assertEquals(AuditRecord.DETAIL_CHARS, a.detail().length());
        assertTrue(a.detail().getBytes(StandardCharsets.UTF_8).length < 4 * AuditRecord.DETAIL_CHARS);
    }

    @Test
    void aCutNeverSplitsASurrogatePairAndNulBecomesASpace() {
        String s = "a".repeat(AuditRecord.DETAIL_CHARS - 2) + "\uD83D\uDE00" + "tail";
        String cut = AuditRecord.text(s, AuditRecord.DETAIL_CHARS);
        assertTrue(cut.endsWith("a…"), cut.substring(cut.length() - 5));
        assertEquals("a b", AuditRecord.text("a\u0000b", 10));
        assertEquals("", AuditRecord.text(null, 10));
    }
}
