package org.tidegate.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A component's ConfigAdmin properties read through its section schema, with what DS and config add. */
class SectionPropertiesTest {
    private static long read(Map<String, Object> props) {
        return SectionProperties.read("org.tidegate.test", props, true, (s, home) -> s.integer("size", 1, 10, 5, false));
    }

    @Test
    void keysAddedByTheFrameworkConfigAndDeclarativeServicesAreKnown() {
        assertEquals(7L, read(Map.of("size", 7, "gatewayId", "gw-1", "home", "/tmp", "tidegate.source", "home",
                "service.pid", "org.tidegate.test", "component.id", 3, "osgi.ds.satisfying.condition.target", "(x=y)",
                "$003.target", "(gatewayId=gw-1)", "sealer.cardinality.minimum", 1)));
        assertEquals(5L, read(Map.of("gatewayId", "gw-1")), "default");
    }

    @Test
    void anyOtherKeyOrABadValueIsRefusedWithEveryProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("sise", 7, "size", 70)));
        assertTrue(e.getMessage().contains("configuration org.tidegate.test: $.sise: unknown key (did you mean \"size\"?)"), e.getMessage());
        assertTrue(e.getMessage().contains("configuration org.tidegate.test: $.size: 70 is out of range 1–10"), e.getMessage());
        assertTrue(e.getMessage().contains("$.gatewayId: is required"), e.getMessage());
    }
}
