package org.tidegate.cloud;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * How the cloud side reaches the broker.
 *
 * @param url           {@code tcp://} or {@code ssl://}
 * @param clientId      MQTT client id
 * @param cleanSession  false keeps a persistent session under {@code clientId} (nothing is missed while away)
 * @param username      empty for none
 * @param password      empty for none; never logged
 * @param tls           socket factory for {@code ssl://}, or null for the JVM default
 * @param maxPacketBytes the MQTT 5 Maximum Packet Size announced to the broker: it never delivers a larger packet
 *                       (a gateway's envelopes are a few KiB)
 */
public record BrokerConnection(String url, String clientId, boolean cleanSession, String username, String password,
                               SSLSocketFactory tls, long maxPacketBytes) {
    /** 1 MiB: far above any envelope a gateway sends, far below what would hurt the receiver. */
    public static final long DEFAULT_MAX_PACKET_BYTES = 1 << 20;
    /** A persistent session outlives a disconnect by this long (MQTT 5 Session Expiry Interval): one week. */
    static final long SESSION_EXPIRY_SECONDS = 7L * 24 * 3600;

    public BrokerConnection {
        if (url == null || !(url.startsWith("tcp://") || url.startsWith("ssl://"))) {
            throw new IllegalArgumentException("broker url must start with tcp:// or ssl://, got \"" + url + "\"");
        }
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        if (maxPacketBytes < 1024 || maxPacketBytes > 268_435_455) {
            throw new IllegalArgumentException("maxPacketBytes must be 1024 … 268435455, got " + maxPacketBytes);
        }
    }

    /** A clean session with a random client id {@code base-xxxxxxxx}. */
    public static BrokerConnection of(String url, String base) {
        return new BrokerConnection(url, base + "-" + UUID.randomUUID().toString().substring(0, 8), true, "", "", null,
                DEFAULT_MAX_PACKET_BYTES);
    }

    public BrokerConnection persistent(String id) {
        return new BrokerConnection(url, id, false, username, password, tls, maxPacketBytes);
    }

    public BrokerConnection withCredentials(String user, String pass) {
        return new BrokerConnection(url, clientId, cleanSession, user, pass, tls, maxPacketBytes);
    }

    public BrokerConnection withTls(SSLSocketFactory factory) {
        return new BrokerConnection(url, clientId, cleanSession, username, password, factory, maxPacketBytes);
    }

    /**
     * TLS trusting exactly the PEM certificate(s) in {@code caFile} (Paho verifies the host name), for
     * {@code ssl://}; the command-line tools' {@code --ca}.
     */
    public BrokerConnection withCaFile(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in " + caFile);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return withTls(ctx.getSocketFactory());
    }

    public BrokerConnection withMaxPacketBytes(long bytes) {
        return new BrokerConnection(url, clientId, cleanSession, username, password, tls, bytes);
    }

    /** The Paho connection options for this connection (also used by the ingest service, which adds its own flow limits). */
    public MqttConnectionOptions options() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(cleanSession);
        o.setSessionExpiryInterval(cleanSession ? 0L : SESSION_EXPIRY_SECONDS);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        o.setMaximumPacketSize(maxPacketBytes);
        o.setTopicAliasMaximum(0);
        if (!username.isEmpty()) {
            o.setUserName(username);
        }
        if (!password.isEmpty()) {
            o.setPassword(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
