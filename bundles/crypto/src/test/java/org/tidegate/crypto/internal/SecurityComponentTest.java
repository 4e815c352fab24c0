package org.tidegate.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tidegate.crypto.GatewayCrypto;
import org.tidegate.crypto.SealerOptions;

/** The component's configuration mapping (ConfigAdmin hands absolute paths; defaults are relative to home). */
class SecurityComponentTest {
    static SecurityComponent.Config config(Map<String, Object> values) {
        return (SecurityComponent.Config) Proxy.newProxyInstance(SecurityComponent.Config.class.getClassLoader(),
                new Class<?>[] {SecurityComponent.Config.class}, (proxy, method, args) -> {
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    @Test
    void absolutePathsAreKeptAndDefaultsResolveAgainstHome() {
        GatewayCrypto.Settings s = SecurityComponent.settings(config(Map.of("gatewayId", "gw-zj-0001",
                "home", "/srv/tidegate", "privateKey", "/etc/tidegate/keys/gw.key.pem", "commandWindowSeconds", 60)));
        assertEquals(Path.of("/etc/tidegate/keys/gw.key.pem"), s.privateKey());
        assertEquals(Path.of("/srv/tidegate/keys/gateway.pub.pem"), s.publicKey());
        assertEquals(Path.of("/srv/tidegate/keys/cloud.pub.pem"), s.cloudPublicKey());
        assertEquals(Path.of("/srv/tidegate/data/command-replay.state"), s.replayState());
        assertEquals(Duration.ofSeconds(60), s.commandWindow());
        assertEquals("cloud", s.cloudId());
        assertEquals(SealerOptions.defaults(), s.sealerOptions());
    }

    @Test
    void rotationBeyondTheSpecIsRefused() {
        GatewayCrypto.Settings s = SecurityComponent.settings(config(Map.of("gatewayId", "gw", "home", "/x",
                "keyRotationHours", 48)));
        assertThrows(IllegalArgumentException.class, s::sealerOptions);
        assertThrows(IllegalArgumentException.class,
                () -> SealerOptions.defaults().withRotation(Duration.ofHours(1), (1L << 20) + 1));
    }
}
