package org.tidegate.launcher;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The service manager's notify protocol ({@code sd_notify(3)}): one datagram per message to the Unix socket named by
 * {@code NOTIFY_SOCKET}. The JDK has no Unix datagram sockets, so the C library's {@code socket} and {@code sendto}
 * are called through JNA (whose native part ships for amd64, arm64 and armhf inside its jar); libsystemd is not
 * needed. Without {@code NOTIFY_SOCKET} (not under systemd, or {@code Type=simple}) every call does nothing.
 */
final class SystemdNotifier implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** {@code sizeof(struct sockaddr_un.sun_path)} on Linux. */
    private static final int SUN_PATH = 108;

    /** The calls of the C library this needs. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol);

        NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrLen);

        int close(int fd);
    }

    private final String socketPath;
    private final byte[] address;
    private LibC libc;
    private int fd = -1;
    private String lastError = "";

    /** @param socketPath the value of {@code NOTIFY_SOCKET}; null or empty: nothing is sent */
    SystemdNotifier(String socketPath) {
        this.socketPath = socketPath == null || socketPath.isEmpty() ? null : socketPath;
        this.address = this.socketPath == null ? null : sockaddr(this.socketPath);
    }

    /** From the environment. */
    static SystemdNotifier fromEnvironment() {
        return new SystemdNotifier(System.getenv("NOTIFY_SOCKET"));
    }

    boolean enabled() {
        return socketPath != null;
    }

    /** Why the last send failed ("" if it did not). */
    synchronized String lastError() {
        return lastError;
    }

    /**
     * Sends one message ({@code READY=1}, {@code WATCHDOG=1}, {@code STATUS=...}, several separated by newlines).
     *
     * @return whether it was sent (false when disabled or on a failure, which {@link #lastError()} tells)
     */
    synchronized boolean send(String message) {
        if (address == null) {
            return false;
        }
        try {
            if (fd < 0) {
                libc = Native.load("c", LibC.class);
                fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd < 0) {
                    lastError = "socket(AF_UNIX, SOCK_DGRAM) failed: errno " + Native.getLastError();
                    return false;
                }
            }
            byte[] data = message.getBytes(StandardCharsets.UTF_8);
            long n = libc.sendto(fd, data, new NativeLong(data.length), MSG_NOSIGNAL, address, address.length).longValue();
            if (n != data.length) {
                lastError = "sendto " + socketPath + " failed: errno " + Native.getLastError();
                return false;
            }
            lastError = "";
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            lastError = "cannot call the C library through JNA: " + e;
            return false;
        }
    }

    /** {@code struct sockaddr_un} for a path; a leading '@' names the abstract namespace (a NUL byte there). */
    static byte[] sockaddr(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = p.length > 0 && p[0] == '@';
        if (p.length >= SUN_PATH) {
            throw new IllegalArgumentException("NOTIFY_SOCKET path longer than " + (SUN_PATH - 1) + " bytes: " + path);
        }
        byte[] out = new byte[2 + p.length + (abstractName ? 0 : 1)];
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            out[0] = AF_UNIX;
        } else {
            out[1] = AF_UNIX;
        }
        System.arraycopy(p, 0, out, 2, p.length);
        if (abstractName) {
            out[2] = 0;
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            libc.close(fd);
            fd = -1;
        }
    }
}
