package org.tidegate.management.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A command that cannot be carried out, with the code the reply carries ({@code CONFLICT}, {@code INVALID},
 * {@code NOT_FOUND}, {@code NOT_WRITABLE}, {@code BAD_REQUEST}, {@code FAILED}) and optional details for its result.
 */
final class ChangeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final transient JsonNode details;

    ChangeException(String code, String message) {
        this(code, message, null);
    }

    ChangeException(String code, String message, JsonNode details) {
        super(message);
        this.code = code;
        this.details = details;
    }

    String code() {
        return code;
    }

    JsonNode details() {
        return details;
    }
}
