package org.tidegate.console.internal;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.tidegate.core.driver.ChannelReading;
import org.tidegate.core.model.Channel;
import org.tidegate.core.model.DataType;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tinylog.Logger;

/**
 * The technician's output test (the siren test): switches a writable boolean output on for a few seconds, then off.
 * Refused while the output is already on (an alarm may hold it) and, at the end, left on (and logged) if an alarm
 * was raised meanwhile: a test never switches off a siren that an alarm wants on.
 */
final class OutputTest {
    static final int MIN_SECONDS = 1;
    static final int MAX_SECONDS = 60;

    record Outcome(boolean ok, int httpStatus, String message) {
    }

    private final Function<String, GatewayDevice> devices;
    private final IntSupplier openAlarms;
    private final ScheduledExecutorService timer;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    OutputTest(Function<String, GatewayDevice> devices, IntSupplier openAlarms, ScheduledExecutorService timer) {
        this.devices = devices;
        this.openAlarms = openAlarms;
        this.timer = timer;
    }

    Outcome start(String deviceId, String channelId, int seconds, Object currentValue, String who) {
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            return new Outcome(false, 400, "seconds must be " + MIN_SECONDS + ".." + MAX_SECONDS);
        }
        GatewayDevice d = devices.apply(deviceId);
        if (d == null) {
            return new Outcome(false, 404, "no running device " + deviceId);
        }
        Optional<Channel> ch = d.device().channel(channelId);
        if (ch.isEmpty() || !ch.get().access().writable() || ch.get().type() != DataType.BOOL) {
            return new Outcome(false, 400, deviceId + "/" + channelId + " is not a writable on/off output");
        }
        String key = deviceId + "/" + channelId;
        if (Boolean.TRUE.equals(currentValue)) {
            return new Outcome(false, 409, key + " is on already (an alarm may hold it): test refused");
        }
        if (!running.add(key)) {
            return new Outcome(false, 409, "a test of " + key + " is running");
        }
        int alarmsBefore = openAlarms.getAsInt();
        ChannelReading on = d.write(channelId, true);
        if (!on.ok()) {
            running.remove(key);
            Logger.warn("device={} channel={} output test by {} failed: {} {}", deviceId, channelId, who, on.status(),
                    on.detail());
            return new Outcome(false, 502, "switching " + key + " on failed: " + on.status() + " " + on.detail());
        }
        Logger.info("device={} channel={} output test by {}: on for {} s", deviceId, channelId, who, seconds);
        timer.schedule(() -> finish(deviceId, channelId, key, alarmsBefore, who), seconds, TimeUnit.SECONDS);
        return new Outcome(true, 200, key + " on for " + seconds + " s");
    }

    private void finish(String deviceId, String channelId, String key, int alarmsBefore, String who) {
        try {
            if (openAlarms.getAsInt() > alarmsBefore) {
                Logger.warn("device={} channel={} output test by {} ended: left on, an alarm was raised meanwhile",
                        deviceId, channelId, who);
                return;
            }
            GatewayDevice d = devices.apply(deviceId);
            if (d == null) {
                Logger.warn("device={} output test by {} ended: the device is gone", deviceId, who);
                return;
            }
            ChannelReading off = d.write(channelId, false);
            Logger.info("device={} channel={} output test by {} ended: off ({})", deviceId, channelId, who,
                    off.ok() ? "ok" : off.status() + " " + off.detail());
        } catch (RuntimeException e) {
            Logger.error(e, "device={} channel={} output test: switching off failed", deviceId, channelId);
        } finally {
            running.remove(key);
        }
    }

    Map<String, Object> state() {
        return Map.of("running", Set.copyOf(running));
    }
}
