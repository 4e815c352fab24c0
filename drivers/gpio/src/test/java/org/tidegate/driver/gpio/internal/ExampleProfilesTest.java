package org.tidegate.driver.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Access;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Endian;

/**
 * The riverside example's GPIO profiles (config/examples/riverside/profiles) open and read on the mock provider.
 * The profile-to-device mapping here is the minimal one of the shared contract (unknown channel keys become
 * options); the config module owns the real one.
 */
class ExampleProfilesTest {
    private static final Path PROFILES = Path.of("../../config/examples/riverside/profiles");
    private static final Set<String> CHANNEL_KEYS = Set.of("id", "address", "type", "byteOrder", "wordOrder", "length",
            "scale", "offset", "unit", "access");

    @SuppressWarnings("unchecked")
    static Device fromProfile(Path file) throws Exception {
        Map<String, Object> p = new ObjectMapper().readValue(file.toFile(), new TypeReference<Map<String, Object>>() {
        });
        List<Channel> channels = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) p.get("channels")) {
            Map<String, Object> options = new LinkedHashMap<>(c);
            options.keySet().removeAll(CHANNEL_KEYS);
            channels.add(new Channel((String) c.get("id"), (String) c.get("address"), DataType.parse((String) c.get("type")),
                    Endian.BIG, Endian.BIG, 0, 1.0, 0.0, (String) c.get("unit"), Access.parse((String) c.get("access")),
                    options));
        }
        return new Device("dev-" + p.get("id"), (String) p.get("id"), (String) p.get("protocol"),
                Map.of("transport", "gpio", "provider", "mock"), Duration.ofSeconds(1), Duration.ofMillis(200), 0,
                channels, (Map<String, Object>) p.get("options"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"smoke-detector.json", "rain-gauge.json", "siren-relay.json"})
    void profileOpensAndReadsOnTheMockProvider(String name) throws Exception {
        Path file = PROFILES.resolve(name);
        assertTrue(Files.isRegularFile(file), "missing " + file.toAbsolutePath());
        Device d = fromProfile(file);
        try (GpioDriver driver = Fixtures.mockDriver(new Fixtures.ManualClock());
             DeviceSession s = driver.open(d)) {
            for (ChannelReading r : s.read(d.channels())) {
                assertEquals(ReadStatus.OK, r.status(), r.channel().id() + ": " + r.detail());
                // Idle site: no smoke, no rain yet, siren off.
                assertTrue(Boolean.FALSE.equals(r.raw()) || Double.valueOf(0.0).equals(r.raw()), r.toString());
            }
        }
    }
}
