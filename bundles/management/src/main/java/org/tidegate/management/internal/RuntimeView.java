package org.tidegate.management.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tidegate.core.pipeline.GatewayDevice;
import org.tidegate.uplink.UplinkLink;

/** What a trial looks at in the running gateway: devices, component states, the MQTT session. */
interface RuntimeView {

    /** The running device with this id, if one is registered. */
    Optional<GatewayDevice> device(String id);

    /** Every component configuration of components that take configuration {@code pid} (or factory PID). */
    List<ComponentState> components(String pid);

    /** The MQTT sessions registered now (normally one). */
    List<UplinkLink> links();

    /**
     * @param component the component's name
     * @param state     {@code active}, {@code satisfied}, {@code unsatisfied}, {@code failed}
     * @param failure   why activation failed, empty otherwise
     * @param properties its configuration properties
     */
    record ComponentState(String component, String state, String failure, Map<String, Object> properties) {
    }
}
