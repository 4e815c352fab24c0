package org.tidegate.driver.gpio;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service notified at once when a GPIO input channel ({@code mode=input}) changes state, so an alarm
 * (smoke detector contact) does not wait for the next poll. The regular polls still report the level as usual.
 *
 * <p>Called on the thread that delivered the pin event (Pi4J's event thread, or the caller of
 * {@code MockDigitalInput.mockState} under the mock provider), outside the driver's locks. Implementations must
 * return quickly: hand off (e.g. trigger an immediate poll or queue an alarm), do not publish or fsync here.
 * An exception thrown here is logged and does not stop other listeners.
 *
 * <p>Optional service property {@value #DEVICE_PROPERTY}: when set, the listener only receives edges of that device.
 */
@ConsumerType
public interface GpioEdgeListener {

    /** Service property restricting a listener to one device id (same name as the running device's property). */
    String DEVICE_PROPERTY = "tidegate.device.id";

    void edge(GpioEdge edge);
}
