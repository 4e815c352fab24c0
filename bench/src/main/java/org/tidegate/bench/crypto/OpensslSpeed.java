package org.tidegate.bench.crypto;

/**
 * Parses {@code openssl speed -mr} (machine-readable) output of OpenSSL 3.0:
 * {@code +F:N:SM4-CBC:bytesPerSecond...} for ciphers (one value per block size, the last is the largest),
 * {@code +F7:N:256:CurveSM2:sign/s:verify/s} for SM2. Returns NaN when the line is absent.
 */
public final class OpensslSpeed {
    private OpensslSpeed() {
    }

    /** Bytes per second for the largest block size measured. */
    public static double sm4CbcBytesPerSecond(String output) {
        for (String line : output.split("\\R")) {
            String[] f = line.trim().split(":");
            if (f.length >= 4 && f[0].equals("+F") && f[2].equalsIgnoreCase("SM4-CBC")) {
                return Double.parseDouble(f[f.length - 1]);
            }
        }
        return Double.NaN;
    }

    /** {sign/s, verify/s}. */
    public static double[] sm2SignVerify(String output) {
        for (String line : output.split("\\R")) {
            String[] f = line.trim().split(":");
            if (f.length >= 6 && f[0].equals("+F7") && f[3].equalsIgnoreCase("CurveSM2")) {
                return new double[] {Double.parseDouble(f[4]), Double.parseDouble(f[5])};
            }
        }
        return new double[] {Double.NaN, Double.NaN};
    }
}
