package org.tidegate.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The shipped example homes ({@code config/examples/}), read from the class path. */
public final class Examples {
    private Examples() {
    }

    /** The text of {@code examples/HOME/RELATIVE}, e.g. {@code ("riverside", "profiles/radar-level.json")}. */
    public static String file(String home, String relative) {
        String name = "examples/" + home + "/" + relative;
        try (InputStream in = Examples.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no example file " + name + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
