/**
 * Checks for the external tools (socat, mosquitto, openssl, pymodbus, mbpoll) that tests and benchmarks use as
 * peers. The test doubles of the same package (the in-memory driver) live in {@code tidegate-test-support}.
 */
package org.tidegate.core.testing;
