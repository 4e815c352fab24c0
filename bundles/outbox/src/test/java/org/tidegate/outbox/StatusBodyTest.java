package org.tidegate.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.store.QueueStats;

class StatusBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DeviceHealth WL = new DeviceHealth("wl-001", "down", 10, 4, 1, 90, 300, "level timeout", 80);
    private static final DeviceHealth PM = new DeviceHealth("pm-001", "up", 10, 0, 0, 91, 20, "", 0);

    private static QueueStats stats() {
        return new QueueStats(new long[] {0, 0, 0, 0, 10, 1, 0, 0, 0, 2}, 13, 4096, 1, 5000, 20, 7, 1,
                Map.of("capacity-bytes", 3L, "max-age", 1L), 0, true, "");
    }

    @Test
    void onlineBodyWithQueueDevicesAndProviders() throws Exception {
        StatusProvider ok = new StatusProvider() {
            public String name() {
                return "pipeline";
            }

            public Map<String, Object> status() {
                return Map.of("alarms", 1L, "activeAlarms", Map.of("wl-001", Set.of("level_warning")));
            }
        };
        StatusProvider broken = new StatusProvider() {
            public String name() {
                return "broken";
            }

            public Map<String, Object> status() {
                throw new IllegalStateException("no");
            }
        };
        JsonNode n = JSON.readTree(StatusBody.state("gw", "online", 99).put("version", "1.0").queue(stats())
                .devices(List.of(WL, PM), null).providers(List.of(ok, broken)).toBytes());
        assertEquals("gw", n.get("gateway").asText());
        assertEquals("online", n.get("state").asText());
        assertEquals(99, n.get("t").asLong());
        assertEquals("1.0", n.get("version").asText());
        JsonNode q = n.get("queue");
        assertEquals(13, q.get("messages").asLong());
        assertEquals(10, q.get("byPriority").size());
        assertEquals(2, q.get("byPriority").get(9).asLong());
        assertEquals(3, q.get("evicted").get("capacity-bytes").asLong());
        assertEquals(4, q.get("evictedTotal").asLong());
        assertEquals(20, q.get("appended").asLong());
        assertTrue(q.get("storageAvailable").asBoolean());
        assertFalse(q.has("storageError"));
        assertFalse(q.get("diskFull").asBoolean());
        assertEquals(0, q.get("refused").asLong());
        JsonNode full = JSON.readTree(StatusBody.periodic("gw", 1).queue(new QueueStats(new long[10], 0, 0, 0, 0, 5, 0, 0,
                Map.of(), 1, false, "database or disk is full", QueueStats.Damage.NONE, new QueueStats.Disk(true, 1000, 2500, 7)))
                .toBytes()).get("queue");
        assertTrue(full.get("diskFull").asBoolean());
        assertEquals(1000, full.get("diskFullSince").asLong());
        assertEquals(2500, full.get("diskFullMs").asLong());
        assertEquals(7, full.get("refused").asLong());
        JsonNode d = n.get("devices").get(0);
        assertEquals("wl-001", d.get("device").asText());
        assertEquals("level timeout", d.get("lastError").asText());
        assertEquals(80, d.get("lastErrorAt").asLong());
        assertEquals(300, d.get("lastPollMs").asLong());
        assertFalse(d.has("alarms"), "the uplink does not know alarms");
        assertEquals("", n.get("devices").get(1).get("lastError").asText());
        assertEquals(1, n.get("pipeline").get("alarms").asLong());
        assertEquals("level_warning", n.get("pipeline").get("activeAlarms").get("wl-001").get(0).asText());
        assertFalse(n.has("broken"));
    }

    @Test
    void queueEntryReportsWhatDamagedFilesCost() throws Exception {
        JsonNode q = JSON.readTree(StatusBody.periodic("gw", 5).queue(stats()).toBytes()).get("queue");
        assertEquals(0, q.get("salvaged").asLong());
        assertEquals(0, q.get("lost").asLong());
        assertFalse(q.has("movedAside"));
        assertFalse(q.has("mayBeLost"));
        QueueStats s = stats();
        QueueStats damaged = new QueueStats(s.depthByPriority(), s.messages(), s.bytes(), s.inFlight(),
                s.oldestAgeMillis(), s.appended(), s.delivered(), s.redelivered(), s.evicted(), s.heldInMemory(),
                s.storageAvailable(), s.storageError(), new QueueStats.Damage(26, 4, true, "queue.db.corrupt-x",
                new QueueStats.Range(8, 23, 1008, 1023)));
        q = JSON.readTree(StatusBody.periodic("gw", 5).queue(damaged).toBytes()).get("queue");
        assertEquals(26, q.get("salvaged").asLong());
        assertEquals(4, q.get("lost").asLong());
        assertTrue(q.get("lostAtLeast").asBoolean());
        assertEquals("queue.db.corrupt-x", q.get("movedAside").asText());
        assertEquals(8, q.get("mayBeLost").get("ids").get(0).asLong());
        assertEquals(23, q.get("mayBeLost").get("ids").get(1).asLong());
        assertEquals(1008, q.get("mayBeLost").get("sequences").get(0).asLong());
        assertEquals(1023, q.get("mayBeLost").get("sequences").get(1).asLong());
    }

    @Test
    void periodicBodyCarriesAlarmsPerDevice() throws Exception {
        JsonNode n = JSON.readTree(StatusBody.periodic("gw", 5)
                .devices(List.of(WL, PM), Map.of("wl-001", Set.of("level_warning")))
                .queue(Map.of("available", false)).section("pipeline", Map.of("dropped", 0L)).toBytes());
        assertEquals("status", n.get("kind").asText());
        assertFalse(n.has("state"));
        assertEquals("level_warning", n.get("devices").get(0).get("alarms").get(0).asText());
        assertEquals(0, n.get("devices").get(1).get("alarms").size());
        assertFalse(n.get("queue").get("available").asBoolean());
        assertEquals(0, n.get("pipeline").get("dropped").asLong());
    }
}
