package org.tidegate.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tidegate.crypto.Opened;
import org.tinylog.Logger;

/**
 * The management thread: a bounded queue of verified commands (full: answered {@code BUSY} at once), each run only
 * if it has not waited past its deadline (else {@code EXPIRED}, nothing done), one at a time; the outcome of a change
 * is kept by its {@code "id"} and a retry of the same change is answered with it ({@code "duplicate": true}); every
 * command is audited (who sealed it, outcome, revisions) and answered on the reply topic.
 */
final class CommandWorker implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Job(Opened command, JsonNode body, long receivedAt) {
    }

    private final String gatewayId;
    private final Operations operations;
    private final OutcomeStore outcomes;
    private final AuditLog audit;
    private final RevisionStore revisions;
    private final Function<String, String> fingerprintOf;
    private final Consumer<ObjectNode> replies;
    private final Supplier<ManagementSection.Settings> settings;
    private final BlockingQueue<Job> queue;
    private final Thread thread;
    private volatile boolean running = true;
    final AtomicLong done = new AtomicLong();
    final AtomicLong busy = new AtomicLong();
    final AtomicLong expired = new AtomicLong();
    final AtomicLong rolledBack = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();

    CommandWorker(String gatewayId, Operations operations, OutcomeStore outcomes, AuditLog audit,
                  RevisionStore revisions, Function<String, String> fingerprintOf, Consumer<ObjectNode> replies,
                  Supplier<ManagementSection.Settings> settings) {
        this.gatewayId = gatewayId;
        this.operations = operations;
        this.outcomes = outcomes;
        this.audit = audit;
        this.revisions = revisions;
        this.fingerprintOf = fingerprintOf;
        this.replies = replies;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.get().queueCapacity());
        this.thread = new Thread(this::loop, "management");
        thread.setDaemon(true);
        thread.start();
    }

    /** From the uplink's command thread: never blocks. */
    void submit(Opened command, JsonNode body) {
        Job job = new Job(command, body, System.currentTimeMillis());
        if (!queue.offer(job)) {
            busy.incrementAndGet();
            finish(job, fail(job, "BUSY", queue.size() + " management commands are waiting already; try again later",
                    null), revisions.revision());
        }
    }

    int waiting() {
        return queue.size();
    }

    private void loop() {
        while (running) {
            Job job;
            try {
                job = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                continue;
            }
            try {
                handle(job);
            } catch (InterruptedException e) {
                Logger.warn("management: command seq={} interrupted (the gateway is stopping)", job.command().sequence());
                return;
            } catch (RuntimeException e) {
                Logger.error(e, "management: command seq={} failed", job.command().sequence());
                finish(job, fail(job, "FAILED", e.toString(), null), revisions.revision());
            }
        }
    }

    private void handle(Job job) throws InterruptedException {
        long before = revisions.revision();
        String op = job.body().path("op").asText();
        long waited = System.currentTimeMillis() - job.receivedAt();
        if (waited > settings.get().commandDeadlineMs()) {
            expired.incrementAndGet();
            finish(job, fail(job, "EXPIRED", "waited " + waited + " ms, longer than the deadline of "
                    + settings.get().commandDeadlineMs() + " ms; not run", null), before);
            return;
        }
        String id = job.body().path("id").isTextual() ? job.body().get("id").asText() : null;
        boolean change = Operations.CHANGES.contains(op);
        String bodyDigest = change ? digest(job.body()) : "";
        if (id != null && id.length() > OutcomeStore.MAX_ID_CHARS) {
            finish(job, fail(job, "BAD_REQUEST", "$.id: at most " + OutcomeStore.MAX_ID_CHARS + " characters", null),
                    before);
            return;
        }
        if (change && id != null) {
            var stored = outcomes.get(id);
            if (stored.isPresent()) {
                if (!stored.get().body().equals(bodyDigest)) {
                    finish(job, fail(job, "BAD_REQUEST", "id \"" + id + "\" was used for a different change already",
                            null), before);
                    return;
                }
                duplicates.incrementAndGet();
                ObjectNode reply = stored.get().reply().deepCopy();
                reply.put("command", job.command().sequence());
                reply.put("t", System.currentTimeMillis());
                reply.put("duplicate", true);
                finish(job, reply, before);
                return;
            }
        }
        String signer = fingerprintOf.apply(job.command().sender());
        ObjectNode reply;
        try {
            JsonNode result = operations.run(op, job.body(), job.command().sequence(), signer);
            reply = skeleton(job);
            reply.put("ok", true);
            reply.set("result", result);
        } catch (ChangeException e) {
            if (e.code().equals("ROLLED_BACK")) {
                rolledBack.incrementAndGet();
            }
            reply = fail(job, e.code(), e.getMessage(), e.details());
        } catch (java.io.IOException e) {
            Logger.error("management: command seq={} op={}: {}", job.command().sequence(), op, e.toString());
            reply = fail(job, "FAILED", "I/O error on the gateway: " + e.getMessage(), null);
        }
        if (change && id != null) {
            try {
                outcomes.put(id, new OutcomeStore.Outcome(op, bodyDigest, reply));
            } catch (java.io.IOException e) {
                Logger.error("management: outcome of id {} not kept: {}", id, e.getMessage());
            }
        }
        finish(job, reply, before);
    }

    /** Audits, then submits the reply. */
    private void finish(Job job, ObjectNode reply, long revisionBefore) {
        done.incrementAndGet();
        ObjectNode a = JSON.createObjectNode();
        a.put("sender", job.command().sender());
        a.put("keyFingerprint", fingerprintOf.apply(job.command().sender()));
        a.put("outcome", reply.path("ok").asBoolean() ? "ok" : reply.path("code").asText("FAILED"));
        a.put("revisionBefore", revisionBefore);
        a.put("revisionAfter", revisions.revision());
        if (!reply.has("audit")) {
            reply.set("audit", a);
        }
        ObjectNode line = a.deepCopy();
        line.put("t", System.currentTimeMillis());
        line.put("command", job.command().sequence());
        line.put("op", job.body().path("op").asText());
        if (job.body().has("id")) {
            line.set("id", job.body().get("id"));
        }
        if (reply.has("duplicate")) {
            line.put("duplicate", true);
        }
        if (reply.has("error")) {
            line.put("error", reply.get("error").asText());
        }
        audit.record(line);
        replies.accept(reply);
    }

    private ObjectNode skeleton(Job job) {
        ObjectNode r = JSON.createObjectNode();
        r.put("gateway", gatewayId);
        r.put("command", job.command().sequence());
        r.put("sender", job.command().sender());
        r.put("op", job.body().path("op").asText());
        if (job.body().has("id") && !job.body().get("id").isNull()) {
            r.set("id", job.body().get("id"));
        }
        r.put("t", System.currentTimeMillis());
        return r;
    }

    private ObjectNode fail(Job job, String code, String error, JsonNode details) {
        ObjectNode r = skeleton(job);
        r.put("ok", false);
        r.put("code", code);
        r.put("error", error);
        if (details != null) {
            r.set("result", details);
        }
        return r;
    }

    /** SM3 of the body without "gateway" (always this gateway): the same change sent again has the same digest. */
    static String digest(JsonNode body) {
        ObjectNode copy = body.deepCopy();
        copy.remove("gateway");
        return FileSetDigest.of(copy.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
