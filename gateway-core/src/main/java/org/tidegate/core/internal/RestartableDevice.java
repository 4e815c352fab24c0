package org.tidegate.core.internal;

import java.util.concurrent.CompletableFuture;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.GatewayDevice;

/** A running device that can restart its own connection: this bundle's {@link DeviceComponent}. */
interface RestartableDevice extends GatewayDevice {

    /** Closes the driver session and opens a new one between two polls; completes after the first poll on it. */
    CompletableFuture<DeviceHealth> restartConnection();
}
