package org.tidegate.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tidegate.core.pipeline.DeviceRestart;
import org.tidegate.core.pipeline.DeviceRestartException;
import org.tidegate.core.pipeline.DeviceRestarts;
import org.tidegate.log.RecentLog;
import org.tinylog.Logger;

/** The console's API paths (docs/console.md), behind {@link ConsoleServer}'s login check. */
final class ApiRoutes implements ConsoleServer.Routes {
    private final ConsoleApi api;
    private final Metrics metrics;
    private final OutputTest outputTest;
    /** How long a restart action waits for the device's first poll on its new connection. */
    static final Duration RESTART_DEADLINE = Duration.ofSeconds(10);
    private final Supplier<DeviceRestarts> restarts;
    private final LiveValues live;

    ApiRoutes(ConsoleApi api, Metrics metrics, OutputTest outputTest, Supplier<DeviceRestarts> restarts, LiveValues live) {
        this.api = api;
        this.metrics = metrics;
        this.outputTest = outputTest;
        this.restarts = restarts;
        this.live = live;
    }

    @Override
    public void handle(Exchange x, String user) throws IOException {
        String path = x.path();
        boolean get = x.method().equals("GET");
        switch (path) {
            case "/api/status" -> {
                if (get) {
                    x.json(200, api.status());
                    return;
                }
            }
            case "/api/devices" -> {
                if (get) {
                    x.json(200, api.devices());
                    return;
                }
            }
            case "/api/series" -> {
                if (get) {
                    x.json(200, api.series(x.query("ch")));
                    return;
                }
            }
            case "/api/alarms" -> {
                if (get) {
                    x.json(200, api.alarms());
                    return;
                }
            }
            case "/api/log" -> {
                if (get) {
                    int lines = 200;
                    List<String> q = x.query("lines");
                    if (!q.isEmpty()) {
                        try {
                            lines = Integer.parseInt(q.get(0));
                        } catch (NumberFormatException e) {
                            x.error(400, "lines must be a number 1.." + RecentLog.MAX_LINES);
                            return;
                        }
                    }
                    x.json(200, api.log(lines));
                    return;
                }
            }
            case "/api/config" -> {
                if (get) {
                    x.json(200, api.config());
                    return;
                }
            }
            case "/metrics" -> {
                if (get) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
                    metrics.write(out);
                    x.send(200, metrics.contentType(), out.toByteArray());
                    return;
                }
            }
            case "/api/actions/output-test" -> {
                if (x.method().equals("POST")) {
                    outputTest(x, user);
                    return;
                }
            }
            case "/api/actions/restart" -> {
                if (x.method().equals("POST")) {
                    restart(x, user);
                    return;
                }
            }
            default -> {
                x.error(404, "no such page: " + path);
                return;
            }
        }
        x.error(405, x.method() + " not allowed on " + path);
    }

    private void outputTest(Exchange x, String user) throws IOException {
        JsonNode b = x.jsonBody();
        if (b == null || !b.path("device").isTextual() || !b.path("channel").isTextual()) {
            x.error(400, "expected {\"device\": ID, \"channel\": ID, \"seconds\": 1..60}");
            return;
        }
        String device = b.path("device").asText();
        String channel = b.path("channel").asText();
        int seconds = b.path("seconds").asInt(5);
        String who = user + "@" + x.address();
        Logger.info("console: write action by user={} from={}: output test {}/{} for {} s", user, x.address(), device,
                channel, seconds);
        OutputTest.Outcome o = outputTest.start(device, channel, seconds, live.lastValue(device, channel), who);
        if (o.ok()) {
            x.json(o.httpStatus(), Map.of("ok", true, "message", o.message()));
        } else {
            x.error(o.httpStatus(), o.message()); // the one error shape of the API: {"error": ...}
        }
    }

    private void restart(Exchange x, String user) throws IOException {
        JsonNode b = x.jsonBody();
        if (b == null || !b.path("device").isTextual()) {
            x.error(400, "expected {\"device\": ID}");
            return;
        }
        String device = b.path("device").asText();
        Logger.info("console: write action by user={} from={}: restart device={}", user, x.address(), device);
        DeviceRestarts r = restarts.get();
        if (r == null) {
            x.error(503, "device restarts are not available (gateway-core is not running)");
            return;
        }
        DeviceRestart done;
        try {
            done = r.restart(device, "console user=" + user + " from=" + x.address(), RESTART_DEADLINE);
        } catch (DeviceRestartException e) {
            int status = switch (e.reason()) {
                case UNKNOWN_DEVICE -> 404;
                case TIMEOUT -> 504;
                case FAILED -> 502;
            };
            x.error(status, e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            x.error(503, "stopping");
            return;
        }
        String state = done.firstPoll().state();
        x.json(200, Map.of("ok", true, "message", device + ": connection restarted in " + done.tookMillis()
                + " ms, first poll " + state + (state.equals("up") ? "" : " (" + done.firstPoll().lastError() + ")"),
                "state", state, "restarts", done.restarts()));
    }
}
