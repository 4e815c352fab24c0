package org.tidegate.core.pipeline;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Restarts one running device's connection: its driver session is closed (a TCP connection closed, a share of a
 * serial bus released) and a new one opened, between two polls, and the device is polled at once on the new
 * session. The device's service, its configuration, its counters and the pipeline's alarm state stay as they are.
 * The one way to do it: remote management's {@code device.restart} and the console's restart action both call it.
 *
 * <p>Every restart is counted per device and logged with who asked, before and after.
 */
@ProviderType
public interface DeviceRestarts {

    /** The longest deadline a caller may give. */
    Duration MAX_DEADLINE = Duration.ofMinutes(10);

    /**
     * Restarts {@code deviceId}'s connection and waits for the first poll on the new session, at most
     * {@code deadline}. A poll in progress finishes first (it takes up to the device's timeout times its attempts).
     *
     * @param requestedBy who asked, for the log (e.g. {@code console user=admin from=192.168.7.20},
     *                    {@code remote management command=17 sender=cloud}); not blank
     * @param deadline    positive, at most {@link #MAX_DEADLINE}
     * @return the first poll's outcome on the new session (which may be {@code down}: a restart is not a repair)
     * @throws DeviceRestartException {@link DeviceRestartException.Reason#UNKNOWN_DEVICE} if no such device runs,
     *                                {@link DeviceRestartException.Reason#TIMEOUT} if the deadline passed first,
     *                                {@link DeviceRestartException.Reason#FAILED} if the new session could not be
     *                                opened or the device stopped meanwhile
     * @throws IllegalArgumentException for a blank {@code requestedBy} or a deadline out of range
     */
    DeviceRestart restart(String deviceId, String requestedBy, Duration deadline)
            throws DeviceRestartException, InterruptedException;

    /** Restarts of {@code deviceId} since the gateway started (asked for, whatever their outcome); 0 if none. */
    long restarts(String deviceId);
}
