package org.tidegate.cloud;

import java.util.UUID;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

/**
 * How the cloud side reaches the broker.
 *
 * @param url           {@code tcp://} or {@code ssl://}
 * @param clientId      MQTT client id
 * @param cleanSession  false keeps a persistent session under {@code clientId} (nothing is missed while away)
 * @param username      empty for none
 * @param password      empty for none; never logged
 * @param tls           socket factory for {@code ssl://}, or null for the JVM default
 */
public record BrokerConnection(String url, String clientId, boolean cleanSession, String username, String password,
                               SSLSocketFactory tls) {

    public BrokerConnection {
        if (url == null || !(url.startsWith("tcp://") || url.startsWith("ssl://"))) {
            throw new IllegalArgumentException("broker url must start with tcp:// or ssl://, got \"" + url + "\"");
        }
        username = username == null ? "" : username;
        password = password == null ? "" : password;
    }

    /** A clean session with a random client id {@code base-xxxxxxxx}. */
    public static BrokerConnection of(String url, String base) {
        return new BrokerConnection(url, base + "-" + UUID.randomUUID().toString().substring(0, 8), true, "", "", null);
    }

    public BrokerConnection persistent(String id) {
        return new BrokerConnection(url, id, false, username, password, tls);
    }

    public BrokerConnection withCredentials(String user, String pass) {
        return new BrokerConnection(url, clientId, cleanSession, user, pass, tls);
    }

    public BrokerConnection withTls(SSLSocketFactory factory) {
        return new BrokerConnection(url, clientId, cleanSession, username, password, factory);
    }

    MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        o.setMaxInflight(1000);
        if (!username.isEmpty()) {
            o.setUserName(username);
        }
        if (!password.isEmpty()) {
            o.setPassword(password.toCharArray());
        }
        if (tls != null) {
            o.setSocketFactory(tls);
            o.setHttpsHostnameVerificationEnabled(true);
        }
        return o;
    }

    @Override
    public String toString() {
        return "BrokerConnection[" + url + ", clientId=" + clientId + ", clean=" + cleanSession + "]";
    }
}
