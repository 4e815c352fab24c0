package org.tidegate.driver.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.driver.serial.testing.SocatPair;

class SerialLineTest {

    private static SerialSettings read(String json, ConfigProblems problems) {
        ConfigNode conn = ConfigNode.parse("devices/x.json", json, problems);
        SerialSettings s = SerialSettings.read(conn);
        conn.reportUnknownKeys();
        return s;
    }

    private static String problems(String json) {
        ConfigProblems problems = new ConfigProblems();
        read(json, problems);
        return problems.describeErrors();
    }

    @Test
    void settingsFromConnectionObject() {
        ConfigProblems problems = new ConfigProblems();
        SerialSettings s = read("{\"port\":\"/dev/ttyUSB0\",\"baud\":19200,\"parity\":\"even\",\"stopBits\":1}", problems);
        assertEquals(0, problems.errorCount(), problems.describeErrors());
        assertEquals(19200, s.baud());
        assertEquals(SerialSettings.Parity.EVEN, s.parity());
        assertEquals(11, s.bitsPerChar());
        assertEquals("/x 9600 8N1", read("{\"port\":\"/x\"}", new ConfigProblems()).toString(), "defaults 9600 8N1");
        assertTrue(problems("{\"baud\":9600}").contains("$.port: is required"));
        assertTrue(problems("{\"port\":\"/x\",\"parity\":\"mark\"}").contains("$.parity: \"mark\" is not one of"));
        assertTrue(problems("{\"port\":\"/x\",\"dataBits\":9}").contains("$.dataBits: 9 is out of range 7–8"));
        assertTrue(problems("{\"port\":\"/x\",\"baud\":9601}").contains("$.baud: 9601 is not a standard baud rate"));
    }

    @Test
    void aParityTypoIsRefusedWithAHint() {
        assertEquals("devices/x.json: $.parity: \"evn\" is not one of [none, even, odd] (did you mean \"even\"?)",
                problems("{\"port\":\"/x\",\"parity\":\"evn\"}"));
    }

    @Test
    void aKeyTypoIsRefusedWithAHint() {
        String p = problems("{\"port\":\"/x\",\"stopbit\":1}");
        assertTrue(p.startsWith("devices/x.json: $.stopbit: unknown key (did you mean \"stopBits\"?)"), p);
    }

    @Test
    void missingPortIsAClearError(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> SerialPorts.open(SerialSettings.of(dir.resolve("nope").toString(), 9600)));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void bytesCrossAPtyPairBothWaysAndReadsTimeOut(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("socat"));
        try (SocatPair pair = SocatPair.start(dir);
             SerialLine a = SerialPorts.open(SerialSettings.of(pair.endA().toString(), 115200));
             SerialLine b = SerialPorts.open(SerialSettings.of(pair.endB().toString(), 115200))) {
            byte[] msg = new byte[300];
            for (int i = 0; i < msg.length; i++) {
                msg[i] = (byte) i;
            }
            a.write(msg);
            assertArrayEquals(msg, readFully(b, msg.length));
            b.write(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, readFully(a, 3));

            long t0 = System.nanoTime();
            assertEquals(0, a.read(new byte[8], 0, 8, 150));
            assertTrue(System.nanoTime() - t0 >= 100_000_000L, "read returned before its timeout");

            b.write(new byte[] {9, 9});
            Thread.sleep(100);
            assertEquals(2, a.discardInput());
            assertEquals(0, a.read(new byte[8], 0, 8, 50));
        }
    }

    @Test
    void lostPeerFailsTheLineInsteadOfHanging(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("socat"));
        SocatPair pair = SocatPair.start(dir);
        try (SerialLine a = SerialPorts.open(SerialSettings.of(pair.endA().toString(), 9600))) {
            pair.close();
            // Depending on timing the read sees EOF/error at once or after socat has gone; never hangs.
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 50; i++) {
                    a.read(new byte[8], 0, 8, 100);
                    a.write(new byte[] {1});
                }
            });
            assertTrue(e.getMessage().contains(pair.endA().toString()), e.getMessage());
        }
    }

    private static byte[] readFully(SerialLine line, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64];
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (out.size() < n && System.nanoTime() < deadline) {
            int r = line.read(buf, 0, buf.length, 500);
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }
}
