package org.tidegate.uplink.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.tidegate.core.log.RateLimitedLog;
import org.tidegate.core.log.TokenBuckets;
import org.tidegate.crypto.CommandBinding;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.Envelope;
import org.tidegate.crypto.EnvelopeException;
import org.tidegate.crypto.EnvelopeException.Reason;
import org.tidegate.crypto.EnvelopeHeader;
import org.tidegate.crypto.EnvelopeOpener;
import org.tidegate.crypto.Opened;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.Priority;
import org.tidegate.store.StoreException;
import org.tinylog.Logger;

/**
 * Handles each frame that arrives on the command topic: opens it (signature, decryption, the binding to this
 * gateway — {@code SIGNED|ENCRYPTED|KEY_WRAPPED} and {@code "gateway"} naming it — then the replay and freshness
 * checks of the crypto bundle), hands it to the {@link CommandDispatcher} and submits the sealed reply through the
 * {@link Outbox}, so a reply is stored and survives a disconnect like any other message.
 *
 * <p>Refusals cost an attacker more than us (docs/mqtt.md, "Refused commands"):
 * <ul>
 *   <li>A command refused after its signature verified ({@code NOT_ENCRYPTED}, {@code WRONG_GATEWAY},
 *       {@code REPLAYED}, {@code STALE}) gets a reply saying so, but at most {@link #REFUSAL_REPLIES_PER_SECOND}
 *       a second per reason (burst {@link #REFUSAL_REPLY_BURST}), at {@link Priority#REFUSAL}, below telemetry: such
 *       replies never overtake or evict telemetry. A frame that fails earlier (bad frame, unknown sender, bad
 *       signature or tag) is never answered: that would hand a forger an oracle.</li>
 *   <li>Refusal log lines are rate-limited per reason ({@link #LOG_LINES_PER_SECOND}, burst {@link #LOG_BURST})
 *       and say how many similar lines were suppressed.</li>
 * </ul>
 */
public final class CommandProcessor implements Consumer<byte[]> {
    static final int REPLY_PRIORITY = Priority.REPLY.value();
    static final int REFUSAL_PRIORITY = Priority.REFUSAL.value();
    public static final double REFUSAL_REPLIES_PER_SECOND = 2;
    public static final int REFUSAL_REPLY_BURST = 5;
    public static final double LOG_LINES_PER_SECOND = 1;
    public static final int LOG_BURST = 5;
    /** Refusals that passed the signature check: their sender is the trusted cloud, it may be told. */
    static final Set<Reason> ANSWERED = Set.of(Reason.NOT_ENCRYPTED, Reason.WRONG_GATEWAY, Reason.REPLAYED,
            Reason.STALE);

    private final EnvelopeOpener opener;
    private final CommandDispatcher dispatcher;
    private final Outbox outbox;
    private final CommandBinding binding;
    private final RateLimitedLog log;
    private final TokenBuckets replies = new TokenBuckets(REFUSAL_REPLIES_PER_SECOND, REFUSAL_REPLY_BURST);
    private final AtomicLongArray refused = new AtomicLongArray(Reason.values().length);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refusalReplies = new AtomicLong();
    private final AtomicLong refusalRepliesSuppressed = new AtomicLong();
    private final AtomicLong replayStateUnwritable = new AtomicLong();

    public CommandProcessor(EnvelopeOpener opener, CommandDispatcher dispatcher, Outbox outbox) {
        this(opener, dispatcher, outbox, new RateLimitedLog(LOG_LINES_PER_SECOND, LOG_BURST));
    }

    /** @param log where refusals are logged (shared with the {@link CommandQueue} in front of this) */
    public CommandProcessor(EnvelopeOpener opener, CommandDispatcher dispatcher, Outbox outbox, RateLimitedLog log) {
        this.opener = opener;
        this.dispatcher = dispatcher;
        this.outbox = outbox;
        this.binding = CommandBinding.to(dispatcher.gatewayId());
        this.log = log;
    }

    @Override
    public void accept(byte[] frame) {
        ObjectNode reply;
        int priority = REPLY_PRIORITY;
        try {
            // the binding is checked here too, whether or not the opener was built with commandsFor(this gateway)
            Opened command = opener.open(frame, binding);
            if (command.contentType() != ContentType.COMMAND) {
                refused.incrementAndGet(Reason.BAD_FRAME.ordinal());
                log.warn("type", "uplink: refused a {} envelope on the command topic (sender={} seq={})",
                        command.contentType(), command.sender(), Long.toUnsignedString(command.sequence()));
                return;
            }
            accepted.incrementAndGet();
            JsonNode body;
            try {
                body = CommandDispatcher.JSON.readTree(command.body());
            } catch (IOException e) {
                body = null;
            }
            if (body == null || !body.isObject()) {
                Logger.warn("uplink: command seq={} from {}: body is not a JSON object", command.sequence(),
                        command.sender());
                reply = CommandDispatcher.fail(dispatcher.replyTo(command.sequence(), command.sender(), null, null),
                        "command body must be a JSON object");
            } else {
                reply = dispatcher.dispatch(command, body);
                if (reply == null) {
                    return; // claimed by a handler that submits its own reply (CommandHandler.REPLIED_SEPARATELY)
                }
            }
        } catch (EnvelopeException e) {
            Reason reason = e.reason();
            refused.incrementAndGet(reason.ordinal());
            log.warn(reason.name(), "uplink: command refused: reason={} sender={} {}", reason,
                    e.sender() == null ? "(not read)" : e.sender(), e.getMessage());
            if (!ANSWERED.contains(reason)) {
                return;
            }
            if (!replies.tryAcquire(reason.name())) {
                refusalRepliesSuppressed.incrementAndGet();
                return;
            }
            EnvelopeHeader h;
            try {
                h = Envelope.peek(frame);
            } catch (EnvelopeException unreadable) {
                return;
            }
            reply = CommandDispatcher.fail(dispatcher.replyTo(h.sequence(), h.sender(), null, null),
                    "refused: " + e.getMessage());
            reply.put("refused", reason.name());
            priority = REFUSAL_PRIORITY;
            refusalReplies.incrementAndGet();
        } catch (UncheckedIOException e) {
            // Running it without the replay state on disk would let a copy run again after a restart. Not answered:
            // the disk that could not take the state would not take the reply either.
            replayStateUnwritable.incrementAndGet();
            log.error("io", "uplink: command refused: {}", e.getMessage());
            return;
        }
        try {
            outbox.submit(ContentType.REPLY, null, priority, reply.toString().getBytes(StandardCharsets.UTF_8));
        } catch (StoreException e) {
            log.error("store", "uplink: reply to command seq={} not stored: {}", reply.path("command").asLong(),
                    e.getMessage());
        }
    }

    /**
     * Whether a frame fails the checks that cost no cryptography (layout, trusted sender, replay and freshness: see
     * {@link EnvelopeOpener#screen}); such a frame is counted under its reason, logged rate-limited and not answered
     * (it is not verified). The {@link CommandQueue} asks this while it is filling up, so that a flood of junk and of
     * copies of old commands cannot crowd out a genuine one.
     */
    public boolean screenedOut(byte[] frame) {
        try {
            opener.screen(frame);
            return false;
        } catch (EnvelopeException e) {
            refused.incrementAndGet(e.reason().ordinal());
            log.warn(e.reason().name(), "uplink: command refused unverified while the command queue fills: reason={}"
                    + " sender={} {}", e.reason(), e.sender() == null ? "(not read)" : e.sender(), e.getMessage());
            return true;
        }
    }

    /** The rate-limited log of refusals (a {@link CommandQueue} in front of this writes to it too). */
    public RateLimitedLog log() {
        return log;
    }

    /** What this processor did since it was made. */
    public Stats stats() {
        Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
        for (Reason r : Reason.values()) {
            long n = refused.get(r.ordinal());
            if (n > 0) {
                byReason.put(r, n);
            }
        }
        return new Stats(accepted.get(), Map.copyOf(byReason), replayStateUnwritable.get(), refusalReplies.get(),
                refusalRepliesSuppressed.get(), log.written(), log.suppressed());
    }

    /**
     * @param accepted                  commands handed to the dispatcher
     * @param refused                   refusals by reason
     * @param replayStateUnwritable     valid commands refused because their replay state could not be written
     * @param refusalReplies            replies sent to refused commands
     * @param refusalRepliesSuppressed  refusals left unanswered by the reply rate limit
     * @param logLines                  refusal log lines written (this processor's and its queue's)
     * @param logLinesSuppressed        refusal log lines suppressed by the rate limit
     */
    public record Stats(long accepted, Map<Reason, Long> refused, long replayStateUnwritable, long refusalReplies,
                        long refusalRepliesSuppressed,
                        long logLines, long logLinesSuppressed) {
    }
}
