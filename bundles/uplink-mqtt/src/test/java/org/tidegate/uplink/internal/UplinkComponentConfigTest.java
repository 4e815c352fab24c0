package org.tidegate.uplink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tidegate.core.config.ConfigNode;
import org.tidegate.core.config.ConfigProblems;
import org.tidegate.core.config.HomeInfo;
import org.tidegate.uplink.mqtt.UplinkOptions;

/** The broker section of gateway.json (as ConfigAdmin delivers it) becomes the right UplinkOptions. */
class UplinkComponentConfigTest {

    static UplinkComponent.Config config(Map<String, Object> values) {
        return (UplinkComponent.Config) Proxy.newProxyInstance(UplinkComponent.Config.class.getClassLoader(),
                new Class<?>[] {UplinkComponent.Config.class}, (proxy, method, args) -> {
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    @Test
    void defaultsAndExplicitValues() {
        // url is required (as in gateway.json): the lab broker the annotation used to default to is given here.
        UplinkOptions d = UplinkComponent.options(Map.of("gatewayId", "gw-zj-0001", "url", "tcp://127.0.0.1:1883",
                "passwordEnv", "TIDEGATE_TEST_NO_SUCH_VARIABLE"));
        assertEquals("tcp://127.0.0.1:1883", d.brokerUrl());
        assertEquals("tidegate", d.topicPrefix());
        assertEquals(32, d.inflight());
        assertEquals(1000, d.reconnectMinMs());
        assertEquals(60000, d.reconnectMaxMs());
        assertEquals("", d.password());
        assertNull(d.caFile());

        UplinkOptions o = UplinkComponent.options(Map.of("gatewayId", "gw-zj-0001", "url", "ssl://mq.example:8883",
                "topicPrefix", "river", "username", "gw", "password", "pw", "caFile", "/home/gw/keys/ca.crt",
                "inflight", 64, "rateLimitPerSecond", 50.0, "keepAliveSeconds", 15));
        assertEquals("ssl://mq.example:8883", o.brokerUrl());
        assertEquals("river/gw-zj-0001/status", o.topics().status());
        assertEquals("pw", o.password());
        assertEquals(Path.of("/home/gw/keys/ca.crt"), o.caFile());
        assertEquals(64, o.inflight());
        assertEquals(50.0, o.rateLimitPerSecond());
        assertEquals(15, o.keepAliveSeconds());
    }

    @Test
    void whatTheConfigBundleWritesReadsBackAsTheSameOptions() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode section = ConfigNode.at("gateway.json", "$.broker", ConfigNode.mapper().valueToTree(Map.of(
                "url", "ssl://mq.example:8883", "caFile", "keys/ca.pem", "inflight", 8)), problems);
        HomeInfo home = new HomeInfo(Path.of("/srv/gw"), "gw-1", n -> null);
        Map<String, Object> props = new LinkedHashMap<>(new BrokerSection().properties(section, home));
        section.reportUnknownKeys();
        assertEquals(0, problems.errorCount(), problems.describeErrors());
        props.put("gatewayId", "gw-1");
        props.put("home", "/srv/gw");
        props.put("tidegate.source", "gateway.json");
        props.put("service.pid", BrokerSection.PID);
        props.put("component.name", UplinkComponent.class.getName());
        props.put("component.id", 7L);
        props.put("osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)");
        props.put("felix.fileinstall.filename", "file:/x.cfg");

        UplinkOptions o = BrokerSection.read(props, name -> name.equals("TIDEGATE_MQTT_PASSWORD") ? "from-env" : null);
        assertEquals(Path.of("/srv/gw/keys/ca.pem"), o.caFile());
        assertEquals(8, o.inflight());
        assertEquals("from-env", o.password());
        assertEquals(BrokerSection.DEFAULT_KEEP_ALIVE_SECONDS, o.keepAliveSeconds());
        assertEquals(BrokerSection.DEFAULT_PROGRESS_LOG_MS, o.progressLogMs());
        assertEquals(UplinkOptions.defaults("gw-1", "ssl://mq.example:8883").withFlow(8, 0)
                .withTls(Path.of("/srv/gw/keys/ca.pem"), null, null).withCredentials("", "from-env").toString(),
                o.toString());
    }

    @Test
    void aConfigurationPutStraightIntoConfigAdminGetsTheSchemasChecks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrokerSection.read(Map.of(
                "gatewayId", "gw-1", "inflight", 5000, "keepAliveSecs", 30, "reconnectMinMs", 2000,
                "reconnectMaxMs", 1000, "certFile", "/k/c.pem")));
        String m = e.getMessage();
        assertTrue(m.contains("$.url: is required"), m);
        assertTrue(m.contains("$.inflight: 5000 is out of range 1–1000"), m);
        assertTrue(m.contains("$.keepAliveSecs: unknown key (did you mean \"keepAliveSeconds\"?)"), m);
        assertTrue(m.contains("$.reconnectMaxMs: must not be less than reconnectMinMs (2000)"), m);
        assertTrue(m.contains("$.keyFile: certFile and keyFile go together"), m);
        assertTrue(m.startsWith("configuration " + BrokerSection.PID + ": "), m);

        String noId = assertThrows(IllegalArgumentException.class,
                () -> BrokerSection.read(Map.of("url", "tcp://h:1883"))).getMessage();
        assertTrue(noId.contains("$.gatewayId: is required"), noId);
        String badId = assertThrows(IllegalArgumentException.class,
                () -> BrokerSection.read(Map.of("gatewayId", "bad id", "url", "tcp://h:1883"))).getMessage();
        assertTrue(badId.contains("$.gatewayId: gateway id"), badId);
    }

    @Test
    void progressLogMsStaysAConfigAdminOnlyKey() {
        UplinkOptions o = BrokerSection.read(Map.of("gatewayId", "gw-1", "url", "tcp://h:1883", "progressLogMs", 250));
        assertEquals(250, o.progressLogMs());
        ConfigProblems problems = new ConfigProblems();
        ConfigNode section = ConfigNode.at("gateway.json", "$.broker", ConfigNode.mapper().valueToTree(Map.of(
                "url", "tcp://h:1883", "progressLogMs", 250)), problems);
        new BrokerSection().properties(section, new HomeInfo(Path.of("/srv/gw"), "gw-1", n -> null));
        section.reportUnknownKeys();
        assertEquals("gateway.json: $.broker.progressLogMs", problems.errors().get(0).file() + ": "
                + problems.errors().get(0).path());
    }

    @Test
    void metatypeDefaultsAreTheSchemas() {
        UplinkComponent.Config c = config(Map.of());
        assertEquals(BrokerSection.DEFAULT_TOPIC_PREFIX, c.topicPrefix());
        assertEquals(30, c.keepAliveSeconds());
        assertEquals(32, c.inflight());
        assertEquals(1000, c.reconnectMinMs());
        assertEquals(60_000, c.reconnectMaxMs());
        assertEquals(0, c.rateLimitPerSecond());
        assertEquals("TIDEGATE_MQTT_PASSWORD", c.passwordEnv());
    }

    /** docs/configuration.md's broker rows state the schema's ranges (a test in config compares the defaults). */
    @Test
    void documentedRangesAreTheSchemas() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("../../docs/configuration.md"));
        doc = doc.substring(doc.indexOf("### `broker`"));
        doc = doc.substring(0, doc.indexOf("\n#", 1));
        assertRange(doc, "keepAliveSeconds", BrokerSection.MIN_KEEP_ALIVE_SECONDS, BrokerSection.MAX_KEEP_ALIVE_SECONDS);
        assertRange(doc, "reconnectMinMs", BrokerSection.MIN_RECONNECT_MIN_MS, BrokerSection.MAX_RECONNECT_MIN_MS);
        assertRange(doc, "reconnectMaxMs", BrokerSection.MIN_RECONNECT_MAX_MS, BrokerSection.MAX_RECONNECT_MAX_MS);
        assertRange(doc, "inflight", BrokerSection.MIN_INFLIGHT, BrokerSection.MAX_INFLIGHT);
        assertRange(doc, "rateLimitPerSecond", BrokerSection.MIN_RATE_LIMIT_PER_SECOND,
                BrokerSection.MAX_RATE_LIMIT_PER_SECOND);
    }

    private static void assertRange(String doc, String key, long min, long max) {
        String row = doc.lines().filter(l -> l.startsWith("| `") && l.split("\\|")[1].contains("`" + key + "`"))
                .findFirst().orElseThrow(() -> new AssertionError(key + ": no row in the broker table"));
        assertTrue(row.contains(min + "–" + max), key + ": the row does not state " + min + "–" + max + ": " + row);
    }
}
