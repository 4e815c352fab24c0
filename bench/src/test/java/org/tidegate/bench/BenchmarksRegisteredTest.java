package org.tidegate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.tidegate.core.cli.PicocliCommand;

/** Every benchmark is registered (it was checked per module, e.g. modbus in the simulator, before they moved here). */
class BenchmarksRegisteredTest {
    @Test
    void allAreFoundAndTheCommandIsContributed() {
        assertEquals(List.of("crypto", "gateway", "gpio", "ingest", "modbus", "pipeline", "store", "uplink"),
                BenchCommand.benchmarks().keySet().stream().toList());
        assertTrue(ServiceLoader.load(PicocliCommand.class).stream().anyMatch(p -> p.type() == BenchCommand.class));
    }
}
