package org.tidegate.cloud.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CloudReceiver;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.Refused;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.Subcommand;
import org.tidegate.crypto.DuplicateFilter;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.TrustedSenders;

/** {@code tidegate receive}: the cloud end, printing one JSON line per message, accepted or refused. */
public final class ReceiveCommand implements Subcommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "receive";
    }

    @Override
    public String summary() {
        return "cloud side: open what gateways publish and print one JSON line per message";
    }

    @Override
    public String usage() {
        return """
                tidegate receive --broker URL --key cloud.key.pem --trust DIR [options]
                  Subscribes to {prefix}/+/telemetry/+, alarm/+, status and reply; opens every envelope (signature,
                  decryption, per-sender duplicate check) and prints one JSON line per message:
                    {"accepted":true,"sender":..,"seq":..,"type":"telemetry","priority":4,"topic":..,"createdAt":..,"body":{..}}
                    {"accepted":false,"reason":"DUPLICATE","sender":..,"seq":..,"topic":..,"error":".."}
                  --key FILE            the cloud's SM2 private key (PKCS#8 PEM)
                  --trust DIR           registered gateways' public keys, one PEM per gateway id (GW.pem or GW.pub.pem)
                  --session ID          keep a persistent MQTT session under this client id (nothing missed while away)
                  --count N             exit after N accepted messages
                  --for DURATION        exit after this long (e.g. 30s, 5m)
                """ + CliSupport.BROKER_OPTIONS;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("broker", "key", "trust", "prefix", "cloud-id", "ca", "username",
                "password-env", "session", "count", "for"), Set.of());
        Path keyFile = Path.of(a.require("key"));
        Path trustDir = Path.of(a.require("trust"));
        if (!Files.isDirectory(trustDir)) {
            err.println("receive: --trust " + trustDir + " is not a directory of gateway public keys");
            return 1;
        }
        PrivateKey key;
        TrustedSenders trusted;
        try {
            key = PemKeys.readPrivateKey(keyFile);
            trusted = TrustedSenders.loadDirectory(trustDir);
        } catch (IOException e) {
            err.println("receive: " + e.getMessage());
            return 1;
        }
        if (trusted.asMap().isEmpty()) {
            err.println("receive: no gateway public keys in " + trustDir);
            return 1;
        }
        int count = a.intValue("count", 0);
        long seconds = a.durationSeconds("for", 0);
        BrokerConnection broker = CliSupport.broker(a, a.get("cloud-id", "cloud") + "-receiver");
        if (a.get("session") != null) {
            broker = broker.persistent(a.get("session"));
        }
        EnvelopeOpener opener = EnvelopeOpener.builder(key, trusted).duplicateFilter(new DuplicateFilter()).build();
        CountDownLatch enough = new CountDownLatch(1);
        AtomicLong accepted = new AtomicLong();
        CloudReceiver.Listener printer = new CloudReceiver.Listener() {
            @Override
            public void accepted(Received m) {
                ObjectNode o = JSON.createObjectNode();
                o.put("accepted", true);
                o.put("sender", m.opened().sender());
                o.put("seq", Long.toUnsignedString(m.opened().sequence()));
                o.put("type", m.opened().contentType().name().toLowerCase(Locale.ROOT));
                o.put("priority", m.opened().priority());
                o.put("topic", m.topic());
                o.put("createdAt", m.opened().createdAtMillis());
                if (m.body() != null) {
                    o.set("body", m.body());
                } else {
                    o.put("bodyText", new String(m.opened().body(), StandardCharsets.UTF_8));
                }
                print(out, o);
                if (count > 0 && accepted.incrementAndGet() >= count) {
                    enough.countDown();
                }
            }

            @Override
            public void refused(Refused r) {
                ObjectNode o = JSON.createObjectNode();
                o.put("accepted", false);
                o.put("reason", r.reason().name());
                o.put("sender", r.sender());
                o.put("seq", r.sequence() < 0 ? null : Long.toUnsignedString(r.sequence()));
                o.put("topic", r.topic());
                o.put("error", r.message());
                print(out, o);
            }
        };
        err.println("receive: " + broker.url() + ", trusting " + trusted.asMap().keySet());
        try (CloudReceiver receiver = new CloudReceiver(broker, a.get("prefix", "tidegate"), opener, printer, 1000)) {
            receiver.start();
            if (seconds > 0) {
                enough.await(seconds, TimeUnit.SECONDS);
            } else {
                enough.await();
            }
        }
        return 0;
    }

    private static synchronized void print(PrintStream out, ObjectNode o) {
        out.println(o.toString());
        out.flush();
    }
}
