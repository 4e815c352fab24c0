package org.tidegate.pipeline.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import org.tidegate.pipeline.MessageKind;
import org.tinylog.Logger;

/**
 * What a shutdown could not hand to the outbox, kept for the next start: {@code HOME/data/pipeline-pending}
 * (docs/edge-rules.md, "Shutdown and a full disk").
 *
 * <p>The file has a fixed size ({@link #CAPACITY}) and is <em>written full of zeros when the pipeline starts</em>,
 * while there is space: at shutdown, when the disk may be full, saving messages overwrites blocks the file
 * already owns and needs no new space. Layout: a 512-byte header ({@code "TGPP"}, version, record count, data
 * length, count of messages lost at shutdown, CRC32 of the data, CRC32 of the header) and from offset 512 the
 * records ({@code kind, priority, device, body}). A save writes the data, forces it to disk, then writes the
 * header and forces again, so a power cut in between leaves the previous header, whose data CRC no longer
 * matches: the file then reads as empty and the damage is logged. Bodies are plain JSON (as before sealing);
 * the file is owner-only (0600).
 */
public final class PendingFile {
    /** The file's size: about 2 000 alarm bodies, or a few thousand telemetry bodies. */
    public static final int CAPACITY = 1 << 20;
    public static final String NAME = "pipeline-pending";
    private static final int HEADER = 512;
    private static final int MAGIC = 0x54475050; // "TGPP"
    private static final int VERSION = 1;

    /** One kept message: a body the outbox has not stored durably. */
    public record Entry(MessageKind kind, String device, int priority, byte[] body) {
        public Entry {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(body);
        }

        boolean urgent() {
            return kind == MessageKind.ALARM;
        }

        int size() {
            return 2 + 2 + (device == null ? 0 : device.getBytes(StandardCharsets.UTF_8).length) + 4 + body.length;
        }
    }

    /** What a save kept and what it could not. */
    public record Saved(int alarmsKept, int routineKept, int alarmsLost, int routineLost) {
    }

    private final Path path;
    private final List<Entry> entries;
    private final long lost;
    private long allocated;

    private PendingFile(Path path, List<Entry> entries, long lost, long allocated) {
        this.path = path;
        this.entries = entries;
        this.lost = lost;
        this.allocated = allocated;
    }

    /**
     * Reads what the previous shutdown kept, then makes sure the file owns {@link #CAPACITY} bytes on disk. Never
     * throws: an unreadable file reads as empty (logged), a file that cannot be reserved is used as far as it goes.
     */
    public static PendingFile open(Path path) {
        List<Entry> entries = new ArrayList<>();
        long lost = 0;
        long size = 0;
        try {
            Files.createDirectories(path.getParent());
            if (Files.exists(path)) {
                size = Files.size(path);
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                    lost = read(ch, size, entries, path);
                }
            }
        } catch (IOException | RuntimeException e) {
            Logger.error("pipeline: {} unreadable ({}): messages kept by the last shutdown, if any, are lost", path,
                    e.getMessage());
            entries.clear();
        }
        PendingFile f = new PendingFile(path, entries, lost, size);
        f.reserve();
        return f;
    }

    /** Messages the previous shutdown kept (alarms first), to be handed to the outbox now. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Messages previous shutdowns could not keep and no status message has reported yet. */
    public long lost() {
        return lost;
    }

    public Path path() {
        return path;
    }

    /** Bytes the file owns on disk: what a save can write without new space. */
    public long allocated() {
        return allocated;
    }

    /**
     * Writes the file full (zeros beyond what it holds), so later saves need no new space. Failures (disk already
     * full) are logged; the next save still tries, with more room if the disk has it by then.
     */
    public synchronized void reserve() {
        if (allocated >= CAPACITY) {
            return;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            setOwnerOnly();
            long pos = Math.max(allocated, 0);
            ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
            while (pos < CAPACITY) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), CAPACITY - pos));
                while (zeros.hasRemaining()) {
                    pos += ch.write(zeros, pos);
                }
                allocated = pos;
            }
            ch.force(true);
        } catch (IOException e) {
            Logger.warn("pipeline: cannot reserve {} ({} of {} bytes): {}; a shutdown while the disk is full can keep"
                    + " fewer messages", path, allocated, CAPACITY, e.getMessage());
        }
    }

    /**
     * Replaces the file's content: alarms first, then routine messages while they fit; the rest is counted as lost,
     * added to {@code lostBefore}. Forced to disk before it returns.
     */
    public synchronized Saved save(List<Entry> alarms, List<Entry> routine, long lostBefore) {
        int room = (int) Math.max(Math.min(Math.max(allocated, HEADER), CAPACITY) - HEADER, 0);
        if (!alarms.isEmpty()) {
            // Alarms are written even beyond the reserved room if the disk takes them (then up to CAPACITY).
            int need = alarms.stream().mapToInt(Entry::size).sum();
            room = Math.max(room, Math.min(need, CAPACITY - HEADER));
        }
        ByteBuffer data = ByteBuffer.allocate(room);
        int alarmsKept = 0;
        int routineKept = 0;
        for (Entry e : alarms) {
            if (e.size() > data.remaining()) {
                break;
            }
            put(data, e);
            alarmsKept++;
        }
        for (Entry e : routine) {
            if (e.size() > data.remaining()) {
                break;
            }
            put(data, e);
            routineKept++;
        }
        int alarmsLost = alarms.size() - alarmsKept;
        int routineLost = routine.size() - routineKept;
        long lostTotal = lostBefore + alarmsLost + routineLost;
        try {
            write(data, alarmsKept + routineKept, lostTotal);
            return new Saved(alarmsKept, routineKept, alarmsLost, routineLost);
        } catch (IOException e) {
            Logger.error("pipeline: cannot write {}: {}", path, e.getMessage());
            return new Saved(0, 0, alarms.size(), routine.size());
        }
    }

    /** Empties the file (keeping {@code lost} for the next status message), forced to disk. */
    public synchronized void clear(long lost) {
        try {
            write(ByteBuffer.allocate(0), 0, lost);
        } catch (IOException e) {
            Logger.error("pipeline: cannot clear {}: {}; its messages may be handed to the outbox again at the next"
                    + " start", path, e.getMessage());
        }
    }

    private void write(ByteBuffer data, int count, long lostTotal) throws IOException {
        data.flip();
        CRC32 dataCrc = new CRC32();
        dataCrc.update(data.duplicate());
        int length = data.remaining();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            setOwnerOnly();
            long pos = HEADER;
            while (data.hasRemaining()) {
                pos += ch.write(data, pos);
            }
            ch.force(false);
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            h.putInt(MAGIC).putInt(VERSION).putInt(count).putInt(length).putLong(lostTotal)
                    .putInt((int) dataCrc.getValue());
            CRC32 headerCrc = new CRC32();
            headerCrc.update(h.array(), 0, h.position());
            h.putInt((int) headerCrc.getValue());
            h.clear();
            while (h.hasRemaining()) {
                ch.write(h, h.position());
            }
            ch.force(false);
            allocated = Math.max(allocated, ch.size());
        }
    }

    private static void put(ByteBuffer b, Entry e) {
        b.put((byte) e.kind().ordinal());
        b.put((byte) e.priority());
        if (e.device() == null) {
            b.putShort((short) -1);
        } else {
            byte[] d = e.device().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) d.length);
            b.put(d);
        }
        b.putInt(e.body().length);
        b.put(e.body());
    }

    private static long read(FileChannel ch, long size, List<Entry> out, Path path) throws IOException {
        if (size < HEADER) {
            return 0;
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        while (h.hasRemaining() && ch.read(h, h.position()) >= 0) {
            // read the header fully
        }
        h.flip();
        int magic = h.getInt();
        if (magic == 0) {
            return 0; // reserved, never written
        }
        int version = h.getInt();
        int count = h.getInt();
        int length = h.getInt();
        long lost = h.getLong();
        int dataCrc = h.getInt();
        CRC32 headerCrc = new CRC32();
        headerCrc.update(h.array(), 0, h.position());
        int storedHeaderCrc = h.getInt();
        if (magic != MAGIC || version != VERSION || storedHeaderCrc != (int) headerCrc.getValue() || length < 0
                || length > size - HEADER || count < 0) {
            Logger.error("pipeline: {} has a damaged header: messages kept by the last shutdown, if any, are lost",
                    path);
            return 0;
        }
        ByteBuffer data = ByteBuffer.allocate(length);
        while (data.hasRemaining() && ch.read(data, HEADER + data.position()) >= 0) {
            // read the data fully
        }
        data.flip();
        CRC32 crc = new CRC32();
        crc.update(data.duplicate());
        if ((int) crc.getValue() != dataCrc) {
            Logger.error("pipeline: {}: {} kept message(s) damaged (a power cut while saving?): lost", path, count);
            return lost + count;
        }
        MessageKind[] kinds = MessageKind.values();
        for (int i = 0; i < count; i++) {
            MessageKind kind = kinds[data.get()];
            int priority = data.get();
            short dl = data.getShort();
            String device = null;
            if (dl >= 0) {
                byte[] d = new byte[dl];
                data.get(d);
                device = new String(d, StandardCharsets.UTF_8);
            }
            byte[] body = new byte[data.getInt()];
            data.get(body);
            out.add(new Entry(kind, device, priority, body));
        }
        return lost;
    }

    private void setOwnerOnly() {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: as the directory allows
        }
    }
}
