package org.tidegate.driver.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every blocking call of {@link SocketLine} and {@link SocketListener} ends by its deadline, against real sockets. */
class SocketLineTest {

    /** A peer that accepts and never reads, with the smallest receive window the kernel allows. */
    private static ServerSocket deafPeer() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReceiveBufferSize(1024);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        return s;
    }

    @Test
    void writeToAPeerThatNeverReadsFailsByItsDeadline() throws Exception {
        try (ServerSocket server = deafPeer()) {
            SocketLine line = SocketLine.connect("127.0.0.1", server.getLocalPort(), 1000);
            try (Socket held = server.accept()) {
                line.sendBuffer(4096);
                byte[] big = new byte[4 << 20];
                long t0 = System.nanoTime();
                WriteTimeoutException e = assertThrows(WriteTimeoutException.class, () -> line.write(big, 0, big.length, 200));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 190 && ms < 1500, "write gave up after " + ms + " ms, deadline 200");
                assertTrue(e.getMessage().contains("of " + big.length + " bytes in 200 ms"), e.getMessage());
                assertFalse(line.isOpen(), "a timed-out write closes the line");
                assertThrows(IOException.class, () -> line.write(new byte[1], 0, 1, 100));
            }
        }
    }

    @Test
    void readWaitsAtMostItsTimeoutAndSeesThePeerClose() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             SocketLine line = SocketLine.connect("127.0.0.1", server.getLocalPort(), 1000);
             Socket peer = server.accept()) {
            byte[] buf = new byte[16];
            long t0 = System.nanoTime();
            assertEquals(0, line.read(buf, 0, buf.length, 100));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 95 && ms < 1000, "read waited " + ms + " ms, timeout 100");

            peer.getOutputStream().write(new byte[] {1, 2, 3});
            peer.getOutputStream().flush();
            int n = line.read(buf, 0, buf.length, 1000);
            assertArrayEquals(new byte[] {1, 2, 3}, java.util.Arrays.copyOf(buf, n));

            peer.getOutputStream().write(new byte[] {9, 9});
            peer.getOutputStream().flush();
            Thread.sleep(50);
            assertEquals(2, line.discardInput());
            line.write(new byte[] {7}, 0, 1, 500);
            assertEquals(7, peer.getInputStream().read());

            peer.close();
            IOException closed = assertThrows(IOException.class, () -> line.read(buf, 0, buf.length, 1000));
            assertTrue(closed.getMessage().contains("closed the connection"), closed.getMessage());
        }
    }

    @Test
    void connectToAClosedPortFailsAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        assertThrows(IOException.class, () -> SocketLine.connect("127.0.0.1", port, 2000));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1500);
    }

    @Test
    void acceptWaitsAtMostItsTimeoutAndEndsOnClose() throws Exception {
        SocketListener listener = SocketListener.bind("127.0.0.1", 0);
        long t0 = System.nanoTime();
        assertNull(listener.accept(100));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 95 && ms < 1000, "accept waited " + ms + " ms, timeout 100");

        try (Socket client = new Socket("127.0.0.1", listener.localPort())) {
            SocketLine accepted = listener.accept(1000);
            client.getOutputStream().write(5);
            byte[] b = new byte[1];
            assertEquals(1, accepted.read(b, 0, 1, 1000));
            assertEquals(5, b[0]);
            accepted.close();
        }

        CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept(30_000);
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(100);
        listener.close();
        Object outcome = waiting.get(2, TimeUnit.SECONDS);
        assertTrue(outcome instanceof IOException, "accept after close: " + outcome);
    }
}
