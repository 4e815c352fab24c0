package org.tidegate.uplink.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tidegate.outbox.StatusProvider;
import org.tidegate.uplink.mqtt.MqttUplink;
import org.tidegate.uplink.mqtt.UplinkState;

/**
 * The {@code uplink} object of the local status (the console's overview, {@code tidegate status}): broker,
 * connection, reconnects and the last PUBACK. Registered with {@value #LOCAL_PROPERTY}{@code =true} so that the
 * uplink does not put it into its own {@code online} message, where "connected" would always read true.
 */
final class UplinkStatus implements StatusProvider {
    /** Service property of status providers meant for local readers only (not the cloud's status messages). */
    static final String LOCAL_PROPERTY = "tidegate.status.local";

    private final MqttUplink uplink;

    UplinkStatus(MqttUplink uplink) {
        this.uplink = uplink;
    }

    @Override
    public String name() {
        return "uplink";
    }

    @Override
    public Map<String, Object> status() {
        UplinkState s = uplink.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("broker", uplink.options().brokerUrl());
        m.put("connected", s.connected());
        m.put("connects", s.connects());
        m.put("reconnects", Math.max(0, s.connects() - 1));
        m.put("connectFailures", s.failures());
        m.put("published", s.published());
        m.put("acknowledged", s.acknowledged());
        m.put("lastAckAt", uplink.lastAckAt());
        m.put("lastError", s.lastError());
        return m;
    }
}
