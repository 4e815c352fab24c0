/**
 * The cloud side of the sealed MQTT link, as a plain library: {@link org.tidegate.cloud.CloudReceiver} opens
 * what gateways publish, {@link org.tidegate.cloud.CommandSender} seals and sends commands and waits for replies.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tidegate.cloud;
