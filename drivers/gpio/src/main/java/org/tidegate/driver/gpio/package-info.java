/**
 * GPIO driver API: the edge-notification seam. Register a {@link org.tidegate.driver.gpio.GpioEdgeListener}
 * service and the GPIO driver calls it the moment a debounced input changes, without waiting for the next poll.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.driver.gpio;
