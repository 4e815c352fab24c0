package org.tidegate.driver.dlt645.meter;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.tidegate.driver.dlt645.codec.BcdFormat;
import org.tidegate.driver.dlt645.codec.DataBlock;
import org.tidegate.driver.dlt645.codec.MeterAddress;

/**
 * One simulated meter: its address, the data identifiers it knows (each with its format and a live value), whether
 * it answers block reads, and a fault to misbehave with. Thread-safe: the bus thread reads what tests change.
 */
public final class SimulatedMeter {

    /** How the meter misbehaves. */
    public enum Fault {
        NONE,
        /** Does not answer at all. */
        SILENT,
        /** Answers with a wrong checksum. */
        BAD_CHECKSUM
    }

    private record Item(BcdFormat format, Supplier<BigDecimal> value) {
    }

    private final MeterAddress address;
    private final Map<Integer, Item> items = new LinkedHashMap<>();
    private volatile boolean blocks = true;
    private volatile Fault fault = Fault.NONE;
    private volatile LocalDateTime lastTimeSync;
    private volatile long reads;

    public SimulatedMeter(MeterAddress address) {
        this.address = address;
    }

    public MeterAddress address() {
        return address;
    }

    /** Adds (or replaces) a data identifier whose value is read from {@code value} at every request. */
    public synchronized SimulatedMeter value(int dataIdentifier, BcdFormat format, Supplier<BigDecimal> value) {
        items.put(dataIdentifier, new Item(format, value));
        return this;
    }

    /** A fixed value. */
    public SimulatedMeter value(int dataIdentifier, BcdFormat format, String value) {
        BigDecimal v = new BigDecimal(value);
        return value(dataIdentifier, format, () -> v);
    }

    public synchronized void remove(int dataIdentifier) {
        items.remove(dataIdentifier);
    }

    /** Whether block identifiers ({@code 0201FF00} ...) are answered (else with error "no requested data"). */
    public SimulatedMeter blocks(boolean answered) {
        this.blocks = answered;
        return this;
    }

    public void fault(Fault f) {
        this.fault = f;
    }

    public Fault fault() {
        return fault;
    }

    /** The time of the last broadcast time sync received, or null. */
    public LocalDateTime lastTimeSync() {
        return lastTimeSync;
    }

    void timeSynced(LocalDateTime t) {
        lastTimeSync = t;
    }

    /** Read requests answered (normal or error replies). */
    public long reads() {
        return reads;
    }

    /**
     * The value bytes for {@code dataIdentifier} (a block: its items' values back to back, from the block's first
     * item through the last one this meter has, all of which it must have), or null for "no requested data".
     */
    synchronized byte[] read(int dataIdentifier) {
        reads++;
        if (((dataIdentifier >> 8) & 0xFF) == 0xFF) {
            DataBlock b = DataBlock.of(dataIdentifier & 0xFFFF00FF | (0x01 << 8));
            if (!blocks || b == null || b.identifier() != dataIdentifier) {
                return null;
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int i = 0; items.containsKey(b.item(i)); i++) {
                Item it = items.get(b.item(i));
                out.writeBytes(it.format().encode(it.value().get()));
            }
            return out.size() == 0 ? null : out.toByteArray();
        }
        Item it = items.get(dataIdentifier);
        return it == null ? null : it.format().encode(it.value().get());
    }
}
