package org.tidegate.driver.dlt645;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tidegate.core.config.DeviceSchema;
import org.tidegate.core.model.Device;
import org.tidegate.core.model.Quality;
import org.tidegate.core.model.Sample;
import org.tidegate.core.pipeline.DeviceHealth;
import org.tidegate.core.pipeline.SampleBatch;
import org.tidegate.core.poll.DevicePoller;
import org.tidegate.driver.dlt645.codec.BcdFormat;
import org.tidegate.driver.dlt645.codec.Control;
import org.tidegate.driver.dlt645.codec.Dlt645;
import org.tidegate.driver.dlt645.codec.Frame;
import org.tidegate.driver.dlt645.codec.MeterAddress;
import org.tidegate.driver.dlt645.meter.MeterBus;
import org.tidegate.driver.dlt645.meter.SimulatedMeter;
import org.tidegate.driver.serial.SerialBuses;

/**
 * A meter behind a TCP serial server whose network-to-serial side is stuck (it accepts, then never reads), polled the
 * way the gateway polls it: {@link DevicePoller#pollOnce()} on a session of {@link Dlt645Driver}. Once the kernel
 * buffers between them are full (the server's receive buffer is 1 KiB), the poll's request write meets its
 * deadline: the poll returns within it, the channel's sample of that poll is {@code bad} with the reason
 * ({@code timeout: ... write timed out ...}), the device's health counts one {@code timeout} fault and is
 * {@code down}, and the next poll, to a serial server that reads again, connects anew and is good.
 *
 * <p>The stuck server keeps sending the meter's reply (its serial-to-network side still works): the polls before the
 * stall are then answered at once, so the few hundred 20-byte requests that fill about 9 KiB of kernel buffers take
 * about 3 s. A server that answered nothing would make each of them wait its whole reply timeout (100 ms: 10 ms plus
 * the request's 92 ms at 2400 baud), half a minute in all.
 */
@Timeout(30)
class StuckSerialServerPollTest {
    static final MeterAddress METER = new MeterAddress("123456789012");
    static final int POWER = 0x02030000;
    static final BcdFormat KW = BcdFormat.parse("XX.XXXX", true);
    static final long TIMEOUT_MS = 10;
    /** The request's deadline: the timeout plus its 20 bytes (4 preamble, 16 frame) at 2400 8E1, 11 bits each. */
    static final long DEADLINE_MS = TIMEOUT_MS + 20 * 11 * 1000 / 2400;
    /** Slack for a loaded CI machine: a write without a deadline would never return. */
    static final long SLACK_MS = 1500;

    @Test
    void aPollToAStuckSerialServerEndsAtTheWriteDeadlineAndIsCountedBadAndReconnects() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        ServerSocket deaf = new ServerSocket();
        deaf.setReceiveBufferSize(1024);
        deaf.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = deaf.getLocalPort();
        Thread server = new Thread(() -> serveDeaf(deaf, accepted), "stuck-serial-server");
        server.setDaemon(true);
        server.start();

        Device device = DeviceSchema.decode("em-1.json", "{\"id\":\"em-1\",\"protocol\":\"dlt645\",\"timeoutMs\":" + TIMEOUT_MS
                + ",\"retries\":0,\"pollIntervalMs\":1000,\"connection\":{\"transport\":\"tcp\",\"host\":\"127.0.0.1\",\"port\":" + port
                + ",\"address\":\"" + METER + "\"},\"channels\":[{\"id\":\"p\",\"address\":\"02030000\",\"format\":\"XX.XXXX\",\"unit\":\"kW\"}]}",
                new Dlt645Schema());
        List<SampleBatch> delivered = new CopyOnWriteArrayList<>();
        MeterBus reading = null;
        try (Dlt645Driver driver = new Dlt645Driver(new SerialBuses());
             DevicePoller poller = new DevicePoller(device, () -> driver.open(device), () -> List.of(delivered::add))) {
            int goodPolls = 0;
            long fillStart = System.nanoTime();
            long fillEnd = fillStart + 20_000_000_000L;
            SampleBatch stalled = null;
            long stalledMs = 0;
            while (stalled == null) {
                assertTrue(System.nanoTime() < fillEnd, "no write stalled after " + goodPolls + " good polls");
                long t0 = System.nanoTime();
                SampleBatch b = poller.pollOnce();
                long ms = (System.nanoTime() - t0) / 1_000_000L;
                assertEquals(1, b.samples().size(), "one sample per poll, good or bad");
                if (b.samples().get(0).isGood()) {
                    goodPolls++;
                } else {
                    stalled = b;
                    stalledMs = ms;
                }
            }
            long fillMs = (System.nanoTime() - fillStart) / 1_000_000L;
            Sample bad = stalled.samples().get(0);
            assertTrue(goodPolls > 10, "the buffers filled only after many requests, not at once: " + goodPolls);
            assertEquals(Quality.BAD, bad.quality(), bad.toString());
            assertNull(bad.value(), "a bad sample carries no value (no stale one)");
            assertTrue(bad.detail().startsWith("timeout: ") && bad.detail().contains("write timed out"),
                    "the stall is the request's write, counted as a timeout: " + bad.detail());
            assertTrue(stalledMs >= DEADLINE_MS - 15, "the write waited for its deadline (" + DEADLINE_MS + " ms): " + stalledMs + " ms");
            assertTrue(stalledMs <= DEADLINE_MS + SLACK_MS, "the poll ended at the write deadline (" + DEADLINE_MS + " ms): " + stalledMs + " ms");
            assertEquals(goodPolls + 1, delivered.size(), "every poll's batch reached the sinks, the stalled one too");
            assertTrue(delivered.get(delivered.size() - 1) == stalled, "the stalled poll's batch was delivered");

            DeviceHealth h = poller.health();
            assertEquals(Map.of("timeout", 1L), h.faults(), "one counted timeout fault, in the device's health");
            assertEquals("down", h.state());
            assertEquals(1, h.failedPolls());
            assertTrue(h.lastError().startsWith("p timeout: ") && h.lastError().contains("write timed out"), h.lastError());
            assertEquals(1, accepted.size(), "one connection until the stall");

            // The serial server reads again (a fresh one on the same port): the next poll reconnects and is good.
            deaf.close();
            server.join(2000);
            for (Socket s : accepted) {
                s.close();
            }
            SimulatedMeter meter = new SimulatedMeter(METER).value(POWER, KW, "1.2345");
            reading = MeterBus.startTcp("127.0.0.1", port, List.of(meter));
            SampleBatch next = poller.pollOnce();
            Sample good = next.samples().get(0);
            assertTrue(good.isGood(), "the next poll reconnected and read the meter: " + good);
            assertEquals(1.2345, good.numeric(), 1e-9);
            assertEquals(1, meter.reads(), "the reading server got the request");
            h = poller.health();
            assertEquals("up", h.state());
            assertEquals(Map.of("timeout", 1L), h.faults(), "the count stays; nothing more was counted");
            System.out.printf("stuck serial server, poll path: %d good polls filled the buffers in %d ms; the stalled poll"
                    + " took %d ms (write deadline %d ms), counted timeout=1, bad sample; next poll reconnected, good%n",
                    goodPolls, fillMs, stalledMs, DEADLINE_MS);
        } finally {
            deaf.close();
            for (Socket s : accepted) {
                s.close();
            }
            if (reading != null) {
                reading.close();
            }
        }
    }

    /** Accepts connections and never reads them; sends the meter's power reply on each every millisecond. */
    private static void serveDeaf(ServerSocket deaf, List<Socket> accepted) {
        byte[] value = KW.encode(new BigDecimal("1.2345"));
        byte[] data = new byte[4 + value.length];
        System.arraycopy(Dlt645.identifierBytes(POWER), 0, data, 0, 4);
        System.arraycopy(value, 0, data, 4, value.length);
        byte[] reply = new Frame(METER, Control.READ_REPLY, data).encode(0);
        try {
            while (true) {
                Socket s = deaf.accept();
                // each reply goes out at once, as a serial server forwards what its line delivers; with Nagle the
                // replies would wait for an ACK the server's kernel holds back once its receive buffer is full
                s.setTcpNoDelay(true);
                accepted.add(s);
                Thread answers = new Thread(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        while (!s.isClosed()) {
                            out.write(reply);
                            out.flush();
                            Thread.sleep(1);
                        }
                    } catch (IOException | InterruptedException gone) {
                        // the gateway dropped the connection, or the test is over
                    }
                }, "stuck-serial-server-replies");
                answers.setDaemon(true);
                answers.start();
            }
        } catch (IOException closed) {
            // test over
        }
    }
}
