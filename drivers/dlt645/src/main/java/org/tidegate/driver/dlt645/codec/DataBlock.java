package org.tidegate.driver.dlt645.codec;

/**
 * A data block of DL/T 645-2007 (Appendix A): one identifier whose {@code DI1} is {@code FF} stands for the
 * consecutive items that differ only in {@code DI1}, answered as their values back to back in {@code DI1} order.
 * Only the blocks whose layout the standard fixes are known here:
 * <ul>
 *   <li>{@code 0201FF00} phase voltages A, B, C ({@code DI1} 01–03) and {@code 0202FF00} phase currents A, B, C;</li>
 *   <li>{@code 0203FF00}–{@code 0206FF00} active, reactive, apparent power and power factor: total, A, B, C
 *       ({@code DI1} 00–03);</li>
 *   <li>{@code 00..FF00} energies of the current settlement period ({@code DI3} 00, {@code DI0} 00): total and
 *       tariffs 1–63 ({@code DI1} 00–3F).</li>
 * </ul>
 *
 * @param identifier the block's identifier ({@code DI1} = {@code FF}), e.g. {@code 0x0201FF00}
 * @param first      the {@code DI1} of the block's first value
 */
public record DataBlock(int identifier, int first) {

    /** The block that item {@code dataIdentifier} belongs to, or null if it is in none known here. */
    public static DataBlock of(int dataIdentifier) {
        int di3 = dataIdentifier >>> 24;
        int di2 = (dataIdentifier >> 16) & 0xFF;
        int di1 = (dataIdentifier >> 8) & 0xFF;
        int di0 = dataIdentifier & 0xFF;
        int block = dataIdentifier | 0xFF00;
        if (di3 == 0x02 && di0 == 0x00 && (di2 == 0x01 || di2 == 0x02) && di1 >= 1 && di1 <= 3) {
            return new DataBlock(block, 1);
        }
        if (di3 == 0x02 && di0 == 0x00 && di2 >= 0x03 && di2 <= 0x06 && di1 <= 3) {
            return new DataBlock(block, 0);
        }
        if (di3 == 0x00 && di0 == 0x00 && di2 >= 0x01 && di2 <= 0x0A && di1 <= 0x3F) {
            return new DataBlock(block, 0);
        }
        return null;
    }

    /** The position of item {@code dataIdentifier}'s value in this block's reply, 0-based. */
    public int index(int dataIdentifier) {
        return ((dataIdentifier >> 8) & 0xFF) - first;
    }

    /** The item at {@code index} of this block. */
    public int item(int index) {
        return (identifier & 0xFFFF00FF) | ((first + index) << 8);
    }
}
