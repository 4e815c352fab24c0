package org.tidegate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.GpioAddress;
import org.tidegate.core.model.Ids;
import org.tidegate.core.model.ModbusAddress;

class ModelTest {
    @Test
    void modbusAddresses() {
        assertEquals(new ModbusAddress(ModbusAddress.Table.HOLDING_REGISTER, 100, -1), ModbusAddress.parse("hr:100"));
        assertEquals(new ModbusAddress(ModbusAddress.Table.INPUT_REGISTER, 0, 3), ModbusAddress.parse(" IR:0.3 "));
        assertEquals(new ModbusAddress(ModbusAddress.Table.COIL, 65535, -1), ModbusAddress.parse("coil:65535"));
        assertEquals("di:7", ModbusAddress.parse("di:7").toString());
        assertEquals(3, ModbusAddress.Table.HOLDING_REGISTER.readFunction());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModbusAddress.parse("hr:65536")).getMessage().contains("out of range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModbusAddress.parse("coil:1.2")).getMessage().contains("only applies to registers"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModbusAddress.parse("hr:1.16")).getMessage().contains("0-15"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModbusAddress.parse("40001")).getMessage().contains("TABLE:OFFSET"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModbusAddress.parse("hr:-1")).getMessage().contains("non-negative"));
    }

    @Test
    void gpioAddressesAndIds() {
        assertEquals(17, GpioAddress.parse("gpio:17").line());
        assertThrows(IllegalArgumentException.class, () -> GpioAddress.parse("pin:17"));
        assertThrows(IllegalArgumentException.class, () -> GpioAddress.parse("gpio:64"));
        assertTrue(Ids.isValid("gw-zj_0001.a"));
        assertEquals("must not be empty", Ids.problem(""));
        assertTrue(Ids.problem("a/b").startsWith("may only contain"));
        assertTrue(Ids.problem("x".repeat(65)).startsWith("must be at most 64"));
    }

    @Test
    void engineeringValues() {
        Channel c = new Channel("v", "hr:0", DataType.INT16, null, null, 0, 0.1, 5, "V", null, null, null);
        assertEquals(-1.0 + 5, (double) c.toEngineering(-10L), 1e-9);
        assertEquals(-10L, c.toRaw(4.0));
        Channel plain = Channel.of("n", "hr:1", DataType.UINT32, "");
        assertEquals(7L, plain.toEngineering(7L), "integers stay integers at unit scale");
        assertEquals(2, plain.registerCount());
        assertEquals(true, Channel.of("b", "coil:1", DataType.BOOL, "").toEngineering(true));
    }

    @Test
    void scaledIntegersHaveThePrecisionTheScaleImplies() {
        assertEquals(123456.7, scaled(0.1, 0).toEngineering(1234567L), "not 123456.70000000001");
        assertEquals("123456.7", String.valueOf(scaled(0.1, 0).toEngineering(1234567L)));
        assertEquals(1234.567, scaled(0.001, 0).toEngineering(1234567L));
        assertEquals("1234.567", String.valueOf(scaled(0.001, 0).toEngineering(1234567L)));
        assertEquals(617283.5, scaled(0.5, 0).toEngineering(1234567L));
        assertEquals(5.0, scaled(0.5, 0).toEngineering(10L), "integral results are exact");
        assertEquals(-0.3, scaled(0.1, -0.4).toEngineering(1L), "not -0.30000000000000004");
        assertEquals(12.35, scaled(0.1, 0.05).toEngineering(123L), "the offset's decimals count too");
        assertEquals(3.0E9, scaled(1000, 0).toEngineering(3_000_000L));
        assertEquals(-2.1, scaled(0.7, 0).toEngineering(-3L));
        // Floating-point raw values keep their own precision.
        Channel f = new Channel("f", "hr:0", DataType.FLOAT32, null, null, 0, 0.1, 0, "", null, null, null);
        assertEquals(12.3456 * 0.1, (double) f.toEngineering(12.3456), 0.0);
    }

    private static Channel scaled(double scale, double offset) {
        return new Channel("v", "hr:0", DataType.INT32, null, null, 0, scale, offset, "", null, null, null);
    }
}
