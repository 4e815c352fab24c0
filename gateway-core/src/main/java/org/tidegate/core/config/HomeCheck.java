package org.tidegate.core.config;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.tidegate.core.model.Device;

/**
 * A check that needs the whole home, provided by the bundle that owns what it checks (listed in
 * {@code META-INF/services/org.tidegate.core.config.HomeCheck}); e.g. the pipeline's edge rules, whose
 * actions may target another device's channel.
 */
@ConsumerType
public interface HomeCheck {

    /**
     * A device as decoded, with the node it was decoded from (so problems name the right file and path).
     *
     * @param device the decoded device
     * @param node   the device's merged document; {@code node.child("channels").element(i)} is channel i
     */
    record DecodedDevice(Device device, ConfigNode node) {
    }

    /** Checks every enabled device of the home; records problems on the nodes. */
    void check(List<DecodedDevice> devices);
}
