package org.tidegate.cloud.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `tidegate command ... config put-device FILE`: a bad FILE is named with what is wrong with it. */
class ManagementCommandsTest {
    @TempDir
    Path dir;

    private String refusal(Path file) {
        IOException e = assertThrows(IOException.class, () -> ManagementCommands.body(
                List.of("config", "put-device", file.toString()), "1", "req-1"));
        return e.getMessage();
    }

    @Test
    void aMissingFileIsSaidToBeMissing() {
        Path f = dir.resolve("missing.json");
        assertEquals(f + ": no such file", refusal(f));
    }

    @Test
    void aTruncatedFileNamesItselfAndWhere() throws IOException {
        Path f = Files.writeString(dir.resolve("cut.json"), "{ \"id\": \"wl-001\", \"profile\": ");
        String m = refusal(f);
        assertTrue(m.startsWith(f + ": not valid JSON: line 1, column "), m);
        assertTrue(!m.contains("REDACTED") && !m.contains("[Source"), m);
    }

    @Test
    void aValidFileBecomesTheRequest() throws Exception {
        Path f = Files.writeString(dir.resolve("wl-001.json"), "{ \"id\": \"wl-001\", \"profile\": \"p\" }");
        String body = new String(ManagementCommands.body(List.of("config", "put-device", f.toString()), "7", "r"),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(body.contains("\"baseRevision\":7") && body.contains("\"wl-001\""), body);
    }
}
