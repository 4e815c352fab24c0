package org.tidegate.driver.dlt645.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tidegate.driver.serial.WriteTimeoutException;

/**
 * A TCP serial server that accepts and then never reads (its serial side stuck, its buffer full): a write on the
 * link meets its deadline as a {@link WriteTimeoutException} instead of blocking the poll thread (256 KiB of
 * wake-up bytes are more than the kernel queues for a peer with a 1 KiB receive buffer and the link's
 * {@link TcpLink#SEND_BUFFER}), the link drops the connection, and the next exchange connects anew.
 */
@Timeout(20)
class TcpLinkStuckPeerTest {

    @Test
    void aPeerThatNeverReadsFailsTheWriteByItsDeadline() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(1024);
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(server.accept());
                    }
                } catch (java.io.IOException closed) {
                    // test over
                }
            }, "deaf-serial-server");
            acceptor.setDaemon(true);
            acceptor.start();

            TcpLink link = new TcpLink("127.0.0.1", server.getLocalPort(), 500, 1000, () -> { });
            byte[] wakeUp = new byte[256 * 1024]; // FE, the wake-up preamble meters ignore: harmless on any line
            java.util.Arrays.fill(wakeUp, (byte) 0xFE);
            long t0 = System.nanoTime();
            WriteTimeoutException e = assertThrows(WriteTimeoutException.class, () -> link.exchange(w -> {
                w.write(wakeUp, 0, wakeUp.length, 200);
                return null;
            }));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 190 && ms < 1500, "the write gave up after " + ms + " ms, deadline 200: " + e.getMessage());
            assertTrue(e.getMessage().contains("write timed out"), e.getMessage());

            byte[] small = {(byte) 0xFE, (byte) 0xFE};
            link.exchange(w -> {
                w.write(small, 0, small.length, 200);
                return null;
            });
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (accepted.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, accepted.size(), "the link reconnected after the stalled write");
            System.out.printf("stuck serial server: write of %d bytes gave up after %d ms (deadline 200 ms), link reconnected%n",
                    wakeUp.length, ms);
            link.close();
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
