package org.tidegate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayCryptoTest {
    @TempDir
    Path home;
    KeyPair gateway;
    KeyPair cloud;
    MutableClock clock = new MutableClock(Instant.parse("2024-11-22T10:40:00Z"));

    @BeforeEach
    void provisionByHand() throws Exception {
        gateway = SmKeys.generate();
        cloud = SmKeys.generate();
        Files.createDirectories(home.resolve("keys"));
        PemKeys.writePrivateKey(home.resolve("keys/gateway.key.pem"), gateway.getPrivate(), false);
        PemKeys.writePublicKey(home.resolve("keys/gateway.pub.pem"), gateway.getPublic(), false);
        PemKeys.writePublicKey(home.resolve("keys/cloud.pub.pem"), cloud.getPublic(), false);
        Files.writeString(home.resolve("gateway.json"), """
                { "id": "gw-zj-0001", "broker": { "url": "tcp://127.0.0.1:1883" },
                  "security": { "privateKey": "keys/gateway.key.pem", "cloudId": "cloud-hz",
                                "cloudPublicKey": "keys/cloud.pub.pem", "commandWindowSeconds": 120 },
                  "telemetry": { "deflateMinBytes": 512 } }
                """);
    }

    GatewayCrypto load() throws Exception {
        return GatewayCrypto.load(GatewayCrypto.settingsFromGatewayJson(home), clock);
    }

    @Test
    void settingsComeFromGatewayJson() throws Exception {
        GatewayCrypto.Settings s = GatewayCrypto.settingsFromGatewayJson(home);
        assertEquals("gw-zj-0001", s.gatewayId());
        assertEquals("cloud-hz", s.cloudId());
        assertEquals(home.resolve("keys/gateway.key.pem").toAbsolutePath().normalize(), s.privateKey());
        assertEquals(Duration.ofSeconds(120), s.commandWindow());
        assertEquals(512, s.deflateMinBytes());
        assertTrue(s.encrypt() && s.sign());
        assertEquals(home.resolve("data/command-replay.state").toAbsolutePath().normalize(), s.replayState());
    }

    @Test
    void refusesToStartWhenThePrivateKeyIsReadableByOthers() throws Exception {
        Path key = home.resolve("keys/gateway.key.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        InsecureKeyFileException e = assertThrows(InsecureKeyFileException.class, this::load);
        assertTrue(e.getMessage().contains("gateway.key.pem") && e.getMessage().contains("0644"), e.getMessage());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        load();
    }

    @Test
    void refusesAPublicKeyThatDoesNotMatch() throws Exception {
        PemKeys.writePublicKey(home.resolve("keys/gateway.pub.pem"), SmKeys.generate().getPublic(), true);
        assertTrue(assertThrows(IOException.class, this::load).getMessage().contains("does not belong"));
    }

    @Test
    void telemetryReachesTheCloudAndCommandsReachTheGateway() throws Exception {
        GatewayCrypto gw = load();
        byte[] body = "{\"gateway\":\"gw-zj-0001\"}".getBytes(StandardCharsets.UTF_8);
        byte[] up = gw.sealer().seal(ContentType.TELEMETRY, 4, 1, body);
        EnvelopeOpener cloudSide = EnvelopeOpener.builder(cloud.getPrivate(),
                TrustedSenders.of("gw-zj-0001", gateway.getPublic())).build();
        assertArrayEquals(body, cloudSide.open(up).body());

        EnvelopeSealer cloudSealer = new EnvelopeSealer("cloud-hz", cloud.getPrivate(), gateway.getPublic(),
                SealerOptions.defaults(), clock, new java.security.SecureRandom());
        byte[] cmd = "{\"gateway\":\"gw-zj-0001\",\"cmd\":\"write\",\"device\":\"pump-1\",\"ch\":\"run\",\"v\":true}".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(cmd, gw.commandOpener().open(cloudSealer.seal(ContentType.COMMAND, 9, 100, cmd)).body());
    }

    @Test
    void commandReplayProtectionSurvivesAGatewayRestart() throws Exception {
        EnvelopeSealer cloudSealer = new EnvelopeSealer("cloud-hz", cloud.getPrivate(), gateway.getPublic(),
                SealerOptions.defaults(), clock, new java.security.SecureRandom());
        byte[] cmd7 = cloudSealer.seal(ContentType.COMMAND, 9, 7, BOUND.getBytes(StandardCharsets.UTF_8));
        byte[] cmd8 = cloudSealer.seal(ContentType.COMMAND, 9, 8, BOUND.getBytes(StandardCharsets.UTF_8));
        GatewayCrypto first = load();
        first.commandOpener().open(cmd7);
        assertEquals(EnvelopeException.Reason.REPLAYED,
                assertThrows(EnvelopeException.class, () -> first.commandOpener().open(cmd7)).reason());

        GatewayCrypto second = load(); // a restart: new process state, same home
        assertEquals(EnvelopeException.Reason.REPLAYED,
                assertThrows(EnvelopeException.class, () -> second.commandOpener().open(cmd7)).reason());
        second.commandOpener().open(cmd8);

        clock.advance(Duration.ofSeconds(121));
        byte[] late = cloudSealer.seal(ContentType.COMMAND, 9, 9, clock.millis() - 121_000,
                BOUND.getBytes(StandardCharsets.UTF_8));
        assertEquals(EnvelopeException.Reason.STALE,
                assertThrows(EnvelopeException.class, () -> second.commandOpener().open(late)).reason());
    }

    @Test
    void commandsMustBeSignedByTheCloud() throws Exception {
        GatewayCrypto gw = load();
        EnvelopeSealer unsigned = new EnvelopeSealer("cloud-hz", null, gateway.getPublic(),
                SealerOptions.defaults().withSign(false), clock, new java.security.SecureRandom());
        assertEquals(EnvelopeException.Reason.BAD_SIGNATURE, assertThrows(EnvelopeException.class,
                () -> gw.commandOpener().open(unsigned.seal(ContentType.COMMAND, 9, 1, new byte[2]))).reason());
        EnvelopeSealer impostor = new EnvelopeSealer("cloud-hz", SmKeys.generate().getPrivate(), gateway.getPublic(),
                SealerOptions.defaults(), clock, new java.security.SecureRandom());
        assertEquals(EnvelopeException.Reason.BAD_SIGNATURE, assertThrows(EnvelopeException.class,
                () -> gw.commandOpener().open(impostor.seal(ContentType.COMMAND, 9, 2, new byte[2]))).reason());
    }

    static final String BOUND = "{\"gateway\":\"gw-zj-0001\",\"op\":\"ping\"}";

    @Test
    void aSignedPlainCommandIsRefusedAsNotEncryptedAndMovesNoMark() throws Exception {
        GatewayCrypto gw = load();
        EnvelopeSealer plain = new EnvelopeSealer("cloud-hz", cloud.getPrivate(), null,
                SealerOptions.defaults().withEncrypt(false), clock, new java.security.SecureRandom());
        EnvelopeException e = assertThrows(EnvelopeException.class,
                () -> gw.commandOpener().open(plain.seal(ContentType.COMMAND, 9, 50, BOUND.getBytes(StandardCharsets.UTF_8))));
        assertEquals(EnvelopeException.Reason.NOT_ENCRYPTED, e.reason());
        assertTrue(gw.replayGuard().lastAccepted("cloud-hz").isEmpty(), "a refused command moves no mark");
    }

    @Test
    void anEncryptedCommandNamingAnotherGatewayOrNoneIsRefusedAsWrongGateway() throws Exception {
        GatewayCrypto gw = load();
        EnvelopeSealer cloudSealer = new EnvelopeSealer("cloud-hz", cloud.getPrivate(), gateway.getPublic(),
                SealerOptions.defaults(), clock, new java.security.SecureRandom());
        for (String body : new String[] {"{\"gateway\":\"gw-zj-0002\",\"op\":\"ping\"}", "{\"op\":\"ping\"}",
                "{\"gateway\":7}", "[\"gw-zj-0001\"]", "not json"}) {
            EnvelopeException e = assertThrows(EnvelopeException.class, () -> gw.commandOpener().open(
                    cloudSealer.seal(ContentType.COMMAND, 9, 60, body.getBytes(StandardCharsets.UTF_8))), body);
            assertEquals(EnvelopeException.Reason.WRONG_GATEWAY, e.reason(), body);
        }
        assertTrue(gw.replayGuard().lastAccepted("cloud-hz").isEmpty(), "a refused command moves no mark");
        // the same sequence, bound to this gateway: accepted
        gw.commandOpener().open(cloudSealer.seal(ContentType.COMMAND, 9, 60, BOUND.getBytes(StandardCharsets.UTF_8)));
        assertEquals(60, gw.replayGuard().lastAccepted("cloud-hz").getAsLong());
    }
}
