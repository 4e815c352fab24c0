/**
 * MQTT brokers for the lab, the demo and tests: an embedded Java broker (MQTT 5, the project's own) and a
 * controller for a local mosquitto process with its own configuration file.
 */
package org.tidegate.cloud.broker;
