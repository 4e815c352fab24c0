package org.tidegate.cloud.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.tidegate.core.cli.Args;

/**
 * The words of {@code tidegate command OPERATION ARGS} as a management command body (docs/remote-management.md),
 * and the exit status of its reply.
 */
final class ManagementCommands {
    static final int EXIT_ROLLED_BACK = 3;
    static final int EXIT_CONFLICT = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManagementCommands() {
    }

    static byte[] body(List<String> words, String base, String id) throws Args.UsageException, IOException {
        String w = String.join(" ", words.subList(0, Math.min(2, words.size())));
        ObjectNode c = JSON.createObjectNode();
        switch (words.get(0)) {
            case "status" -> c.put("op", "gateway.status");
            case "logs" -> c.put("op", "gateway.logs").put("lines", words.size() > 1 ? number(words.get(1)) : 50);
            case "config" -> {
                need(words, 2, "config get|snapshots|rollback|put-device|...");
                switch (words.get(1)) {
                    case "get" -> c.put("op", "config.get");
                    case "snapshots" -> c.put("op", "config.snapshots");
                    case "rollback" -> {
                        need(words, 3, "config rollback REV");
                        change(c, "config.rollback", base, id).put("revision", number(words.get(2)));
                    }
                    case "put-device" -> change(c, "config.put.device", base, id).set("device", file(words, w));
                    case "put-profile" -> change(c, "config.put.profile", base, id).set("profile", file(words, w));
                    case "put-gateway" -> change(c, "config.put.gateway", base, id).set("settings", file(words, w));
                    case "apply" -> change(c, "config.apply", base, id).set("files", file(words, w));
                    case "delete-device" -> {
                        need(words, 3, "config delete-device ID");
                        change(c, "config.delete.device", base, id).put("device", words.get(2));
                    }
                    case "delete-profile" -> {
                        need(words, 3, "config delete-profile ID");
                        change(c, "config.delete.profile", base, id).put("profile", words.get(2));
                    }
                    default -> throw new Args.UsageException("unknown operation: " + w);
                }
            }
            case "device" -> {
                need(words, 3, "device read|write|restart DEV ...");
                switch (words.get(1)) {
                    case "read" -> {
                        need(words, 4, "device read DEV CH");
                        c.put("op", "device.read").put("device", words.get(2)).put("channel", words.get(3));
                    }
                    case "write" -> {
                        need(words, 5, "device write DEV CH VALUE");
                        c.put("op", "device.write").put("id", id == null ? UUID.randomUUID().toString() : id)
                                .put("device", words.get(2)).put("channel", words.get(3));
                        c.set("value", value(words.get(4)));
                    }
                    case "restart" -> c.put("op", "device.restart")
                            .put("id", id == null ? UUID.randomUUID().toString() : id).put("device", words.get(2));
                    default -> throw new Args.UsageException("unknown operation: " + w);
                }
            }
            default -> throw new Args.UsageException("unknown operation: " + words.get(0)
                    + " (config ..., device ..., status, logs, or a JSON command)");
        }
        return c.toString().getBytes(StandardCharsets.UTF_8);
    }

    static int exitStatus(JsonNode reply) {
        if (reply.path("ok").asBoolean()) {
            return 0;
        }
        return switch (reply.path("code").asText("")) {
            case "ROLLED_BACK" -> EXIT_ROLLED_BACK;
            case "CONFLICT" -> EXIT_CONFLICT;
            default -> 1;
        };
    }

    private static ObjectNode change(ObjectNode c, String op, String base, String id) throws Args.UsageException {
        if (base == null) {
            throw new Args.UsageException(op + " needs --base REV: the revision `config get` reported (a change made"
                    + " from another revision is refused as a conflict)");
        }
        c.put("op", op).put("id", id == null ? UUID.randomUUID().toString() : id).put("baseRevision", number(base));
        return c;
    }

    private static JsonNode file(List<String> words, String what) throws Args.UsageException, IOException {
        need(words, 3, what + " FILE");
        Path p = Path.of(words.get(2));
        if (!Files.isRegularFile(p)) {
            throw new IOException(p + ": no such file" + (Files.isDirectory(p) ? " (it is a directory)" : ""));
        }
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(p));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(p + ": not valid JSON: " + org.tidegate.core.config.ConfigNode.where(e)
                    + org.tidegate.core.config.ConfigNode.syntaxError(e), e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(p + ": not UTF-8 text", e);
        }
        if (n == null || !n.isObject()) {
            throw new IOException(p + ": not a JSON object");
        }
        return n;
    }

    private static JsonNode value(String s) throws Args.UsageException {
        if (s.equals("true") || s.equals("on")) {
            return JSON.getNodeFactory().booleanNode(true);
        }
        if (s.equals("false") || s.equals("off")) {
            return JSON.getNodeFactory().booleanNode(false);
        }
        try {
            return JSON.getNodeFactory().numberNode(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            throw new Args.UsageException("VALUE must be a number, true/on or false/off: " + s);
        }
    }

    private static long number(String s) throws Args.UsageException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new Args.UsageException("not a whole number: " + s);
        }
    }

    private static void need(List<String> words, int n, String usage) throws Args.UsageException {
        if (words.size() < n) {
            throw new Args.UsageException("usage: tidegate command ... " + usage);
        }
    }
}
