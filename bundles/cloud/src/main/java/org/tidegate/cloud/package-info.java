/**
 * The cloud side of the sealed MQTT link, as a plain library: {@link org.tidegate.cloud.CloudReceiver} opens
 * what gateways publish, {@link org.tidegate.cloud.CommandSender} seals and sends commands and waits for replies,
 * {@link org.tidegate.cloud.BrokerSubscription} keeps a subscription up (the receiver's and the ingest service's).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.tidegate.cloud;
