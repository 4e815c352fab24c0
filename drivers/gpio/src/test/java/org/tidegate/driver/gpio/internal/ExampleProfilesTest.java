package org.tidegate.driver.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.driver.DeviceSession;
import org.tidegate.core.driver.ReadStatus;
import org.tidegate.core.model.Device;

/**
 * The riverside example's GPIO devices (config/examples/riverside), merged with their profiles, decode through
 * {@link GpioSchema} and open and read on the mock provider. The merge here is the minimal one (device keys, the
 * profile's channels with the device's per-channel overrides); the config module owns the real one.
 */
class ExampleProfilesTest {
    private static final Path RIVERSIDE = Path.of("../../config/examples/riverside");

    /** The example device that uses {@code profile}, resolved (profile channels inline), on the mock provider. */
    static ObjectNode resolved(String profile) throws Exception {
        JsonNode p = ConfigNode.mapper().readTree(RIVERSIDE.resolve("profiles/" + profile).toFile());
        ObjectNode d = null;
        try (Stream<Path> files = Files.list(RIVERSIDE.resolve("devices"))) {
            for (Path f : files.sorted().toList()) {
                JsonNode n = ConfigNode.mapper().readTree(f.toFile());
                if (n.path("profile").asText().equals(p.path("id").asText())) {
                    d = (ObjectNode) n;
                }
            }
        }
        assertTrue(d != null, "no example device uses " + profile);
        JsonNode overrides = d.path("channels");
        ArrayNode channels = ConfigNode.mapper().createArrayNode();
        for (JsonNode c : p.path("channels")) {
            ObjectNode merged = ((ObjectNode) c).deepCopy();
            if (overrides.path(c.path("id").asText()).isObject()) {
                merged.setAll((ObjectNode) overrides.path(c.path("id").asText()));
            }
            channels.add(merged);
        }
        d.put("protocol", p.path("protocol").asText());
        d.set("options", p.path("options"));
        d.set("channels", channels);
        ((ObjectNode) d.path("connection")).put("provider", "mock");
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"smoke-detector.json", "rain-gauge.json", "siren-relay.json"})
    void profileDecodesOpensAndReadsOnTheMockProvider(String name) throws Exception {
        Path file = RIVERSIDE.resolve("profiles").resolve(name);
        assertTrue(Files.isRegularFile(file), "missing " + file.toAbsolutePath());
        Device d = DeviceSchema.decode("profiles/" + name, resolved(name).toString(), new GpioSchema());
        try (GpioDriver driver = Fixtures.mockDriver(new Fixtures.ManualClock());
             DeviceSession s = driver.open(d)) {
            for (ChannelReading r : s.read(d.channels())) {
                assertEquals(ReadStatus.OK, r.status(), r.channel().id() + ": " + r.detail());
                // Idle site: no smoke, no rain yet, siren off.
                assertTrue(Boolean.FALSE.equals(r.raw()) || Double.valueOf(0.0).equals(r.raw()), r.toString());
            }
        }
    }

    @Test
    void everyGpioProfileOfTheExampleIsCoveredAbove() throws Exception {
        try (Stream<Path> files = Files.list(RIVERSIDE.resolve("profiles"))) {
            List<String> gpio = files.filter(f -> {
                try {
                    return ConfigNode.mapper().readTree(f.toFile()).path("protocol").asText().equals("gpio");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).map(f -> f.getFileName().toString()).sorted().toList();
            assertEquals(List.of("rain-gauge.json", "siren-relay.json", "smoke-detector.json"), gpio);
        }
    }
}
