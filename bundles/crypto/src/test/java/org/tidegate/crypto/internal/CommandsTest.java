package org.tidegate.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidegate.core.cli.CommandLines;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.core.testing.ExternalTools;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.GatewayCrypto;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;
import org.tidegate.crypto.TrustedSenders;

class CommandsTest {
    @TempDir
    Path dir;
    Path cloudPub;
    KeyPair cloud;
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    @BeforeEach
    void cloudKey() throws Exception {
        cloud = SmKeys.generate();
        cloudPub = dir.resolve("cloud-from-operator.pub.pem");
        PemKeys.writePublicKey(cloudPub, cloud.getPublic(), false);
    }

    /** Runs the command as the launcher does: picocli parses, usage mistakes exit 2. */
    int run(PicocliCommand c, String... args) {
        outBytes.reset();
        errBytes.reset();
        return CommandLines.execute(c, List.of(args), new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void registeredAsServices() {
        Set<String> names = StreamSupport.stream(ServiceLoader.load(PicocliCommand.class).spliterator(), false)
                .map(c -> c.getClass().getAnnotation(picocli.CommandLine.Command.class).name()).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("keygen", "provision")), names.toString());
    }

    @Test
    void keygenWritesAPairAndNeverOverwritesByAccident() throws Exception {
        String prefix = dir.resolve("sub/cloud").toString();
        assertEquals(0, run(new KeygenCommand(), "--out", prefix));
        Path key = Path.of(prefix + ".key.pem");
        Path pub = Path.of(prefix + ".pub.pem");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        String fp = SmKeys.fingerprintGrouped(PemKeys.readPublicKey(pub));
        assertTrue(out().contains("SM3 fingerprint: " + fp), out());
        assertTrue(out().contains(Files.readString(pub)), out());
        byte[] before = Files.readAllBytes(key);
        assertEquals(1, run(new KeygenCommand(), "--out", prefix));
        assertTrue(err().contains("already exists"), err());
        assertArrayEquals(before, Files.readAllBytes(key));
        assertEquals(0, run(new KeygenCommand(), "--out", prefix, "--force"));
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(key)));
        assertArrayEquals(SmKeys.spki(SmKeys.publicKeyOf(PemKeys.readPrivateKey(key))),
                SmKeys.spki(PemKeys.readPublicKey(pub)));
        assertEquals(2, run(new KeygenCommand()));
        assertEquals(2, run(new KeygenCommand(), "--out", prefix, "--bogus"));
        assertTrue(err().startsWith("tidegate keygen: Unknown option: '--bogus'"), err());
    }

    @Test
    void provisionMakesAWorkingHome() throws Exception {
        Path home = dir.resolve("home");
        assertEquals(0, run(new ProvisionCommand(), "--home", home.toString(), "--id", "gw-zj-0001",
                "--broker", "tcp://127.0.0.1:1883", "--cloud-key", cloudPub.toString()), err());
        for (String d : new String[] {"profiles", "devices", "data", "keys"}) {
            assertTrue(Files.isDirectory(home.resolve(d)), d);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("keys/gateway.key.pem"))));
        JsonNode g = new ObjectMapper().readTree(home.resolve("gateway.json").toFile());
        assertEquals("gw-zj-0001", g.get("id").asText());
        assertEquals("tcp://127.0.0.1:1883", g.at("/broker/url").asText());
        assertEquals("keys/gateway.key.pem", g.at("/security/privateKey").asText());
        assertEquals("keys/gateway.pub.pem", g.at("/security/publicKey").asText());
        assertEquals("cloud", g.at("/security/cloudId").asText());
        assertEquals("keys/cloud.pub.pem", g.at("/security/cloudPublicKey").asText());
        assertTrue(g.at("/security/encrypt").asBoolean() && g.at("/security/sign").asBoolean());
        assertEquals(300, g.at("/security/commandWindowSeconds").asInt());
        String fp = SmKeys.fingerprintGrouped(PemKeys.readPublicKey(home.resolve("keys/gateway.pub.pem")));
        assertTrue(out().contains("SM3 fingerprint: " + fp), out());
        assertTrue(out().contains("-----BEGIN PUBLIC KEY-----"), out());

        // the home works: the gateway seals, the cloud opens with the printed key
        GatewayCrypto gw = GatewayCrypto.load(GatewayCrypto.settingsFromGatewayJson(home));
        String printedPem = out().substring(out().indexOf("-----BEGIN PUBLIC KEY-----"),
                out().indexOf("-----END PUBLIC KEY-----") + "-----END PUBLIC KEY-----".length());
        EnvelopeOpener cloudSide = EnvelopeOpener.builder(cloud.getPrivate(),
                TrustedSenders.of("gw-zj-0001", PemKeys.parsePublicKey(printedPem))).build();
        assertEquals(7, cloudSide.open(gw.sealer().seal(ContentType.TELEMETRY, 4, 7, new byte[3])).sequence());
    }

    @Test
    void provisionAgainKeepsTheKeyAndTheRestOfGatewayJson() throws Exception {
        Path home = dir.resolve("home");
        String[] args = {"--home", home.toString(), "--id", "gw-zj-0001", "--broker", "tcp://127.0.0.1:1883",
            "--cloud-key", cloudPub.toString()};
        assertEquals(0, run(new ProvisionCommand(), args));
        byte[] key = Files.readAllBytes(home.resolve("keys/gateway.key.pem"));
        ObjectMapper m = new ObjectMapper();
        JsonNode g = m.readTree(home.resolve("gateway.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) g).put("site", "riverside pumping station");
        ((com.fasterxml.jackson.databind.node.ObjectNode) g.get("broker")).put("keepAliveSeconds", 45);
        ((com.fasterxml.jackson.databind.node.ObjectNode) g.get("security")).put("encrypt", false);
        ((com.fasterxml.jackson.databind.node.ObjectNode) g).putObject("store").put("maxBytes", 1000);
        m.writeValue(home.resolve("gateway.json").toFile(), g);

        assertEquals(0, run(new ProvisionCommand(), "--home", home.toString(), "--id", "gw-zj-0001", "--broker",
                "ssl://mqtt.example.cn:8883", "--cloud-key", cloudPub.toString()), err());
        assertTrue(out().contains("kept"), out());
        assertArrayEquals(key, Files.readAllBytes(home.resolve("keys/gateway.key.pem")));
        JsonNode after = m.readTree(home.resolve("gateway.json").toFile());
        assertEquals("riverside pumping station", after.get("site").asText());
        assertEquals(45, after.at("/broker/keepAliveSeconds").asInt());
        assertEquals("ssl://mqtt.example.cn:8883", after.at("/broker/url").asText());
        assertFalse(after.at("/security/encrypt").asBoolean(), "an operator's choice is kept");
        assertEquals(1000, after.at("/store/maxBytes").asInt());

        // --force makes a new key pair
        assertEquals(0, run(new ProvisionCommand(), "--home", home.toString(), "--id", "gw-zj-0001", "--broker",
                "tcp://127.0.0.1:1883", "--cloud-key", cloudPub.toString(), "--force"));
        assertFalse(java.util.Arrays.equals(key, Files.readAllBytes(home.resolve("keys/gateway.key.pem"))));
    }

    @Test
    void provisionRefusesBadInputWithoutTouchingAnything() throws Exception {
        Path home = dir.resolve("home");
        ProvisionCommand p = new ProvisionCommand();
        assertEquals(1, run(p, "--home", home.toString(), "--id", "gw/1", "--broker", "tcp://h:1883",
                "--cloud-key", cloudPub.toString()));
        assertTrue(err().contains("may only contain"), err());
        assertEquals(1, run(p, "--home", home.toString(), "--id", "x".repeat(65), "--broker", "tcp://h:1883",
                "--cloud-key", cloudPub.toString()));
        assertEquals(1, run(p, "--home", home.toString(), "--id", "gw1", "--broker", "http://h",
                "--cloud-key", cloudPub.toString()));
        assertTrue(err().contains("broker URL"), err());
        assertEquals(1, run(p, "--home", home.toString(), "--id", "gw1", "--broker", "tcp://h:1883",
                "--cloud-key", dir.resolve("missing.pem").toString()));
        assertTrue(err().contains("missing.pem"), err());
        assertFalse(Files.exists(home), "nothing was created");
        assertEquals(2, run(p, "--home", home.toString(), "--id", "gw1"));

        assertEquals(0, run(p, "--home", home.toString(), "--id", "gw1", "--broker", "tcp://h:1883",
                "--cloud-key", cloudPub.toString()));
        byte[] config = Files.readAllBytes(home.resolve("gateway.json"));
        // another gateway's id, or another cloud key, needs --force
        assertEquals(1, run(p, "--home", home.toString(), "--id", "gw2", "--broker", "tcp://h:1883",
                "--cloud-key", cloudPub.toString()));
        assertTrue(err().contains("belongs to gateway \"gw1\""), err());
        Path otherCloud = dir.resolve("other.pub.pem");
        PemKeys.writePublicKey(otherCloud, SmKeys.generate().getPublic(), false);
        assertEquals(1, run(p, "--home", home.toString(), "--id", "gw1", "--broker", "tcp://h:1883",
                "--cloud-key", otherCloud.toString()));
        assertTrue(err().contains("different cloud key"), err());
        assertArrayEquals(config, Files.readAllBytes(home.resolve("gateway.json")));
        // a private key others can read is refused, not silently reused
        Files.setPosixFilePermissions(home.resolve("keys/gateway.key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(1, run(p, "--home", home.toString(), "--id", "gw1", "--broker", "tcp://h:1883",
                "--cloud-key", cloudPub.toString()));
        assertTrue(err().contains("0644") && err().contains("chmod 600"), err());
    }

    @Test
    void provisionedKeysAreReadByOpenssl() throws Exception {
        Assumptions.assumeTrue(ExternalTools.usable("openssl"));
        Path home = dir.resolve("home");
        assertEquals(0, run(new ProvisionCommand(), "--home", home.toString(), "--id", "gw1", "--broker",
                "tcp://127.0.0.1:1883", "--cloud-key", cloudPub.toString()));
        Process proc = new ProcessBuilder("openssl", "pkey", "-in", home.resolve("keys/gateway.key.pem").toString(),
                "-noout", "-text").redirectErrorStream(true).start();
        String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), text);
        assertTrue(text.contains("ASN1 OID: SM2"), text);
        assertNotEquals(-1, text.indexOf("priv:"));
    }
}
