package org.tidegate.store;

/**
 * The store could not do what was asked: the disk is full, the database file is unreadable, the queue is
 * closed, or the sequence counter cannot be made durable. The message says which, and what was kept.
 */
public class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
