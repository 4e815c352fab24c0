package org.tidegate.core.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What {@code tidegate run} does on a home that has no identity yet (no gateway.json, no id, no private key), before
 * anything else starts: instead of refusing, it lets a person provision the home there and then, and starts the
 * gateway once that is done. The local console contributes one (its provisioning form); the launcher finds it with
 * {@link java.util.ServiceLoader} in {@code META-INF/services/org.tidegate.core.cli.ProvisioningWait}. Without one,
 * or when it declines, {@code run} refuses as before and names {@code tidegate provision}.
 */
@ConsumerType
public interface ProvisioningWait {

    /**
     * Waits until {@code home} is provisioned.
     *
     * @param home  the gateway home, absolute
     * @param err   where to tell the person what to do (and where the form is)
     * @param ready called once it is waiting, so the service manager can be told the process is up
     * @return true once the home is provisioned (start the gateway); false when this wait cannot run here (e.g. the
     *         console is disabled, or cannot listen): the reason is on {@code err}
     * @throws InterruptedException when the process is stopped while it waits
     */
    boolean await(Path home, PrintStream err, Runnable ready) throws Exception;
}
