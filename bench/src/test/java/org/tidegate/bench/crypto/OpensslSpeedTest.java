package org.tidegate.bench.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The parser against output captured from OpenSSL 3.0.19 on this machine type. */
class OpensslSpeedTest {
    @Test
    void parsesCipherAndSm2Lines() {
        String cipher = """
                +DT:SM4-CBC:1:16384
                +R:2488:SM4-CBC:0.390000
                +H:16:64:256:1024:8192:16384
                +F:25:SM4-CBC:93584742.86:101415062.07:100169874.29:102265417.14:96768000.00:104521517.95
                """;
        assertEquals(104521517.95, OpensslSpeed.sm4CbcBytesPerSecond(cipher), 1e-6);
        String sm2 = """
                +DTP:256:sign:CurveSM2:1
                +R10:696:256:CurveSM2:0.35
                +DTP:256:verify:CurveSM2:1
                +R11:595:256:CurveSM2:0.32
                +F7:0:256:CurveSM2:1988.571429:1859.375000
                """;
        assertArrayEquals(new double[] {1988.571429, 1859.375}, OpensslSpeed.sm2SignVerify(sm2), 1e-6);
        assertTrue(Double.isNaN(OpensslSpeed.sm4CbcBytesPerSecond("Invalid command 'speed'")));
        assertTrue(Double.isNaN(OpensslSpeed.sm2SignVerify("")[0]));
    }

    @Test
    void benchmarkBodiesHaveTheirExactSize() {
        assertEquals(256, CryptoBenchmark.jsonBody(256).length);
        assertEquals(4096, CryptoBenchmark.jsonBody(4096).length);
        assertTrue(new String(CryptoBenchmark.jsonBody(4096), StandardCharsets.UTF_8).startsWith("{\"gateway\""));
    }
}
