package org.tidegate.bench.crypto;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.CBCModeCipher;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.tidegate.bench.BenchReport;
import org.tidegate.bench.Benchmark;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.SmKeys;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.crypto.internal.Sm2;
import org.tidegate.crypto.internal.Sm4Gcm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate bench crypto}: envelope seals/s and opens/s (default options: SM2-signed, SM4-GCM
 * encrypted, deflated above 256 bytes) for 256-byte and 4 KiB telemetry bodies, raw SM4-GCM and SM4-CBC
 * throughput, SM2 sign/verify per second, each a median of several timed runs on one thread, with
 * {@code openssl speed} figures (SM4-CBC, since OpenSSL 3.0 has no SM4-GCM; SM2 sign/verify) from the same
 * run beside them.
 */
@Command(name = "crypto",
        description = "envelope seal/open rates, SM4-GCM MB/s, SM2 sign/verify per second, beside openssl speed")
public class CryptoBenchmark implements Benchmark {
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "timed runs per figure, at least 1 (default ${DEFAULT-VALUE})")
    int runsOption;

    @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "1",
            description = "CPU seconds per run, at least 0.2 (default ${DEFAULT-VALUE})")
    double secondsOption;

    @Option(names = "--no-openssl", description = "skip the openssl speed peer figures")
    boolean noOpenssl;

    @Override
    public int measure(PrintStream out) throws Exception {
        int runs = Math.max(1, runsOption);
        double seconds = Math.max(0.2, secondsOption);
        BenchReport report = new BenchReport("crypto");
        report.put("runs", runs).put("secondsPerRun", seconds);
        out.printf(Locale.ROOT, "crypto benchmark: median of %d runs of %.1f CPU-s each, one thread, rates per CPU"
                + " second (as openssl speed), %d CPU(s), %s%n",
                runs, seconds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name")
                        + " " + System.getProperty("java.version"));

        KeyPair gw = SmKeys.generate();
        KeyPair cloud = SmKeys.generate();
        SecureRandom random = new SecureRandom();
        EnvelopeSealer sealer = new EnvelopeSealer("gw-bench", gw.getPrivate(), cloud.getPublic(), SealerOptions.defaults());
        EnvelopeOpener opener = EnvelopeOpener.builder(cloud.getPrivate(), TrustedSenders.of("gw-bench", gw.getPublic()))
                .build();
        long[] seq = {0};
        ECPrivateKeyParameters priv = Sm2.privateParameters(gw.getPrivate());
        ECPublicKeyParameters pub = Sm2.publicParameters(gw.getPublic());

        // Bouncy Castle's EC arithmetic needs thousands of calls before the JIT's top tier compiles it; without
        // a shared warm-up whichever figure is measured first looks several times slower than it is
        byte[] warmBody = jsonBody(1024);
        EnvelopeOpener warmOpener = EnvelopeOpener.builder(cloud.getPrivate(),
                TrustedSenders.of("gw-bench", gw.getPublic())).build();
        timed((long) (Math.max(4, 3 * seconds) * 1e9), () -> {
            try {
                warmOpener.open(sealer.seal(ContentType.TELEMETRY, 4, ++seq[0], warmBody));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return 1;
        });

        out.println("envelope (sign + encrypt + deflate >= 256 B):");
        for (int size : new int[] {256, 4096}) {
            byte[] body = jsonBody(size);
            String tag = size == 256 ? "256" : "4k";
            double seals = measure(runs, seconds, () -> {
                sealer.seal(ContentType.TELEMETRY, 4, ++seq[0], body);
                return 1;
            });
            report.put(out, "seal_" + tag + "_per_s", "seal, " + size + " B body", seals, "/s");
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                frames.add(sealer.seal(ContentType.TELEMETRY, 4, ++seq[0], body));
            }
            int[] i = {0};
            double opens = measure(runs, seconds, () -> {
                try {
                    opener.open(frames.get(i[0]++ & 63));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return 1;
            });
            report.put(out, "open_" + tag + "_per_s", "open, " + size + " B body", opens, "/s");
        }

        byte[] key = new byte[16];
        byte[] nonce = new byte[12];
        random.nextBytes(key);
        byte[] block = new byte[16384];
        byte[] aad = new byte[64];
        byte[] outBuf = new byte[block.length + 16];
        LongSupplier gcmOp = () -> {
            Sm4Gcm.encrypt(key, nonce, aad, 0, aad.length, block, 0, block.length, outBuf, 0);
            return block.length;
        };
        CBCModeCipher cbc = CBCBlockCipher.newInstance(new SM4Engine());
        cbc.init(true, new ParametersWithIV(new KeyParameter(key), new byte[16]));
        LongSupplier cbcOp = () -> {
            for (int off = 0; off < block.length; off += 16) {
                cbc.processBlock(block, off, outBuf, off);
            }
            return block.length;
        };
        byte[] msg = jsonBody(256);
        SM2Signer signer = Sm2.newSigner(priv, random);
        byte[] sig = Sm2.sign(signer, msg, 0, msg.length);
        LongSupplier signOp = () -> {
            Sm2.sign(signer, msg, 0, msg.length);
            return 1;
        };
        LongSupplier verifyOp = () -> {
            if (!Sm2.verify(pub, msg, 0, msg.length, sig, 0, sig.length)) {
                throw new IllegalStateException("verification failed");
            }
            return 1;
        };
        long budget = (long) (seconds * 1e9);
        for (LongSupplier op : List.of(gcmOp, cbcOp, signOp, verifyOp)) {
            timed(budget, op);
        }
        boolean openssl = !noOpenssl && ExternalTools.onPath("openssl");
        String osslVersion = openssl ? runTool(List.of("openssl", "version")).trim() : "n/a";
        int secs = (int) Math.max(1, Math.round(seconds));
        double[][] r = new double[7][runs];
        // ours and openssl's alternate within each run, so both see the same machine load
        for (int i = 0; i < runs; i++) {
            r[0][i] = timed(budget, gcmOp) / 1e6;
            r[1][i] = timed(budget, cbcOp) / 1e6;
            r[2][i] = timed(budget, signOp);
            r[3][i] = timed(budget, verifyOp);
            if (openssl) {
                r[4][i] = OpensslSpeed.sm4CbcBytesPerSecond(runTool(List.of("openssl", "speed", "-mr", "-seconds",
                        String.valueOf(secs), "-bytes", "16384", "-evp", "sm4-cbc"))) / 1e6;
                double[] sv = OpensslSpeed.sm2SignVerify(runTool(List.of("openssl", "speed", "-mr", "-seconds",
                        String.valueOf(secs), "sm2")));
                r[5][i] = sv[0];
                r[6][i] = sv[1];
            } else {
                r[4][i] = r[5][i] = r[6][i] = Double.NaN;
            }
        }
        double gcm = BenchReport.median(r[0]);
        double cbcRate = BenchReport.median(r[1]);
        double sign = BenchReport.median(r[2]);
        double verify = BenchReport.median(r[3]);
        double osslCbc = BenchReport.median(r[4]);
        double osslSign = BenchReport.median(r[5]);
        double osslVerify = BenchReport.median(r[6]);
        out.println("primitives, Bouncy Castle " + bcVersion() + ":");
        report.put(out, "sm4_gcm_mb_s", "SM4-GCM encrypt, 16 KiB buffers", gcm, "MB/s");
        report.put(out, "sm4_cbc_mb_s", "SM4-CBC encrypt, 16 KiB buffers", cbcRate, "MB/s");
        report.put(out, "sm2_sign_per_s", "SM2 sign (SM3, 256 B message)", sign, "/s");
        report.put(out, "sm2_verify_per_s", "SM2 verify", verify, "/s");
        out.println("openssl speed, interleaved with the above (" + osslVersion + "):");
        putOrNa(report, out, "openssl_sm4_cbc_mb_s", "openssl speed -evp sm4-cbc, 16 KiB", osslCbc, "MB/s");
        putOrNa(report, out, "openssl_sm2_sign_per_s", "openssl speed sm2, sign", osslSign, "/s");
        putOrNa(report, out, "openssl_sm2_verify_per_s", "openssl speed sm2, verify", osslVerify, "/s");
        out.println("ratios, ours / openssl:");
        putOrNa(report, out, "ratio_sm4_cbc", "SM4-CBC", cbcRate / osslCbc, "x");
        putOrNa(report, out, "ratio_sm4_gcm_vs_openssl_cbc", "SM4-GCM (ours) vs SM4-CBC (openssl)", gcm / osslCbc, "x");
        putOrNa(report, out, "ratio_sm2_sign", "SM2 sign", sign / osslSign, "x");
        putOrNa(report, out, "ratio_sm2_verify", "SM2 verify", verify / osslVerify, "x");
        report.put("openssl", osslVersion);
        report.printJson(out);
        return 0;
    }

    private static String bcVersion() {
        return String.valueOf(new org.bouncycastle.jce.provider.BouncyCastleProvider().getVersionStr());
    }

    private static void putOrNa(BenchReport report, PrintStream out, String key, String label, double v, String unit) {
        if (Double.isFinite(v)) {
            report.put(out, key, label, v, unit);
        } else {
            report.put(key, null);
            out.printf(Locale.ROOT, "  %-48s %14s %s%n", label, "n/a", unit);
        }
    }

    /**
     * Median over {@code runs} of (units done / CPU seconds). The first run is preceded by an untimed warm-up of
     * the same length.
     */
    static double measure(int runs, double seconds, LongSupplier op) {
        long budget = (long) (seconds * 1e9);
        timed(budget, op);
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            rates[r] = timed(budget, op);
        }
        return BenchReport.median(rates);
    }

    /**
     * Runs {@code op} until the calling thread has used {@code budgetNanos} of CPU time and returns units per
     * CPU second. CPU time, not wall time, is the divisor — as in {@code openssl speed}, whose default divisor is
     * user CPU time — so that the figures and their ratios survive a machine shared with other work (the JIT and
     * the GC run on other threads and are not counted). Falls back to wall time where thread CPU time is not
     * available.
     */
    static double timed(long budgetNanos, LongSupplier op) {
        boolean cpu = THREADS.isCurrentThreadCpuTimeSupported();
        long units = 0;
        long wallStart = System.nanoTime();
        long cpuStart = cpu ? THREADS.getCurrentThreadCpuTime() : wallStart;
        long used;
        do {
            units += op.getAsLong();
            used = (cpu ? THREADS.getCurrentThreadCpuTime() : System.nanoTime()) - cpuStart;
        } while (used < budgetNanos && System.nanoTime() - wallStart < 30 * budgetNanos);
        return units / (used / 1e9);
    }

    /** A telemetry-like JSON body of exactly {@code size} bytes. */
    static byte[] jsonBody(int size) {
        StringBuilder sb = new StringBuilder("{\"gateway\":\"gw-bench\",\"device\":\"wl-001\",\"samples\":[");
        SecureRandom r = new SecureRandom();
        int i = 0;
        while (sb.length() < size - 80) {
            sb.append(i++ == 0 ? "" : ",").append("{\"ch\":\"level\",\"t\":").append(1732272000123L + i * 1000L)
                    .append(",\"v\":").append(String.format(Locale.ROOT, "%.3f", 2 + r.nextDouble()))
                    .append(",\"q\":\"good\"}");
        }
        sb.append("],\"pad\":\"");
        while (sb.length() < size - 2) {
            sb.append('x');
        }
        sb.append("\"}");
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (b.length != size) {
            throw new IllegalStateException("body is " + b.length + " bytes, wanted " + size);
        }
        return b;
    }

    private static String runTool(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        return text;
    }
}
