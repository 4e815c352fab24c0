package org.tidegate.uplink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import org.tidegate.crypto.CommandReplayGuard;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.EnvelopeSealer;
import org.tidegate.crypto.SealerOptions;
import org.tidegate.crypto.TrustedSenders;
import org.tidegate.outbox.Outbox;
import org.tidegate.store.StoreException;
import org.tidegate.uplink.CommandHandler;
import org.tidegate.store.sqlite.QueueOptions;
import org.tidegate.store.sqlite.SequenceFile;
import org.tidegate.store.sqlite.SqliteQueue;
import org.tidegate.uplink.mqtt.CommandDispatcher;
import org.tidegate.uplink.mqtt.CommandProcessor;
import org.tidegate.uplink.mqtt.CommandQueue;
import org.tidegate.uplink.mqtt.MqttUplink;
import org.tidegate.uplink.mqtt.StatusReport;
import org.tidegate.uplink.mqtt.UplinkOptions;

/**
 * A complete gateway uplink without OSGi: a real SQLite queue and sequence file under {@code dataDir}, the
 * sealer with the gateway's key, the outbox, the command path and the MQTT session. For benchmarks, process-level
 * tests and the demo.
 */
public final class UplinkRig implements AutoCloseable {
    private final SqliteQueue queue;
    private final SequenceFile sequences;
    private final Outbox outbox;
    private final MqttUplink uplink;
    private final CommandQueue commands;

    private UplinkRig(SqliteQueue queue, SequenceFile sequences, Outbox outbox, MqttUplink uplink,
                      CommandQueue commands) {
        this.commands = commands;
        this.queue = queue;
        this.sequences = sequences;
        this.outbox = outbox;
        this.uplink = uplink;
    }

    /**
     * @param cloudId        the sender id commands must carry
     * @param cloudPublicKey encrypts what the gateway sends and verifies commands
     */
    public static UplinkRig open(Path dataDir, UplinkOptions options, PrivateKey gatewayKey, String cloudId,
                                 PublicKey cloudPublicKey, QueueOptionsTweak tweak)
            throws IOException, StoreException, InvalidKeyException {
        return open(dataDir, options, gatewayKey, cloudId, cloudPublicKey, tweak, List.of());
    }

    /** As above, with command handlers. */
    public static UplinkRig open(Path dataDir, UplinkOptions options, PrivateKey gatewayKey, String cloudId,
                                 PublicKey cloudPublicKey, QueueOptionsTweak tweak, List<CommandHandler> handlers)
            throws IOException, StoreException, InvalidKeyException {
        Files.createDirectories(dataDir);
        QueueOptions qo = QueueOptions.defaults(dataDir.resolve("queue.db"));
        if (tweak != null) {
            qo = tweak.apply(qo);
        }
        SqliteQueue queue = SqliteQueue.open(qo);
        SequenceFile seq = SequenceFile.forQueue(queue);
        EnvelopeSealer sealer = new EnvelopeSealer(options.gatewayId(), gatewayKey, cloudPublicKey, SealerOptions.defaults());
        Outbox outbox = Outbox.create(options.topics(), seq, sealer, queue);
        StatusReport status = new StatusReport(options.gatewayId(), StatusReport.bundleVersion(), queue, List::of, List::of);
        EnvelopeOpener opener = EnvelopeOpener.builder(gatewayKey, TrustedSenders.of(cloudId, cloudPublicKey))
                .replayGuard(new CommandReplayGuard(dataDir.resolve("command-replay.json")))
                .commandsFor(options.gatewayId()).build();
        CommandQueue commands = new CommandQueue(new CommandProcessor(opener,
                new CommandDispatcher(options.gatewayId(), () -> handlers), outbox), CommandQueue.DEFAULT_CAPACITY);
        MqttUplink uplink = new MqttUplink(options, queue, outbox, status, commands);
        return new UplinkRig(queue, seq, outbox, uplink, commands);
    }

    /** Adjusts the queue options (synchronous level, batch sizes) before opening. */
    @FunctionalInterface
    public interface QueueOptionsTweak {
        QueueOptions apply(QueueOptions options);
    }

    public SqliteQueue queue() {
        return queue;
    }

    public Outbox outbox() {
        return outbox;
    }

    public MqttUplink uplink() {
        return uplink;
    }

    /** The bounded command queue and, behind it, the processor with its refusal counters. */
    public CommandQueue commands() {
        return commands;
    }

    public UplinkRig start() {
        uplink.start();
        return this;
    }

    @Override
    public void close() {
        uplink.close();
        commands.close();
        try {
            sequences.close();
        } catch (Exception ignored) {
            // best effort
        }
        queue.close();
    }
}
