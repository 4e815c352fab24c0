package org.tidegate.management.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Supplier;
import org.tidegate.config.ConfigurationReloader;
import org.tidegate.config.GatewayConfig;
import org.tidegate.config.HomeFiles;
import org.tidegate.config.HomeSwitch;
import org.tidegate.config.LoadResult;
import org.tidegate.core.config.ConfigProblem;
import org.tinylog.Logger;

/**
 * Carries out one configuration change, all or nothing (docs/remote-management.md): validate the whole candidate
 * with the running schemas (every problem reported, nothing written), snapshot it as a new revision, arm and install
 * it through {@link HomeSwitch}, reload, put it on {@link Trial}, then commit — or put the previous files back and
 * say why.
 */
final class ChangeApplier {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final ConfigurationReloader reloader;
    private final RevisionStore revisions;
    private final Trial trial;
    private final Supplier<ManagementSection.Settings> settings;
    private volatile boolean onTrial;

    ChangeApplier(Path home, ConfigurationReloader reloader, RevisionStore revisions, Trial trial,
                  Supplier<ManagementSection.Settings> settings) {
        this.home = home;
        this.reloader = reloader;
        this.revisions = revisions;
        this.trial = trial;
        this.settings = settings;
    }

    boolean onTrial() {
        return onTrial;
    }

    /** Every problem of {@code files} as {@code FILE: JSON-PATH: REASON}, empty if none. */
    ArrayNode problems(SortedMap<String, String> files) {
        ArrayNode out = JSON.createArrayNode();
        String bounds = HomeFiles.problem(files);
        if (bounds != null) {
            out.add(bounds);
            return out;
        }
        LoadResult r = reloader.check(files);
        for (ConfigProblem p : r.errors()) {
            out.add(p.toString());
        }
        return out;
    }

    /**
     * @param source  {@code remote} or {@code rollback}
     * @return the result of an applied change (revision, previous revision, digest, what changed, trial time)
     * @throws ChangeException {@code INVALID} (nothing written), {@code ROLLED_BACK} (tried, previous restored)
     */
    ObjectNode apply(SortedMap<String, String> candidate, String source, long command, String signer, String note)
            throws ChangeException, IOException, InterruptedException {
        SortedMap<String, String> current = HomeFiles.read(home);
        long before = revisions.revision();
        ObjectNode result = JSON.createObjectNode();
        if (candidate.equals(current)) {
            result.put("revision", before);
            result.put("digest", revisions.digest());
            result.put("unchanged", true);
            return result;
        }
        ArrayNode problems = problems(candidate);
        if (!problems.isEmpty()) {
            ObjectNode d = JSON.createObjectNode();
            d.put("revision", before);
            d.set("problems", problems);
            throw new ChangeException("INVALID", problems.size() + " problem(s); nothing was applied", d);
        }
        GatewayConfig oldConfig = reloader.current();
        GatewayConfig newConfig = reloader.check(candidate).config();
        Trial.Changes changes = Trial.Changes.between(oldConfig, newConfig);
        long n = revisions.allocate();
        Snapshot snap = Snapshot.of(n, source, command, signer, candidate);
        if (!note.isEmpty()) {
            snap = snap.withState("trial", note);
        }
        revisions.save(snap);
        ManagementSection.Settings s = settings.get();
        long timeout = changes.broker() ? Math.max(s.brokerTrialMs(), s.trialMs()) : s.trialMs();
        onTrial = true;
        long t0 = System.currentTimeMillis();
        try {
            HomeSwitch.arm(home, current, candidate, "revision " + before + " -> " + n);
            // after arming: from this line on, a crash ends in revision `before` at the next start
            Logger.info("management: revision {} -> {}: armed (devices changed {}, removed {}, sections {}); trial {} ms",
                    before, n, changes.devicesChanged(), changes.devicesRemoved(), changes.sectionsChanged(), timeout);
            LoadResult applied = reloader.reloadAfter(() -> HomeSwitch.installNew(home));
            Optional<String> failure = applied.ok() ? trial.await(newConfig, changes, timeout)
                    : Optional.of("the installed files did not load: " + applied.errors());
            if (failure.isEmpty()) {
                HomeSwitch.commit(home);
                revisions.save(snap.withState("committed", note));
                revisions.setCurrent(n, snap.digest());
                Logger.info("management: revision {} in force (trial passed in {} ms)", n,
                        System.currentTimeMillis() - t0);
                result.put("revision", n);
                result.put("previousRevision", before);
                result.put("digest", snap.digest());
                result.set("changed", changesJson(changes));
                result.put("trialMs", System.currentTimeMillis() - t0);
                return result;
            }
            String why = failure.get();
            Logger.warn("management: revision {} failed its trial: {}; restoring revision {}", n, why, before);
            reloader.reloadAfter(() -> HomeSwitch.rollback(home));
            revisions.save(snap.withState("failed", why));
            Optional<String> restore = oldConfig == null ? Optional.empty()
                    : trial.await(oldConfig, Trial.Changes.between(newConfig, oldConfig), timeout);
            ObjectNode d = JSON.createObjectNode();
            d.put("revision", before);
            d.put("attemptedRevision", n);
            d.put("rolledBack", true);
            d.put("reason", why);
            d.put("restored", restore.isEmpty());
            restore.ifPresent(r -> d.put("restoreProblem", r));
            d.put("trialMs", System.currentTimeMillis() - t0);
            throw new ChangeException("ROLLED_BACK", "revision " + n + " failed its trial and revision " + before
                    + " was restored: " + why, d);
        } catch (IOException | RuntimeException e) {
            // the switch may be armed: put the previous files back now rather than at the next start
            Logger.error("management: revision {} could not be applied ({}); restoring revision {}", n, e, before);
            if (HomeSwitch.armed(home)) {
                reloader.reloadAfter(() -> HomeSwitch.rollback(home));
            }
            revisions.save(snap.withState("failed", e.toString()));
            throw e;
        } finally {
            onTrial = false;
        }
    }

    private static ObjectNode changesJson(Trial.Changes c) {
        ObjectNode o = JSON.createObjectNode();
        c.devicesChanged().forEach(o.putArray("devices")::add);
        c.devicesRemoved().forEach(o.putArray("devicesRemoved")::add);
        c.sectionsChanged().forEach(o.putArray("sections")::add);
        return o;
    }
}
