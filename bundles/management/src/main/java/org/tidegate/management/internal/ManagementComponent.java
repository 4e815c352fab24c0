package org.tidegate.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.tidegate.config.ConfigurationReloader;
import org.tidegate.core.pipeline.DeviceRestarts;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.crypto.ContentType;
import org.tidegate.crypto.GatewayCrypto;
import org.tidegate.crypto.Opened;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.SmKeys;
import org.tidegate.log.RecentLog;
import org.tidegate.outbox.Outbox;
import org.tidegate.outbox.Priority;
import org.tidegate.outbox.StatusProvider;
import org.tidegate.store.StoreException;
import org.tidegate.uplink.CommandHandler;
import org.tidegate.uplink.UplinkLink;
import org.tinylog.Logger;

/**
 * Remote management in OSGi (docs/remote-management.md): claims the management operations from the uplink
 * ({@link CommandHandler}, answering them itself on its own thread, {@link CommandHandler#REPLIED_SEPARATELY}),
 * reports the running revision in the status message ({@link StatusProvider} {@code management}). Configured by the
 * {@code management} section (PID {@value ManagementSection#PID}); a change of that section is taken without a
 * restart ({@link Modified}), so a change under trial never stops its own judge. The outbox and the uplink are
 * dynamic references for the same reason: a broker change restarts them while the trial runs.
 */
@Component(configurationPid = ManagementSection.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {CommandHandler.class, StatusProvider.class}, immediate = true)
public class ManagementComponent implements CommandHandler, StatusProvider, RuntimeView {

    private final ServiceComponentRuntime scr;
    private final CommandWorker worker;
    private final RevisionStore revisions;
    private final ChangeApplier applier;
    private final Map<String, String> fingerprints = new LinkedHashMap<>();
    private volatile ManagementSection.Settings settings;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(gatewayId=*)")
    private volatile Outbox outbox;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<UplinkLink> links = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<GatewayDevice> devices = new CopyOnWriteArrayList<>();

    @Activate
    public ManagementComponent(Map<String, Object> properties, @Reference ConfigurationReloader reloader,
                               @Reference ServiceComponentRuntime scr, @Reference DeviceRestarts restarts,
                               @Reference RecentLog recentLog)
            throws IOException {
        this.scr = scr;
        this.settings = ManagementSection.read(properties);
        String gatewayId = String.valueOf(properties.get("gatewayId"));
        Path home = Path.of(String.valueOf(properties.getOrDefault("home", "."))).toAbsolutePath().normalize();
        try {
            GatewayCrypto.Settings s = GatewayCrypto.settingsFromGatewayJson(home);
            fingerprints.put(s.cloudId(), SmKeys.fingerprint(PemKeys.readPublicKey(s.cloudPublicKey())));
        } catch (IOException | java.security.GeneralSecurityException e) {
            Logger.warn("management: the cloud key's fingerprint is unknown ({}); audit lines will lack it", e.getMessage());
        }
        this.revisions = new RevisionStore(home);
        revisions.observe();
        this.applier = new ChangeApplier(home, reloader, revisions, new Trial(this), () -> settings);
        Operations ops = new Operations(home, revisions, applier, this, restarts, recentLog, () -> settings);
        this.worker = new CommandWorker(gatewayId, ops, new OutcomeStore(revisions.dir()),
                new AuditLog(revisions.dir()), revisions, sender -> fingerprints.getOrDefault(sender, ""),
                this::reply, () -> settings);
        Logger.info("management: remote management ready: revision {} (trial {} s, broker trial {} s)",
                revisions.revision(), settings.trialMs() / 1000, settings.brokerTrialMs() / 1000);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        settings = ManagementSection.read(properties);
    }

    @Deactivate
    void deactivate() {
        worker.close();
    }

    // ---- CommandHandler ----

    @Override
    public Optional<JsonNode> handle(Opened command, JsonNode body) {
        String op = body.path("op").asText("");
        if (!Operations.handles(op)) {
            return Optional.empty();
        }
        worker.submit(command, body);
        return Optional.of(REPLIED_SEPARATELY);
    }

    private void reply(ObjectNode reply) {
        Outbox o = outbox;
        if (o == null) {
            Logger.error("management: no outbox: the reply to command seq={} is lost", reply.path("command").asLong());
            return;
        }
        try {
            o.submit(ContentType.REPLY, null, Priority.REPLY.value(), reply.toString().getBytes(StandardCharsets.UTF_8));
        } catch (StoreException e) {
            Logger.error("management: reply to command seq={} not stored: {}", reply.path("command").asLong(),
                    e.getMessage());
        }
    }

    // ---- StatusProvider ----

    @Override
    public String name() {
        return "management";
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("revision", revisions.revision());
        m.put("digest", revisions.digest());
        m.put("onTrial", applier.onTrial());
        m.put("commands", worker.done.get());
        m.put("rolledBack", worker.rolledBack.get());
        m.put("busy", worker.busy.get());
        m.put("expired", worker.expired.get());
        m.put("duplicates", worker.duplicates.get());
        return m;
    }

    // ---- RuntimeView ----

    @Override
    public Optional<GatewayDevice> device(String id) {
        GatewayDevice found = null;
        for (GatewayDevice d : devices) {
            if (d.device().id().equals(id)) {
                found = d; // the newest registration last
            }
        }
        return Optional.ofNullable(found);
    }

    @Override
    public List<ComponentState> components(String pid) {
        List<ComponentState> out = new ArrayList<>();
        for (ComponentDescriptionDTO desc : scr.getComponentDescriptionDTOs()) {
            if (desc.configurationPid == null || !List.of(desc.configurationPid).contains(pid)) {
                continue;
            }
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(desc)) {
                String state = switch (c.state) {
                    case ComponentConfigurationDTO.ACTIVE -> "active";
                    case ComponentConfigurationDTO.SATISFIED -> "satisfied";
                    case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed";
                    default -> "unsatisfied";
                };
                out.add(new ComponentState(desc.name, state, c.failure == null ? "" : c.failure,
                        c.properties == null ? Map.of() : c.properties));
            }
        }
        return out;
    }

    @Override
    public List<UplinkLink> links() {
        return List.copyOf(links);
    }
}
