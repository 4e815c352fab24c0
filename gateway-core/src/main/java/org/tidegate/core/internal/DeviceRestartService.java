package org.tidegate.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.DeviceRestart;
import org.tidegate.core.pipeline.DeviceRestartException;
import org.tidegate.core.pipeline.DeviceRestarts;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tinylog.Logger;

/**
 * The gateway's one {@link DeviceRestarts}: the device components (this bundle's {@link DeviceComponent}s, which
 * own the driver sessions and their polls, found among the {@link GatewayDevice} services as
 * {@link RestartableDevice}s) restart their own connection; this counts, logs and bounds it.
 */
@Component(service = DeviceRestarts.class)
public class DeviceRestartService implements DeviceRestarts {
    private final List<GatewayDevice> devices = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDevice(GatewayDevice d) {
        devices.add(d);
    }

    void removeDevice(GatewayDevice d) {
        devices.remove(d);
    }

    @Override
    public DeviceRestart restart(String deviceId, String requestedBy, Duration deadline)
            throws DeviceRestartException, InterruptedException {
        if (requestedBy == null || requestedBy.isBlank()) {
            throw new IllegalArgumentException("a restart must say who asked for it");
        }
        if (deadline == null || deadline.isNegative() || deadline.isZero() || deadline.compareTo(MAX_DEADLINE) > 0) {
            throw new IllegalArgumentException("restart deadline must be positive and at most " + MAX_DEADLINE
                    + ": " + deadline);
        }
        RestartableDevice device = find(deviceId);
        long n = counts.computeIfAbsent(deviceId, k -> new AtomicLong()).incrementAndGet();
        long t0 = System.nanoTime();
        Logger.info("device={} connection restart #{} asked by {}", deviceId, n, requestedBy);
        CompletableFuture<DeviceHealth> done = device.restartConnection();
        try {
            DeviceHealth h = done.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            long took = (System.nanoTime() - t0) / 1_000_000;
            Logger.info("device={} connection restarted for {} in {} ms: first poll {}{}", deviceId, requestedBy, took,
                    h.state(), h.state().equals("up") ? "" : " (" + h.lastError() + ")");
            return new DeviceRestart(deviceId, requestedBy, h, took, n);
        } catch (TimeoutException e) {
            done.cancel(false); // not begun yet: dropped; begun: it completes, nobody waits for it
            String why = "device " + deviceId + ": no poll on a new connection within " + deadline.toMillis()
                    + " ms (a poll in progress finishes first: up to the device's timeout times its attempts)";
            Logger.warn("device={} connection restart for {} timed out: {}", deviceId, requestedBy, why);
            throw new DeviceRestartException(DeviceRestartException.Reason.TIMEOUT, why);
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String why = "device " + deviceId + ": connection restart failed: " + cause.getMessage();
            Logger.warn("device={} connection restart for {} failed: {}", deviceId, requestedBy, cause.getMessage());
            throw new DeviceRestartException(DeviceRestartException.Reason.FAILED, why);
        } catch (InterruptedException e) {
            done.cancel(false);
            throw e;
        }
    }

    @Override
    public long restarts(String deviceId) {
        AtomicLong n = counts.get(deviceId);
        return n == null ? 0 : n.get();
    }

    private RestartableDevice find(String deviceId) throws DeviceRestartException {
        RestartableDevice found = null;
        for (GatewayDevice d : devices) {
            if (d instanceof RestartableDevice c && d.device().id().equals(deviceId)) {
                found = c; // the newest registration last (a reload starts the new one before the old one is gone)
            }
        }
        if (found == null) {
            List<String> running = devices.stream().map(d -> d.device().id()).sorted().distinct().toList();
            throw new DeviceRestartException(DeviceRestartException.Reason.UNKNOWN_DEVICE,
                    "no running device \"" + deviceId + "\" (running: " + (running.isEmpty() ? "none" : String.join(", ", running)) + ")");
        }
        return found;
    }
}
