package org.tidegate.core.body;

/**
 * How a sample value is written as a JSON number, everywhere one is (telemetry bodies, the console): a float32
 * reading widened to double prints as 2.369999885559082; its float form "2.37" is the same number to the sensor's
 * precision, keeps metered messages short and reads the same on the console as in the cloud.
 */
public final class JsonNumbers {
    private JsonNumbers() {
    }

    /**
     * {@code v} as the {@link Float} it exactly is, when it is a finite {@link Double} a float holds without loss;
     * otherwise {@code v} itself. Jackson writes a Float in its shortest float form.
     */
    public static Object shortest(Object v) {
        if (v instanceof Double d && Double.isFinite(d)) {
            float f = (float) d.doubleValue();
            if ((double) f == d) {
                return f;
            }
        }
        return v;
    }
}
