package org.tidegate.uplink.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSecurityException;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;
import org.junit.jupiter.api.Test;
import org.tidegate.core.retry.Backoff;
import org.tidegate.crypto.ContentType;
import org.tidegate.outbox.Topics;

/** Back-off, rate limiting, topics and the wording of connection failures. */
class FlowControlTest {

    @Test
    void backoffDoublesWithJitterUpToTheCapAndResets() {
        Backoff b = new Backoff(1000, 8000);
        long[] lo = {500, 1000, 2000, 4000, 4000, 4000};
        long[] hi = {1000, 2000, 4000, 8000, 8000, 8000};
        for (int i = 0; i < lo.length; i++) {
            long d = b.nextDelayMs();
            assertTrue(d >= lo[i] && d <= hi[i], "attempt " + i + ": " + d);
        }
        long slow = b.slowDelayMs();
        assertTrue(slow >= 4000 && slow <= 8000, "refusals wait near the cap: " + slow);
        b.reset();
        assertTrue(b.nextDelayMs() <= 1000);
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
    }

    @Test
    void backoffNeverOverflowsOnLongOutages() {
        Backoff b = new Backoff(1000, 60_000);
        for (int i = 0; i < 500; i++) {
            long d = b.nextDelayMs();
            assertTrue(d >= 500 && d <= 60_000, "attempt " + i + ": " + d);
        }
    }

    @Test
    void rateLimiterPacesToTheConfiguredRate() throws InterruptedException {
        RateLimiter r = new RateLimiter(200, 20);
        long start = System.nanoTime();
        int granted = 0;
        while (granted < 420) {
            granted += r.acquireUpTo(10, 50);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // 20 saved up + 400 at 200/s: about 2 s; never much faster than the rate allows
        assertTrue(seconds >= 1.8, "took " + seconds + " s");
        assertTrue(new RateLimiter(0, 1).unlimited());
        assertEquals(1000, new RateLimiter(0, 1).acquireUpTo(1000, 1));
    }

    @Test
    void topicsFollowTheSpec() {
        Topics t = new Topics("tidegate", "gw-zj-0001");
        assertEquals("tidegate/gw-zj-0001/telemetry/wl-001", t.forMessage(ContentType.TELEMETRY, "wl-001"));
        assertEquals("tidegate/gw-zj-0001/alarm/wl-001", t.forMessage(ContentType.ALARM, "wl-001"));
        assertEquals("tidegate/gw-zj-0001/status", t.forMessage(ContentType.STATUS, null));
        assertEquals("tidegate/gw-zj-0001/reply", t.forMessage(ContentType.REPLY, null));
        assertEquals("tidegate/gw-zj-0001/command", t.command());
        assertEquals("tidegate", new Topics("", "gw").prefix());
        assertThrows(IllegalArgumentException.class, () -> new Topics("a/#", "gw"));
        assertThrows(IllegalArgumentException.class, () -> new Topics("tidegate", "gw/1"));
        assertThrows(IllegalArgumentException.class, () -> t.telemetry("wl+1"));
        assertThrows(IllegalArgumentException.class, () -> t.forMessage(ContentType.COMMAND, null));
    }

    @Test
    void failuresAreWordedForOperatorsAndNeverShowThePassword() {
        UplinkOptions o = UplinkOptions.defaults("gw-1", "ssl://broker.example:8883").withCredentials("gw-1", "s3cret");
        ConnectFailure auth = ConnectFailure.classify(new MqttSecurityException(MqttReturnCode.RETURN_CODE_BAD_USERNAME_OR_PASSWORD), o);
        assertTrue(auth.slow());
        assertTrue(auth.message().contains("bad user name or password"), auth.message());
        ConnectFailure notAuth = ConnectFailure.classify(new MqttSecurityException(MqttReturnCode.RETURN_CODE_NOT_AUTHORIZED), o);
        assertTrue(notAuth.slow() && notAuth.message().contains("not authorised"));
        ConnectFailure refused = ConnectFailure.classify(new MqttException(MqttClientException.REASON_CODE_SERVER_CONNECT_ERROR,
                new ConnectException("Connection refused")), o);
        assertFalse(refused.slow());
        assertTrue(refused.message().contains("refused the connection"), refused.message());
        ConnectFailure tls = ConnectFailure.classify(new MqttException(MqttClientException.REASON_CODE_SERVER_CONNECT_ERROR,
                new SSLHandshakeException("PKIX path building failed")), o);
        assertTrue(tls.slow() && tls.message().contains("is not trusted"), tls.message());
        for (ConnectFailure f : new ConnectFailure[] {auth, notAuth, refused, tls}) {
            assertFalse(f.message().contains("s3cret"));
        }
        assertFalse(o.toString().contains("s3cret"));
        assertTrue(o.toString().contains("password=(set)"));
    }

    @Test
    void optionsRefuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> UplinkOptions.defaults("gw", "http://x:1"));
        assertThrows(IllegalArgumentException.class, () -> UplinkOptions.defaults("gw", "tcp://x:1").withFlow(0, 0));
        assertThrows(IllegalArgumentException.class, () -> UplinkOptions.defaults("gw", "tcp://x:1").withReconnect(5000, 10));
        assertThrows(IllegalArgumentException.class, () -> UplinkOptions.defaults("bad id", "tcp://x:1"));
        assertThrows(IllegalArgumentException.class,
                () -> UplinkOptions.defaults("gw", "ssl://x:1").withTls(null, java.nio.file.Path.of("c.pem"), null));
    }
}
