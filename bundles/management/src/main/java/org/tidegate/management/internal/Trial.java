package org.tidegate.management.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.tidegate.config.GatewayConfig;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.uplink.UplinkLink;

/**
 * Decides whether an applied configuration works (docs/remote-management.md, "Trial"). Passing needs positive
 * evidence before the deadline — silence is a failure, never a pass:
 * <ul>
 *   <li>every added or changed device: its component active with the new document and its last poll {@code up};</li>
 *   <li>every removed device: no longer running;</li>
 *   <li>every changed {@code gateway.json} section: each component taking its PID active (or satisfied) with the new
 *       values; a failed activation fails the trial at once;</li>
 *   <li>a changed {@code broker} section: the MQTT session for the new URL connected.</li>
 * </ul>
 */
final class Trial {
    static final String DEVICE_FACTORY_PID = "org.tidegate.device";
    static final String BROKER_SECTION = "broker";
    private static final long STEP_MS = 100;

    /** What changed between two configurations. */
    record Changes(Set<String> devicesChanged, Set<String> devicesRemoved, Set<String> sectionsChanged) {
        boolean broker() {
            return sectionsChanged.contains(BROKER_SECTION);
        }

        boolean none() {
            return devicesChanged.isEmpty() && devicesRemoved.isEmpty() && sectionsChanged.isEmpty();
        }

        static Changes between(GatewayConfig before, GatewayConfig after) {
            Map<String, String> b = before == null ? Map.of() : before.documents();
            Set<String> changed = new TreeSet<>();
            Set<String> removed = new TreeSet<>();
            after.documents().forEach((id, doc) -> {
                if (!doc.equals(b.get(id))) {
                    changed.add(id);
                }
            });
            b.keySet().forEach(id -> {
                if (!after.documents().containsKey(id)) {
                    removed.add(id);
                }
            });
            Set<String> sections = new TreeSet<>();
            after.sections().forEach((name, props) -> {
                if (before == null || !same(props, before.section(name))) {
                    sections.add(name);
                }
            });
            return new Changes(changed, removed, sections);
        }
    }

    private final RuntimeView runtime;

    Trial(RuntimeView runtime) {
        this.runtime = runtime;
    }

    /**
     * Waits until {@code config} is seen working or {@code timeoutMs} passes.
     *
     * @return empty if it passed, otherwise every reason it did not
     */
    Optional<String> await(GatewayConfig config, Changes changes, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<String> missing;
        while (true) {
            missing = new ArrayList<>();
            String fatal = check(config, changes, missing);
            if (fatal != null) {
                return Optional.of(fatal);
            }
            if (missing.isEmpty()) {
                return Optional.empty();
            }
            if (System.currentTimeMillis() >= deadline) {
                return Optional.of("not working within " + timeoutMs + " ms: " + String.join("; ", missing));
            }
            Thread.sleep(STEP_MS);
        }
    }

    /** @return a reason that fails the trial at once (a failed activation), else null; what is not yet seen goes to {@code missing} */
    private String check(GatewayConfig config, Changes changes, List<String> missing) {
        for (String id : changes.devicesChanged()) {
            String doc = config.documents().get(id);
            List<RuntimeView.ComponentState> states = runtime.components(DEVICE_FACTORY_PID).stream()
                    .filter(c -> id.equals(String.valueOf(c.properties().get("device.id")))).toList();
            Optional<RuntimeView.ComponentState> current = states.stream()
                    .filter(c -> doc.equals(c.properties().get("device.json"))).findFirst();
            if (current.isPresent() && current.get().state().equals("failed")) {
                return "device " + id + " cannot open: " + current.get().failure();
            }
            if (current.isEmpty() || !current.get().state().equals("active")) {
                missing.add("device " + id + ": component " + (current.isEmpty() ? "not configured yet"
                        : current.get().state()));
                continue;
            }
            Optional<GatewayDevice> d = runtime.device(id);
            if (d.isEmpty()) {
                missing.add("device " + id + ": not running");
                continue;
            }
            DeviceHealth h = d.get().health();
            if (!"up".equals(h.state())) {
                missing.add("device " + id + " is " + h.state()
                        + (h.lastError().isEmpty() ? "" : " (" + h.lastError() + ")"));
            }
        }
        for (String id : changes.devicesRemoved()) {
            if (runtime.device(id).isPresent()) {
                missing.add("device " + id + ": still running");
            }
        }
        for (String section : changes.sectionsChanged()) {
            String pid = config.pids().get(section);
            Map<String, Object> props = config.section(section);
            List<RuntimeView.ComponentState> states = runtime.components(pid);
            if (states.isEmpty()) {
                missing.add("section " + section + ": no component took configuration " + pid);
                continue;
            }
            for (RuntimeView.ComponentState c : states) {
                boolean updated = same(props, c.properties());
                if (updated && c.state().equals("failed")) {
                    return "section " + section + ": component " + c.component() + " did not activate: " + c.failure();
                }
                if (!updated || !(c.state().equals("active") || c.state().equals("satisfied"))) {
                    missing.add("section " + section + ": component " + c.component() + " "
                            + (updated ? c.state() : "not yet reconfigured"));
                }
            }
        }
        if (changes.broker()) {
            String url = String.valueOf(config.section(BROKER_SECTION).get("url"));
            Optional<UplinkLink> link = runtime.links().stream().filter(l -> url.equals(l.brokerUrl())).findFirst();
            if (link.isEmpty()) {
                missing.add("broker: no MQTT session for " + url);
            } else if (!link.get().connected()) {
                missing.add("broker: not connected to " + url
                        + (link.get().lastError().isEmpty() ? "" : " (" + link.get().lastError() + ")"));
            }
        }
        return null;
    }

    /** Whether {@code actual} holds every scalar value of {@code wanted} (compared as text; lists skipped). */
    static boolean same(Map<String, Object> wanted, Map<String, Object> actual) {
        for (Map.Entry<String, Object> e : wanted.entrySet()) {
            Object v = e.getValue();
            if (v instanceof java.util.Collection<?> || (v != null && v.getClass().isArray())) {
                continue;
            }
            if (!Objects.equals(String.valueOf(v), String.valueOf(actual.get(e.getKey())))) {
                return false;
            }
        }
        return true;
    }
}
