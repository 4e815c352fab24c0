package org.tidegate.cloud.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.tidegate.cloud.BrokerConnection;
import org.tidegate.cloud.CloudReceiver;
import org.tidegate.cloud.Received;
import org.tidegate.cloud.Refused;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.DurationConverter;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.crypto.DuplicateFilter;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.TrustedSenders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tidegate receive}: the cloud end, printing one JSON line per message, accepted or refused. */
@Command(name = "receive", description = {
        "cloud side: open what gateways publish and print one JSON line per message", "",
        "Subscribes to {prefix}/+/telemetry/+, alarm/+, status and reply; opens every envelope (signature,",
        "decryption, per-sender duplicate check) and prints one JSON line per message:",
        "  {\"accepted\":true,\"sender\":..,\"seq\":..,\"type\":\"telemetry\",\"priority\":4,\"topic\":..,\"createdAt\":..,\"body\":{..}}",
        "  {\"accepted\":false,\"reason\":\"DUPLICATE\",\"sender\":..,\"seq\":..,\"topic\":..,\"error\":\"..\"}"})
public final class ReceiveCommand implements PicocliCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "the cloud's SM2 private key (PKCS#8 PEM)")
    Path keyFile;

    @Option(names = "--trust", required = true, paramLabel = "DIR",
            description = "registered gateways' public keys, one PEM per gateway id (GW.pem or GW.pub.pem)")
    Path trustDir;

    @Option(names = "--session", paramLabel = "ID",
            description = "keep a persistent MQTT session under this client id (nothing missed while away)")
    String session;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "exit after N accepted messages")
    int count;

    @Option(names = "--for", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "exit after this long (e.g. 30s, 5m)")
    Duration forDuration;

    @Mixin
    CliSupport.BrokerOptions brokerOptions;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
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
        if (count < 0) {
            throw new Args.UsageException("--count must be 0 or more, got " + count);
        }
        long millis = forDuration == null ? 0 : forDuration.toMillis();
        BrokerConnection broker = brokerOptions.connection(brokerOptions.cloudId + "-receiver");
        if (session != null) {
            broker = broker.persistent(session);
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
        try (CloudReceiver receiver = new CloudReceiver(broker, brokerOptions.prefix, opener, printer, 1000)) {
            receiver.start();
            if (millis > 0) {
                enough.await(millis, TimeUnit.MILLISECONDS);
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
