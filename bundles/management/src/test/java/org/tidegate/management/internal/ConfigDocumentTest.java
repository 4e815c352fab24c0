package org.tidegate.management.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Secrets never leave, "(secret)" keeps them, changes land in the right file, the digest follows the files. */
class ConfigDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, String> files = Map.of(
            "gateway.json", "{\"id\":\"gw\",\"broker\":{\"url\":\"tcp://h:1\",\"password\":\"hunter2\"}}",
            "devices/wl.json", "{\"id\":\"wl-001\",\"profile\":\"p\"}",
            "profiles/p.json", "{\"id\":\"p\",\"protocol\":\"modbus\"}");

    @Test
    void secretsAreRedactedAndKept() throws Exception {
        JsonNode doc = ConfigDocument.of(files);
        assertEquals("(secret)", doc.path("gateway.json").path("broker").path("password").asText());
        assertFalse(doc.toString().contains("hunter2"));
        JsonNode edited = doc.path("gateway.json").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) edited.path("broker")).put("url", "tcp://h:2");
        SortedMap<String, String> out = ConfigDocument.putGateway(files, edited);
        JsonNode written = JSON.readTree(out.get("gateway.json"));
        assertEquals("hunter2", written.path("broker").path("password").asText(), "kept on the gateway");
        assertEquals("tcp://h:2", written.path("broker").path("url").asText());
    }

    /** The id is the identity (key, client id, topics) and the store holds the backlog: neither moves remotely. */
    @Test
    void theGatewayIdAndTheStoreFileCannotBeChangedRemotely() throws Exception {
        ChangeException id = assertThrows(ChangeException.class, () -> ConfigDocument.putGateway(files,
                JSON.readTree("{\"id\":\"gwZ\",\"broker\":{\"url\":\"tcp://h:1\",\"password\":\"(secret)\"}}")));
        assertEquals("INVALID", id.code());
        assertTrue(id.getMessage().startsWith("$.id: the gateway id \"gw\" cannot be changed remotely"), id.getMessage());
        ChangeException store = assertThrows(ChangeException.class, () -> ConfigDocument.putGateway(files,
                JSON.readTree("{\"id\":\"gw\",\"broker\":{\"url\":\"tcp://h:1\",\"password\":\"(secret)\"},"
                        + "\"store\":{\"path\":\"/mnt/usb/queue.db\"}}")));
        assertEquals("INVALID", store.code());
        assertTrue(store.getMessage().startsWith("$.store.path: the store's file cannot be moved remotely"),
                store.getMessage());
        ChangeException whole = assertThrows(ChangeException.class, () -> ConfigDocument.whole(files,
                JSON.readTree("{\"gateway.json\":{\"id\":\"gwZ\"}}")));
        assertEquals("INVALID", whole.code(), "config.apply too");
        ConfigDocument.putGateway(files, JSON.readTree(
                "{\"id\":\"gw\",\"broker\":{\"url\":\"tcp://h:2\",\"password\":\"(secret)\"}}")); // the rest may change
    }

    @Test
    void aSecretPlaceholderWithoutAValueIsRefused() throws Exception {
        JsonNode g = JSON.readTree("{\"id\":\"gw\",\"broker\":{\"url\":\"u\",\"token\":\"(secret)\"}}");
        ChangeException e = assertThrows(ChangeException.class, () -> ConfigDocument.putGateway(files, g));
        assertEquals("BAD_REQUEST", e.code());
    }

    @Test
    void putReplacesTheFileWithTheIdAndDeleteRemovesIt() throws Exception {
        SortedMap<String, String> out = ConfigDocument.put(files, "devices",
                JSON.readTree("{\"id\":\"wl-001\",\"profile\":\"p\",\"pollIntervalMs\":900}"));
        assertTrue(out.get("devices/wl.json").contains("900"), "the existing file, found by its id");
        assertNull(out.get("devices/wl-001.json"));
        SortedMap<String, String> added = ConfigDocument.put(files, "devices", JSON.readTree("{\"id\":\"new-1\"}"));
        assertTrue(added.containsKey("devices/new-1.json"));
        assertFalse(ConfigDocument.delete(files, "devices", "wl-001").containsKey("devices/wl.json"));
        assertEquals("NOT_FOUND", assertThrows(ChangeException.class,
                () -> ConfigDocument.delete(files, "profiles", "nope")).code());
        assertEquals("BAD_REQUEST", assertThrows(ChangeException.class,
                () -> ConfigDocument.put(files, "devices", JSON.readTree("{\"id\":\"a b\"}"))).code());
    }

    @Test
    void aWholeSetNamesOnlyConfigurationFiles() throws Exception {
        assertEquals("BAD_REQUEST", assertThrows(ChangeException.class, () -> ConfigDocument.whole(files,
                JSON.readTree("{\"keys/gateway.key.pem\":{}}"))).code());
        SortedMap<String, String> out = ConfigDocument.whole(files, JSON.readTree("{\"devices/x.json\":{\"id\":\"x\"}}"));
        assertEquals(java.util.Set.of("gateway.json", "devices/x.json"), out.keySet(), "profiles and devices exactly as given");
    }

    @Test
    void theDigestFollowsTheFiles() {
        String d = FileSetDigest.of(files);
        assertTrue(d.matches("[0-9a-f]{64}"));
        assertEquals(d, FileSetDigest.of(new TreeMap<>(files)), "order of the map does not matter");
        Map<String, String> changed = new TreeMap<>(files);
        changed.put("profiles/p.json", "{\"id\":\"p\",\"protocol\":\"gpio\"}");
        assertNotEquals(d, FileSetDigest.of(changed));
        // a file's text moved into its name does not collide: lengths are part of the digest
        assertNotEquals(FileSetDigest.of(Map.of("a", "bc")), FileSetDigest.of(Map.of("ab", "c")));
    }

}
