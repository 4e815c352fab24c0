package org.tidegate.driver.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Endian;
import org.tidegate.core.model.ModbusAddress.Table;

class BlockPlannerTest {

    private static Channel ch(String id, String addr, DataType t) {
        return Channel.of(id, addr, t, "");
    }

    private static String describe(List<BlockPlanner.Block> blocks) {
        List<String> s = new ArrayList<>();
        for (BlockPlanner.Block b : blocks) {
            s.add(b.table().prefix() + ":" + b.start() + "+" + b.count());
        }
        return String.join(" ", s);
    }

    @Test
    void mergesAdjacentAndSplitsOnGap() {
        List<Channel> cs = List.of(
                ch("a", "hr:0", DataType.FLOAT32), ch("b", "hr:2", DataType.UINT16), ch("c", "hr:3.4", DataType.BOOL),
                ch("d", "hr:3.5", DataType.BOOL), ch("e", "hr:10", DataType.INT32), ch("f", "ir:0", DataType.INT16));
        assertEquals("ir:0+1 hr:0+4 hr:10+2", describe(BlockPlanner.plan(cs, new BlockPlanner.Limits(0, 125, 0, 2000)).blocks()));
        assertEquals("ir:0+1 hr:0+4 hr:10+2", describe(BlockPlanner.plan(cs, new BlockPlanner.Limits(5, 125, 0, 2000)).blocks()));
        assertEquals("ir:0+1 hr:0+12", describe(BlockPlanner.plan(cs, new BlockPlanner.Limits(6, 125, 0, 2000)).blocks()));
    }

    @Test
    void respectsMaxBlockAndTheProtocolCap() {
        List<Channel> cs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            cs.add(ch("r" + i, "hr:" + i, DataType.UINT16));
        }
        assertEquals("hr:0+125 hr:125+125 hr:250+50", describe(BlockPlanner.plan(cs, new BlockPlanner.Limits(0, 500, 0, 2000)).blocks()));
        assertEquals("hr:0+100 hr:100+100 hr:200+100", describe(BlockPlanner.plan(cs, new BlockPlanner.Limits(0, 100, 0, 2000)).blocks()));
        // A float32 never straddles two blocks: with maxBlock 3 the pair at 2-3 starts a new block.
        List<Channel> floats = List.of(ch("x", "hr:0", DataType.FLOAT32), ch("y", "hr:2", DataType.FLOAT32));
        assertEquals("hr:0+2 hr:2+2", describe(BlockPlanner.plan(floats, new BlockPlanner.Limits(0, 3, 0, 2000)).blocks()));
    }

    @Test
    void orderOfChannelsDoesNotMatterAndOverlapsShareABlock() {
        List<Channel> cs = List.of(ch("z", "hr:20", DataType.UINT16), ch("a", "hr:0", DataType.INT64),
                ch("lo", "hr:1", DataType.UINT16), ch("m", "hr:4", DataType.UINT16));
        BlockPlanner.Plan p = BlockPlanner.plan(cs, new BlockPlanner.Limits(0, 125, 0, 2000));
        assertEquals("hr:0+5 hr:20+1", describe(p.blocks()));
        assertEquals(3, p.blocks().get(0).members().size());
    }

    @Test
    void bitTablesUseBitLimits() {
        List<Channel> cs = List.of(ch("c0", "coil:0", DataType.BOOL), ch("c9", "coil:9", DataType.BOOL),
                ch("d0", "di:100", DataType.BOOL), ch("d1", "di:101", DataType.BOOL));
        assertEquals("coil:0+1 coil:9+1 di:100+2", describe(BlockPlanner.plan(cs, BlockPlanner.Limits.DEFAULT).blocks()));
        assertEquals("coil:0+10 di:100+2", describe(BlockPlanner.plan(cs, new BlockPlanner.Limits(0, 125, 8, 2000)).blocks()));
        BlockPlanner.Plan p = BlockPlanner.plan(cs, new BlockPlanner.Limits(0, 125, 8, 2000));
        assertEquals(Table.COIL, p.blocks().get(0).table());
        assertEquals(1, p.blocks().get(0).function());
        assertEquals(2, p.blocks().get(1).function());
    }

    @Test
    void unsupportedChannelsAreReportedNotPlanned() {
        List<Channel> cs = List.of(ch("ok", "hr:0", DataType.UINT16), ch("badaddr", "xx:1", DataType.UINT16),
                ch("coilnum", "coil:1", DataType.INT16), ch("bitint", "hr:1.3", DataType.INT16),
                new Channel("nolen", "hr:5", DataType.STRING, Endian.BIG, Endian.BIG, 0, 1, 0, "", Access.READ, null, ""),
                new Channel("huge", "hr:5", DataType.STRING, Endian.BIG, Endian.BIG, 126, 1, 0, "", Access.READ, null, ""),
                ch("past", "hr:65535", DataType.FLOAT32));
        BlockPlanner.Plan p = BlockPlanner.plan(cs, BlockPlanner.Limits.DEFAULT);
        assertEquals("hr:0+1", describe(p.blocks()));
        assertEquals(6, p.unsupported().size());
        assertTrue(p.unsupported().values().stream().anyMatch(s -> s.contains("unknown Modbus table")));
        assertTrue(p.unsupported().values().stream().anyMatch(s -> s.contains("exceed one request")));
    }

    @Test
    void splitsABlockAtItsGaps() {
        List<Channel> cs = List.of(ch("a", "hr:0", DataType.FLOAT32), ch("b", "hr:2", DataType.UINT16),
                ch("c", "hr:6", DataType.UINT16), ch("d", "hr:7.1", DataType.BOOL), ch("e", "hr:7.2", DataType.BOOL),
                ch("f", "hr:9", DataType.INT32));
        BlockPlanner.Limits limits = new BlockPlanner.Limits(8, 125, 0, 2000);
        BlockPlanner.Plan p = BlockPlanner.plan(cs, limits);
        assertEquals("hr:0+11", describe(p.blocks()));
        List<BlockPlanner.Block> parts = BlockPlanner.splitAtGaps(p.blocks().get(0), limits);
        assertEquals("hr:0+3 hr:6+2 hr:9+2", describe(parts));
        assertEquals(List.of(2, 3, 4), parts.get(1).members().stream().map(BlockPlanner.Planned::index).toList());
        assertEquals(1, BlockPlanner.splitAtGaps(parts.get(0), limits).size());
    }
}
