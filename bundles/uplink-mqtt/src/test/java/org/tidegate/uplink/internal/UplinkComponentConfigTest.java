package org.tidegate.uplink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
        UplinkOptions d = UplinkComponent.options(config(Map.of("gatewayId", "gw-zj-0001",
                "passwordEnv", "TIDEGATE_TEST_NO_SUCH_VARIABLE")));
        assertEquals("tcp://127.0.0.1:1883", d.brokerUrl());
        assertEquals("tidegate", d.topicPrefix());
        assertEquals(32, d.inflight());
        assertEquals(1000, d.reconnectMinMs());
        assertEquals(60000, d.reconnectMaxMs());
        assertEquals("", d.password());
        assertNull(d.caFile());

        UplinkOptions o = UplinkComponent.options(config(Map.of("gatewayId", "gw-zj-0001", "url", "ssl://mq.example:8883",
                "topicPrefix", "river", "username", "gw", "password", "pw", "caFile", "/home/gw/keys/ca.crt",
                "inflight", 64, "rateLimitPerSecond", 50.0, "keepAliveSeconds", 15)));
        assertEquals("ssl://mq.example:8883", o.brokerUrl());
        assertEquals("river/gw-zj-0001/status", o.topics().status());
        assertEquals("pw", o.password());
        assertEquals(Path.of("/home/gw/keys/ca.crt"), o.caFile());
        assertEquals(64, o.inflight());
        assertEquals(50.0, o.rateLimitPerSecond());
        assertEquals(15, o.keepAliveSeconds());
    }
}
