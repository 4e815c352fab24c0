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
    void activationRegistersSealerAndOpenerOrRefusesAnExposedKey(@org.junit.jupiter.api.io.TempDir Path home)
            throws Exception {
        java.security.KeyPair gw = org.tidegate.crypto.SmKeys.generate();
        java.nio.file.Files.createDirectories(home.resolve("keys"));
        org.tidegate.crypto.PemKeys.writePrivateKey(home.resolve("keys/gateway.key.pem"), gw.getPrivate(), false);
        org.tidegate.crypto.PemKeys.writePublicKey(home.resolve("keys/cloud.pub.pem"),
                org.tidegate.crypto.SmKeys.generate().getPublic(), false);
        java.util.List<Object> registered = new java.util.ArrayList<>();
        java.util.List<Object> unregistered = new java.util.ArrayList<>();
        org.osgi.framework.BundleContext context = (org.osgi.framework.BundleContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {org.osgi.framework.BundleContext.class}, (p, m, a) -> {
                    if (m.getName().equals("registerService")) {
                        registered.add(a[1]);
                        return Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {org.osgi.framework.ServiceRegistration.class}, (p2, m2, a2) -> {
                                    if (m2.getName().equals("unregister")) {
                                        unregistered.add(a[1]);
                                    }
                                    return null;
                                });
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        SecurityComponent.Config config = config(Map.of("gatewayId", "gw-zj-0001", "home", home.toString()));
        SecurityComponent component = new SecurityComponent(config, context);
        assertEquals(2, registered.size());
        assertEquals(org.tidegate.crypto.EnvelopeSealer.class, registered.get(0).getClass());
        assertEquals("gw-zj-0001", ((org.tidegate.crypto.EnvelopeSealer) registered.get(0)).senderId());
        assertEquals(org.tidegate.crypto.EnvelopeOpener.class, registered.get(1).getClass());
        component.deactivate();
        assertEquals(registered, unregistered);

        registered.clear();
        java.nio.file.Files.setPosixFilePermissions(home.resolve("keys/gateway.key.pem"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThrows(org.tidegate.crypto.InsecureKeyFileException.class, () -> new SecurityComponent(config, context));
        assertEquals(0, registered.size(), "nothing is registered when the key is exposed");
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
