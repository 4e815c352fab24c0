package org.tidegate.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tidegate.crypto.GatewayCrypto;
import org.tidegate.crypto.SealerOptions;

/** The component's configuration mapping (ConfigAdmin hands absolute paths; defaults are relative to home). */
class SecurityComponentTest {
    /** ConfigAdmin properties as the component receives them (with what the framework adds). */
    static Map<String, Object> config(Map<String, Object> values) {
        Map<String, Object> p = new HashMap<>(values);
        p.put("service.pid", SecurityComponent.PID);
        p.put("component.name", SecurityComponent.class.getName());
        p.put("component.id", 3L);
        p.put("osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)");
        return p;
    }

    @Test
    void absolutePathsAreKeptAndDefaultsResolveAgainstHome() {
        GatewayCrypto.Settings s = SecuritySection.read(config(Map.of("gatewayId", "gw-zj-0001",
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
        Map<String, Object> config = config(Map.of("gatewayId", "gw-zj-0001", "home", home.toString()));
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
        GatewayCrypto.Settings d = SecuritySection.read(config(Map.of("gatewayId", "gw", "home", "/x")));
        GatewayCrypto.Settings s = new GatewayCrypto.Settings(d.gatewayId(), d.home(), d.privateKey(), d.publicKey(),
                d.cloudId(), d.cloudPublicKey(), d.encrypt(), d.sign(), d.commandWindow(), Duration.ofHours(48),
                d.keyRotationMessages(), d.deflateMinBytes(), d.replayState());
        assertThrows(IllegalArgumentException.class, s::sealerOptions);
        // a configuration put straight into ConfigAdmin is refused by the schema, before any key is read
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecuritySection.read(
                config(Map.of("gatewayId", "gw", "home", "/x", "keyRotationHours", 48))));
        assertTrue(e.getMessage().contains("configuration org.tidegate.security: $.keyRotationHours: 48 is out of range 1–24"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SealerOptions.defaults().withRotation(Duration.ofHours(1), (1L << 20) + 1));
    }

    @Test
    void configAdminPropertiesGoThroughTheSchema() {
        // the defaults are the schema's, whichever way the settings are made
        assertEquals(GatewayCrypto.Settings.defaults("gw", Path.of("/srv/tg")),
                SecuritySection.read(Map.of("gatewayId", "gw", "home", "/srv/tg", "tidegate.source", "gateway.json",
                        "felix.fileinstall.filename", "file:/etc/security.cfg")));
        assertEquals(SealerOptions.defaults(), GatewayCrypto.Settings.defaults("gw", Path.of("/x")).sealerOptions());
        assertEquals(org.tidegate.crypto.CommandReplayGuard.DEFAULT_WINDOW,
                GatewayCrypto.Settings.defaults("gw", Path.of("/x")).commandWindow());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecuritySection.read(Map.of(
                "home", "/x", "cloudId", "bad id", "encrypt", "yes", "deflateMinBytes", -1, "signn", true)));
        String m = e.getMessage();
        assertTrue(m.contains("configuration org.tidegate.security: $.gatewayId: is required"), m);
        assertTrue(m.contains("$.cloudId: id "), m);
        assertTrue(m.contains("$.encrypt: must be true or false"), m);
        assertTrue(m.contains("$.deflateMinBytes: -1 is out of range 0–1048576"), m);
        assertTrue(m.contains("$.signn: unknown key (did you mean \"sign\"?)"), m);
    }

    @Test
    void theCommandLineReadsGatewayJsonThroughTheSchema(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        java.nio.file.Files.writeString(home.resolve("gateway.json"), """
                { "id": "gw-1", "broker": { "url": "tcp://h:1883" },
                  "security": { "cloudId": "cloud-hz", "keyRotationHours": 12 },
                  "telemetry": { "deflateMinBytes": 0, "batchPolls": 3 } }
                """);
        GatewayCrypto.Settings s = SecuritySection.settings(home);
        assertEquals("gw-1", s.gatewayId());
        assertEquals("cloud-hz", s.cloudId());
        assertEquals(Duration.ofHours(12), s.keyRotationInterval());
        assertEquals(0, s.deflateMinBytes());
        assertEquals(home.resolve(SecuritySection.DEFAULT_PRIVATE_KEY), s.privateKey());

        java.nio.file.Files.writeString(home.resolve("gateway.json"), """
                { "id": "gw-1", "security": { "cloudID": "cloud-hz", "keyRotationHours": 25 } }
                """);
        String m = assertThrows(java.io.IOException.class, () -> SecuritySection.settings(home)).getMessage();
        assertTrue(m.contains("$.security.cloudID: unknown key (did you mean \"cloudId\"?)"), m);
        assertTrue(m.contains("$.security.keyRotationHours: 25 is out of range 1–24"), m);
    }
}
