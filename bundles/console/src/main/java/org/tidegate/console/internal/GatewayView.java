package org.tidegate.console.internal;

import java.util.List;
import org.tidegate.config.ConfigurationReloader;
import org.tidegate.core.pipeline.DeviceRestarts;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.log.RecentLog;
import org.tidegate.outbox.StatusProvider;
import org.tidegate.store.QueueStats;

/** What the console reads of the running gateway (the component's service references). */
interface GatewayView {
    /** The queue's figures, or null while the store is away. */
    QueueStats queue();

    /** Running devices, by id. */
    List<GatewayDevice> devices();

    GatewayDevice device(String id);

    List<StatusProvider> providers();

    /** Null while the config bundle is away. */
    ConfigurationReloader reloader();

    /** The gateway's one ring of recent log lines; null while it is away. */
    RecentLog recentLog();

    /** The gateway's one device connection restart; null while it is away. */
    DeviceRestarts restarts();
}
