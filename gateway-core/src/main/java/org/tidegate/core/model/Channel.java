package org.tidegate.core.model;

import java.util.Objects;

/**
 * One point of a device: where it lives on the device ({@code address}, interpreted by the protocol's
 * driver), how its raw data decodes, and how the decoded number becomes an engineering value
 * ({@code value = raw * scale + offset}).
 *
 * @param id        channel id, unique within its device; {@code [A-Za-z0-9._-]{1,64}}
 * @param address   protocol-specific address, e.g. {@code hr:100}, {@code ir:3.2}, {@code coil:5}, {@code gpio:17}
 * @param type      how the raw data decodes
 * @param byteOrder byte order within a register
 * @param wordOrder register order within a multi-register value
 * @param length    registers for {@link DataType#STRING}, otherwise 0
 * @param scale     multiplier applied to numeric raw values
 * @param offset    added after scaling
 * @param unit      engineering unit for display and the {@code u} body field, may be empty
 * @param access    read, write or both
 * @param settings  the driver's typed settings of this channel (made by its {@code DriverSchema})
 * @param rules     the channel's edge rules as JSON text, read by the pipeline's schema; "" for none
 */
public record Channel(
        String id,
        String address,
        DataType type,
        Endian byteOrder,
        Endian wordOrder,
        int length,
        double scale,
        double offset,
        String unit,
        Access access,
        ChannelSettings settings,
        String rules) {

    public Channel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        byteOrder = byteOrder == null ? Endian.BIG : byteOrder;
        wordOrder = wordOrder == null ? Endian.BIG : wordOrder;
        unit = unit == null ? "" : unit;
        access = access == null ? Access.READ : access;
        settings = settings == null ? ChannelSettings.NONE : settings;
        rules = rules == null ? "" : rules;
    }

    /** The driver's settings, of the type its schema makes. */
    public <T extends ChannelSettings> T settings(Class<T> type) {
        if (!type.isInstance(settings)) {
            throw new IllegalArgumentException("channel " + id + ": settings are " + settings.getClass().getName()
                    + ", not " + type.getName());
        }
        return type.cast(settings);
    }

    /** A plain readable channel with unit scale, big-endian, no driver settings, no rules. */
    public static Channel of(String id, String address, DataType type, String unit) {
        return new Channel(id, address, type, Endian.BIG, Endian.BIG, 0, 1.0, 0.0, unit, Access.READ,
                ChannelSettings.NONE, "");
    }

    /** Registers this channel occupies on a register-based device. */
    public int registerCount() {
        return type == DataType.STRING ? length : Math.max(1, type.registers());
    }

    /**
     * Turns a decoded raw value into the engineering value: numbers are scaled and offset,
     * booleans and strings pass through. Integers that stay integral under unit scale stay {@code Long}.
     *
     * <p>An integer raw value is scaled in decimal arithmetic, so the result has exactly the decimals that the
     * scale and offset imply (raw 1234567 × 0.1 is {@code 123456.7}, not {@code 123456.70000000001}; × 0.5 gives
     * one decimal; an integral result such as 10 × 0.5 is exactly {@code 5.0}), then becomes the nearest
     * {@code double}. Floating-point raw values (float32, float64) keep their own precision: they are scaled in
     * plain double arithmetic.
     */
    public Object toEngineering(Object raw) {
        if (raw instanceof Number n && type.isNumeric()) {
            boolean integral = !(raw instanceof Double) && !(raw instanceof Float);
            if (scale == 1.0 && offset == 0.0 && integral) {
                return n.longValue();
            }
            if (integral && Double.isFinite(scale) && Double.isFinite(offset)) {
                // BigDecimal.valueOf(double) takes the shortest decimal that prints as the double (0.1 -> 0.1),
                // which is the precision the configuration meant.
                return java.math.BigDecimal.valueOf(n.longValue())
                        .multiply(java.math.BigDecimal.valueOf(scale))
                        .add(java.math.BigDecimal.valueOf(offset))
                        .doubleValue();
            }
            return n.doubleValue() * scale + offset;
        }
        return raw;
    }

    /** Inverse of {@link #toEngineering} for writes: engineering value to the raw number the device takes. */
    public Object toRaw(Object engineering) {
        if (engineering instanceof Number n && type.isNumeric()) {
            double raw = (n.doubleValue() - offset) / scale;
            return switch (type) {
                case FLOAT32, FLOAT64 -> raw;
                default -> Math.round(raw);
            };
        }
        return engineering;
    }
}
