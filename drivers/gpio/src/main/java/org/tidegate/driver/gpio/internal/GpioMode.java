package org.tidegate.driver.gpio.internal;

/** What a GPIO channel does with its line. */
public enum GpioMode {
    /** A debounced level (dry contact): reads Boolean, edges are pushed to {@code GpioEdgeListener}s. */
    INPUT,
    /** Pulses counted between polls (tipping-bucket rain gauge): reads mm (or tips). */
    COUNTER,
    /** A relay output: written with Boolean, read back. */
    OUTPUT
}
