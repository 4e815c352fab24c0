package org.tidegate.ingest.internal;

/** A verified envelope whose body this service cannot store; the message says where (a JSON path) and why. */
final class BadBody extends Exception {
    private static final long serialVersionUID = 1L;

    BadBody(String message) {
        super(message);
    }
}
