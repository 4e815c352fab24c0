package org.tidegate.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/** The console's API paths (docs/console.md), behind {@link ConsoleServer}'s login check. */
final class ApiRoutes implements ConsoleServer.Routes {
    private final ConsoleApi api;
    private final Metrics metrics;
    private final OutputTest outputTest;
    private final DeviceRestarter restarter;
    private final LiveValues live;

    ApiRoutes(ConsoleApi api, Metrics metrics, OutputTest outputTest, DeviceRestarter restarter, LiveValues live) {
        this.api = api;
        this.metrics = metrics;
        this.outputTest = outputTest;
        this.restarter = restarter;
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
                            x.error(400, "lines must be a number 1.." + LogTail.MAX_LINES);
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
        x.json(o.httpStatus(), Map.of("ok", o.ok(), "message", o.message()));
    }

    private void restart(Exchange x, String user) throws IOException {
        JsonNode b = x.jsonBody();
        if (b == null || !b.path("device").isTextual()) {
            x.error(400, "expected {\"device\": ID}");
            return;
        }
        String device = b.path("device").asText();
        Logger.info("console: write action by user={} from={}: restart device={}", user, x.address(), device);
        if (restarter == null) {
            x.error(503, "ConfigurationAdmin is not available");
            return;
        }
        if (!restarter.restart(device)) {
            x.error(404, "no configured device " + device);
            return;
        }
        Logger.info("device={} connection restart requested from the console by user={}", device, user);
        x.json(200, Map.of("ok", true, "message", device + ": connection restarting"));
    }
}
