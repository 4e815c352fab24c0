package org.tidegate.console.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.tidegate.config.ConfigurationReloader;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.DeviceRestarts;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.pipeline.SampleSink;
import org.tidegate.log.RecentLog;
import org.tidegate.outbox.StatusBody;
import org.tidegate.outbox.StatusProvider;
import org.tidegate.pipeline.AlarmObserver;
import org.tidegate.pipeline.rules.AlarmEvent;
import org.tidegate.store.QueueStats;
import org.tidegate.store.StoreAndForwardQueue;
import org.tinylog.Logger;

/**
 * The local web console (docs/console.md), configured by the {@code console} section of gateway.json (PID
 * {@value ConsoleSection#PID}). It sees every poll's batch (a {@link SampleSink}: last values, the charts' ring, poll
 * latency) and every alarm transition (an {@link AlarmObserver}); everything else it reads from the running
 * services when a page asks.
 */
@Component(configurationPid = ConsoleSection.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {SampleSink.class, AlarmObserver.class})
@Designate(ocd = ConsoleComponent.Config.class)
public class ConsoleComponent implements SampleSink, AlarmObserver, GatewayView {

    /** The console section as ConfigAdmin holds it, for MetaType; read with {@link ConsoleSection#read}. */
    @ObjectClassDefinition(name = "tidegate console", description = "Local web console (gateway.json \"console\")")
    public @interface Config {
        @AttributeDefinition(description = "Whether the console runs")
        boolean enabled() default ConsoleSection.DEFAULT_ENABLED;

        @AttributeDefinition(description = "TCP port", min = "1", max = "65535")
        int port() default ConsoleSection.DEFAULT_PORT;

        @AttributeDefinition(description = "Addresses to listen on besides 127.0.0.1, comma-separated", required = false)
        String interfaces() default "";

        @AttributeDefinition(description = "Seconds a login lasts", min = "" + ConsoleSection.MIN_SESSION_SECONDS,
                max = "" + ConsoleSection.MAX_SESSION_SECONDS)
        long sessionSeconds() default ConsoleSection.DEFAULT_SESSION_SECONDS;
    }

    /** How often a console whose port was taken tries again (docs/console.md). */
    private static final long LISTEN_RETRY_MS = 30_000;

    private final Map<String, GatewayDevice> devices = new ConcurrentHashMap<>();
    private final List<StatusProvider> providers = new CopyOnWriteArrayList<>();
    private volatile StoreAndForwardQueue queue;
    private volatile ConfigurationReloader reloader;
    private volatile DeviceRestarts restarts;
    private volatile RecentLog recentLog;

    private final ConsoleSettings settings;
    private final LiveValues live;
    private final AlarmLog alarms = new AlarmLog();
    private final ExecutorService http;
    private final ScheduledExecutorService timer;
    private final ConsoleApi api;
    private final Metrics metrics;
    private volatile ConsoleServer server;
    private volatile boolean listening;

    @Activate
    public ConsoleComponent(Map<String, Object> properties, BundleContext context) {
        this.settings = ConsoleSection.read(properties);
        this.live = new LiveValues(settings.chartResolutionSeconds());
        AtomicInteger n = new AtomicInteger();
        // Two threads serve every page and API call: a console has a technician or two, not a crowd.
        this.http = Executors.newFixedThreadPool(2, r -> daemon(r, "console-http-" + n.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "console-timer"));
        this.api = new ConsoleApi(settings, this, live, alarms, context.getBundle().getVersion().toString(),
                StatusBody.processStartedAt());
        this.metrics = new Metrics(new Metrics.Sources() {
            @Override
            public QueueStats queue() {
                return ConsoleComponent.this.queue();
            }

            @Override
            public Collection<DeviceHealth> devices() {
                return api.health();
            }

            @Override
            public Map<String, Object> provider(String name) {
                return api.provider(name);
            }

            @Override
            public AlarmLog alarms() {
                return alarms;
            }
        });
    }

    @Activate
    void activate() {
        if (!settings.enabled()) {
            Logger.info("console: disabled (gateway.json console.enabled=false)");
            return;
        }
        Sessions sessions = new Sessions(settings.sessionSeconds() * 1000, System::currentTimeMillis);
        LoginGuard guard = new LoginGuard(settings.home(), settings.loginAttemptsPerMinute());
        String apiKey = Sessions.token();
        OutputTest outputTest = new OutputTest(devices::get, alarms::openCount, timer);
        server = new ConsoleServer(settings, sessions, guard, apiKey,
                new ApiRoutes(api, metrics, outputTest, () -> restarts, live));
        ConsoleServer s = server;
        new ListenRetry(() -> s.start(http), timer, LISTEN_RETRY_MS, settings.port(), bound -> {
            String scheme = settings.https() ? "https" : "http";
            try {
                new LocalAccess(scheme + "://127.0.0.1:" + s.port(), apiKey,
                        settings.https() ? settings.tlsCertificate().toString() : "").write(settings.home());
            } catch (IOException e) {
                Logger.error("console: {} not written, tidegate status cannot find the console: {}", LocalAccess.FILE,
                        e.getMessage());
            }
            listening = true;
            Logger.info("console: listening on {} ({}), sessions {} s", bound, scheme, settings.sessionSeconds());
        }).attempt(1);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS); // a listen attempt in progress ends before the server closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ConsoleServer s = server;
        server = null;
        if (s != null) {
            s.close();
            if (listening) {
                LocalAccess.delete(settings.home());
            }
        }
        http.shutdownNow();
        try {
            http.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Logger.info("console: stopped");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void accept(SampleBatch batch) {
        if (server == null) {
            return;
        }
        live.accept(batch);
        GatewayDevice d = devices.get(batch.device());
        if (d != null) {
            try {
                metrics.observePoll(batch.device(), d.health().lastPollMillis());
            } catch (RuntimeException e) {
                // health unavailable: no latency for this poll
            }
        }
    }

    @Override
    public void alarmChanged(AlarmEvent event) {
        alarms.alarmChanged(event);
    }

    // --- GatewayView ---

    @Override
    public QueueStats queue() {
        StoreAndForwardQueue q = queue;
        try {
            return q == null ? null : q.stats();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public List<GatewayDevice> devices() {
        return new ArrayList<>(devices.values());
    }

    @Override
    public GatewayDevice device(String id) {
        return devices.get(id);
    }

    @Override
    public List<StatusProvider> providers() {
        return List.copyOf(providers);
    }

    @Override
    public ConfigurationReloader reloader() {
        return reloader;
    }

    @Override
    public RecentLog recentLog() {
        return recentLog;
    }

    @Override
    public DeviceRestarts restarts() {
        return restarts;
    }

    // --- references ---

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDevice(GatewayDevice d) {
        devices.put(d.device().id(), d);
    }

    void removeDevice(GatewayDevice d) {
        if (devices.remove(d.device().id(), d) && !timer.isShutdown()) {
            try {
                timer.schedule(() -> {
                    if (!devices.containsKey(d.device().id())) {
                        live.forget(d.device().id());
                    }
                }, 60, TimeUnit.SECONDS);
            } catch (RejectedExecutionException deactivated) {
                // DS unbinds the devices after deactivate (a reload restarting the console): nothing to forget then
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStatusProvider(StatusProvider p) {
        providers.add(p);
    }

    void removeStatusProvider(StatusProvider p) {
        providers.remove(p);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setQueue(StoreAndForwardQueue q) {
        queue = q;
    }

    void unsetQueue(StoreAndForwardQueue q) {
        if (queue == q) {
            queue = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setReloader(ConfigurationReloader r) {
        reloader = r;
    }

    void unsetReloader(ConfigurationReloader r) {
        if (reloader == r) {
            reloader = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setRestarts(DeviceRestarts r) {
        restarts = r;
    }

    void unsetRestarts(DeviceRestarts r) {
        if (restarts == r) {
            restarts = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setRecentLog(RecentLog r) {
        recentLog = r;
    }

    void unsetRecentLog(RecentLog r) {
        if (recentLog == r) {
            recentLog = null;
        }
    }
}
