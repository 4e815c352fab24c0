package org.tidegate.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.tidegate.config.HomeFiles;
import org.tidegate.config.HomeSwitch;
import org.tinylog.Logger;

/**
 * The revisions of a home's configuration, under {@code HOME/management/}: {@code state.json} (the revision in force,
 * its digest, the highest number handed out) and the last {@value #KEEP} snapshots ({@code snapshots/rNNNNNNNNNN.json},
 * each the complete file set with its SM3 digest). Every file is written atomically (temporary file, fsync, rename).
 *
 * <p>The files on disk are the truth; the state follows them ({@link #observe}): when their digest differs from the
 * revision in force, either a committed switch's snapshot matches (the crash fell between commit and state update)
 * or someone edited the files on the gateway, which is a new revision of source {@code local}.
 */
final class RevisionStore {
    static final int KEEP = 10;
    static final String DIR = "management";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final Path dir;
    private final Path snapshots;
    private long revision;
    private String digest = "";
    private long lastNumber;

    RevisionStore(Path home) throws IOException {
        this.home = home;
        this.dir = home.resolve(DIR);
        this.snapshots = dir.resolve("snapshots");
        Files.createDirectories(snapshots);
        Path state = dir.resolve("state.json");
        if (Files.exists(state)) {
            JsonNode s = JSON.readTree(state.toFile());
            revision = s.path("revision").asLong();
            digest = s.path("digest").asText("");
            lastNumber = Math.max(revision, s.path("lastRevision").asLong());
        }
        for (Snapshot snap : list()) {
            lastNumber = Math.max(lastNumber, snap.revision());
            if (snap.state().equals("trial") && !HomeSwitch.armed(home)) {
                // its switch was recovered (rolled back) at start, or is adopted below by observe()
                if (!snap.digest().equals(FileSetDigest.of(HomeFiles.read(home)))) {
                    save(snap.withState("failed", "interrupted during its apply or trial (crash or power cut)"));
                    Logger.warn("management: revision {} was interrupted during its trial; the previous revision stands",
                            snap.revision());
                }
            }
        }
    }

    synchronized long revision() {
        return revision;
    }

    synchronized String digest() {
        return digest;
    }

    /** A new, never used revision number. */
    synchronized long allocate() throws IOException {
        lastNumber++;
        writeState();
        return lastNumber;
    }

    /**
     * Brings the state in line with the files on disk. Not while a switch is armed (its files are in flux).
     *
     * @return the revision in force
     */
    synchronized long observe() throws IOException {
        if (HomeSwitch.armed(home)) {
            return revision;
        }
        SortedMap<String, String> files = HomeFiles.read(home);
        String d = FileSetDigest.of(files);
        if (d.equals(digest)) {
            return revision;
        }
        Optional<Snapshot> committedLate = list().stream()
                .filter(s -> s.revision() > revision && s.digest().equals(d) && s.state().equals("trial"))
                .reduce((a, b) -> b);
        if (committedLate.isPresent()) {
            Snapshot s = committedLate.get();
            save(s.withState("committed", "trial completed; adopted at start"));
            setCurrent(s.revision(), d);
            Logger.info("management: revision {} had completed its trial: in force", s.revision());
            return revision;
        }
        long n = allocate();
        Snapshot s = Snapshot.of(n, revision == 0 ? "initial" : "local", 0, "", files).withState("committed",
                revision == 0 ? "" : "configuration files changed on the gateway");
        save(s);
        setCurrent(n, d);
        Logger.info("management: configuration revision {} ({}; digest {})", n, s.source(), d.substring(0, 16));
        return revision;
    }

    synchronized void setCurrent(long rev, String dig) throws IOException {
        revision = rev;
        digest = dig;
        lastNumber = Math.max(lastNumber, rev);
        writeState();
        prune();
    }

    synchronized void save(Snapshot s) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("revision", s.revision());
        n.put("digest", s.digest());
        n.put("createdAt", s.createdAt());
        n.put("source", s.source());
        n.put("state", s.state());
        n.put("command", s.command());
        n.put("signer", s.signer());
        n.put("note", s.note());
        ObjectNode f = n.putObject("files");
        s.files().forEach(f::put);
        HomeSwitch.writeAtomically(snapshots.resolve(name(s.revision())), n.toString());
    }

    synchronized Optional<Snapshot> get(long rev) throws IOException {
        Path p = snapshots.resolve(name(rev));
        return Files.exists(p) ? Optional.of(read(p)) : Optional.empty();
    }

    /** Every kept snapshot, oldest first. */
    synchronized List<Snapshot> list() throws IOException {
        List<Snapshot> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(snapshots)) {
            for (Path p : s.filter(x -> x.getFileName().toString().matches("r\\d{10}\\.json")).sorted().toList()) {
                try {
                    out.add(read(p));
                } catch (IOException e) {
                    Logger.warn("management: snapshot {} unreadable: {}", p, e.getMessage());
                }
            }
        }
        return out;
    }

    /** Keeps the last {@value #KEEP} snapshots and always the one in force. */
    private void prune() throws IOException {
        List<Snapshot> all = list();
        for (int i = 0; i < all.size() - KEEP; i++) {
            if (all.get(i).revision() != revision) {
                Files.deleteIfExists(snapshots.resolve(name(all.get(i).revision())));
            }
        }
    }

    private static Snapshot read(Path p) throws IOException {
        JsonNode n = JSON.readTree(p.toFile());
        SortedMap<String, String> files = new TreeMap<>();
        n.path("files").fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText()));
        return new Snapshot(n.path("revision").asLong(), n.path("digest").asText(), n.path("createdAt").asLong(),
                n.path("source").asText(), n.path("state").asText(), n.path("command").asLong(),
                n.path("signer").asText(), n.path("note").asText(), files);
    }

    private void writeState() throws IOException {
        ObjectNode s = JSON.createObjectNode();
        s.put("revision", revision);
        s.put("digest", digest);
        s.put("lastRevision", lastNumber);
        HomeSwitch.writeAtomically(dir.resolve("state.json"), s.toString());
    }

    private static String name(long rev) {
        return String.format("r%010d.json", rev);
    }

    Path dir() {
        return dir;
    }

    static Map<String, String> copy(Map<String, String> m) {
        return new TreeMap<>(m);
    }
}
