package org.tidegate.uplink.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The stream below Paho: small packets pass unchanged; a 100 MB PUBLISH becomes an empty one without being stored. */
class FrameLimitTest {
    @Test
    void smallPacketsPassAndAHugePublishIsReplacedUnread() throws IOException {
        byte[] ping = {(byte) 0xD0, 0};
        byte[] small = publish("tidegate/gw/command", 7, 1000);
        long huge = 100L << 20;
        byte[] hugeHeader = publishHeader("tidegate/gw/command", 8, huge);
        InputStream zeros = new InputStream() { // the 100 MB payload, never held anywhere
            long left = huge;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
        InputStream wire = new SequenceInputStream(java.util.Collections.enumeration(List.of(
                new ByteArrayInputStream(ping), new ByteArrayInputStream(small), new ByteArrayInputStream(hugeHeader),
                zeros, new ByteArrayInputStream(ping))));
        AtomicLong oversized = new AtomicLong();
        byte[] out = new FrameLimit.LimitedInputStream(wire, 256 * 1024, oversized).readAllBytes();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(ping);
        expected.writeBytes(small);
        expected.writeBytes(publish("tidegate/gw/command", 8, 0));
        expected.writeBytes(ping);
        assertArrayEquals(expected.toByteArray(), out);
        assertEquals(1, oversized.get());
    }

    @Test
    void anOversizedPacketOfAnotherTypeEndsTheConnection() {
        byte[] suback = {(byte) 0x90, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F};
        InputStream in = new FrameLimit.LimitedInputStream(new ByteArrayInputStream(suback), 4096, new AtomicLong());
        assertThrows(IOException.class, in::readAllBytes);
    }

    /** A QoS 1 PUBLISH with no properties and {@code payload} zero bytes. */
    static byte[] publish(String topic, int id, int payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(publishHeader(topic, id, payload));
        b.writeBytes(new byte[payload]);
        return b.toByteArray();
    }

    static byte[] publishHeader(String topic, int id, long payload) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        long remaining = 2 + t.length + 2 + 1 + payload;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x32);
        long v = remaining;
        do {
            int digit = (int) (v % 128);
            v /= 128;
            b.write(digit | (v > 0 ? 0x80 : 0));
        } while (v > 0);
        b.write(t.length >>> 8);
        b.write(t.length);
        b.writeBytes(t);
        b.write(id >>> 8);
        b.write(id);
        b.write(0);
        return b.toByteArray();
    }
}
