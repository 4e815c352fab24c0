package org.tidegate.driver.modbus.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.ModbusAddress;
import org.tidegate.core.model.ModbusAddress.Table;
import org.tidegate.driver.modbus.codec.FunctionCode;
import org.tidegate.driver.modbus.codec.ValueFormat;

/**
 * Merges channels into the fewest read requests: per table, channels sorted by address are swept once and
 * a block grows while the next channel starts at most {@code maxGap} items after the block's end and the
 * block stays within {@code maxBlock} items (and the protocol caps of 125 registers / 2000 bits). Sweeping
 * in address order and extending whenever allowed gives the fewest blocks for these two limits.
 */
public final class BlockPlanner {

    /** Merge limits; register limits apply to hr/ir, bit limits to coil/di. */
    public record Limits(int maxGap, int maxBlock, int maxGapBits, int maxBlockBits) {
        public Limits {
            if (maxGap < 0 || maxGapBits < 0) {
                throw new IllegalArgumentException("maxGap must not be negative");
            }
            maxBlock = Math.max(1, Math.min(maxBlock, FunctionCode.MAX_READ_REGISTERS));
            maxBlockBits = Math.max(1, Math.min(maxBlockBits, FunctionCode.MAX_READ_BITS));
        }

        public static final Limits DEFAULT = new Limits(0, FunctionCode.MAX_READ_REGISTERS, 0, FunctionCode.MAX_READ_BITS);
    }

    /** A channel ready to be read: its parsed address and register format (null format for coils/inputs). */
    public record Planned(Channel channel, int index, ModbusAddress address, ValueFormat format, int count) {
        int end() {
            return address.offset() + count;
        }
    }

    /** One read request and the channels it serves. */
    public record Block(Table table, int start, int count, List<Planned> members) {
        public int function() {
            return table.readFunction();
        }
    }

    /** The blocks, plus channels that cannot be read as configured and why. */
    public record Plan(List<Block> blocks, Map<Channel, String> unsupported) {
    }

    private BlockPlanner() {
    }

    public static Plan plan(List<Channel> channels, Limits limits) {
        Map<Channel, String> unsupported = new LinkedHashMap<>();
        Map<Table, List<Planned>> byTable = new EnumMap<>(Table.class);
        for (int i = 0; i < channels.size(); i++) {
            Channel c = channels.get(i);
            try {
                Planned p = prepare(c, i);
                byTable.computeIfAbsent(p.address().table(), t -> new ArrayList<>()).add(p);
            } catch (IllegalArgumentException e) {
                unsupported.put(c, e.getMessage());
            }
        }
        List<Block> blocks = new ArrayList<>();
        for (Map.Entry<Table, List<Planned>> e : byTable.entrySet()) {
            Table table = e.getKey();
            boolean bits = !table.isRegister();
            int gap = bits ? limits.maxGapBits() : limits.maxGap();
            int max = bits ? limits.maxBlockBits() : limits.maxBlock();
            int cap = bits ? FunctionCode.MAX_READ_BITS : FunctionCode.MAX_READ_REGISTERS;
            List<Planned> sorted = new ArrayList<>(e.getValue());
            sorted.sort(Comparator.comparingInt((Planned p) -> p.address().offset()).thenComparingInt(Planned::count));
            int start = -1;
            int end = -1;
            List<Planned> members = new ArrayList<>();
            for (Planned p : sorted) {
                if (p.count() > cap) {
                    unsupported.put(p.channel(), p.count() + " registers exceed one request (" + cap + " max)");
                    continue;
                }
                int newEnd = Math.max(end, p.end());
                boolean fits = start >= 0 && p.address().offset() - end <= gap && newEnd - start <= max;
                if (start >= 0 && fits) {
                    end = newEnd;
                    members.add(p);
                    continue;
                }
                if (start >= 0) {
                    blocks.add(new Block(table, start, end - start, List.copyOf(members)));
                }
                start = p.address().offset();
                end = p.end();
                members.clear();
                members.add(p);
            }
            if (start >= 0) {
                blocks.add(new Block(table, start, end - start, List.copyOf(members)));
            }
        }
        return new Plan(List.copyOf(blocks), unsupported);
    }

    /**
     * Splits a block at its gaps: the runs of registers its channels actually cover, each within {@code maxBlock}.
     * Used when a device refuses a merged read because a gap register does not exist (exception 2).
     *
     * @return the gap-free blocks, or just {@code block} if it has no gap
     */
    public static List<Block> splitAtGaps(Block block, Limits limits) {
        int max = block.table().isRegister() ? limits.maxBlock() : limits.maxBlockBits();
        List<Block> out = new ArrayList<>();
        int start = -1;
        int end = -1;
        List<Planned> members = new ArrayList<>();
        for (Planned p : block.members()) {
            int newEnd = Math.max(end, p.end());
            if (start >= 0 && p.address().offset() <= end && newEnd - start <= max) {
                end = newEnd;
                members.add(p);
                continue;
            }
            if (start >= 0) {
                out.add(new Block(block.table(), start, end - start, List.copyOf(members)));
            }
            start = p.address().offset();
            end = p.end();
            members.clear();
            members.add(p);
        }
        if (start >= 0) {
            out.add(new Block(block.table(), start, end - start, List.copyOf(members)));
        }
        return out.size() <= 1 ? List.of(block) : out;
    }

    /**
     * Parses and checks one channel.
     *
     * @throws IllegalArgumentException with the reason it cannot be served
     */
    public static Planned prepare(Channel c) {
        return prepare(c, -1);
    }

    private static Planned prepare(Channel c, int index) {
        ModbusAddress a = ModbusAddress.parse(c.address());
        if (!a.table().isRegister()) {
            if (c.type() != DataType.BOOL) {
                throw new IllegalArgumentException(a.table().prefix() + " channels must be bool, not " + c.type().configName());
            }
            return new Planned(c, index, a, null, 1);
        }
        if (a.bit() >= 0) {
            if (c.type() != DataType.BOOL) {
                throw new IllegalArgumentException("bit address " + a + " needs type bool, not " + c.type().configName());
            }
            return new Planned(c, index, a, new ValueFormat(DataType.BOOL, c.byteOrder(), c.wordOrder(), 1, a.bit()), 1);
        }
        if (c.type() == DataType.STRING && c.length() < 1) {
            throw new IllegalArgumentException("string channel needs \"length\" (registers)");
        }
        int n = c.registerCount();
        if (a.offset() + n > 0x10000) {
            throw new IllegalArgumentException("address " + a + " + " + n + " registers runs past 65535");
        }
        return new Planned(c, index, a, new ValueFormat(c.type(), c.byteOrder(), c.wordOrder(), n, -1), n);
    }
}
