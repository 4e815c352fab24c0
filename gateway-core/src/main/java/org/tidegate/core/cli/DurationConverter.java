package org.tidegate.core.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option the way every tidegate command writes it: {@code 60} (seconds), {@code 60s},
 * {@code 500ms}, {@code 5m}, {@code 1h}. A negative duration is a usage error, never "forever".
 * Use it as {@code @Option(names = "--duration", converter = DurationConverter.class) Duration duration}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration d = Args.parseDuration(value);
        if (d == null) {
            throw new TypeConversionException("must be a duration like 60, 60s, 500ms, 5m or 1h, got \"" + value + "\"");
        }
        if (d.isNegative()) {
            throw new TypeConversionException("must not be negative, got \"" + value + "\"");
        }
        return d;
    }
}
