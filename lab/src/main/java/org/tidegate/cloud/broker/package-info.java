/**
 * MQTT brokers for the lab, the demo and tests: an embedded Java broker (Moquette, MQTT 3.1.1) and a
 * controller for a local mosquitto process with its own configuration file.
 */
package org.tidegate.cloud.broker;
