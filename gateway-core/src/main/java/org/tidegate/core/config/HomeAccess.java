package org.tidegate.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Whether the user who runs the gateway can read and write what it must in a home: the one check of file ownership
 * and mode that {@code tidegate validate} and {@code tidegate run} both make (through
 * {@code HomeLoader.check(home, user)}), so a home that validates also starts. {@code run} checks the user it runs
 * as; {@code validate} the user the service will run as ({@link #serviceUser}: the owner of {@code HOME/data}), so
 * a root shell on a board validates what the {@code tidegate} service user will meet.
 *
 * <p>What is checked, with the classic owner / group / others bits (ACLs are not read; root passes everything):
 * the home, {@code profiles/} and {@code devices/} and their files readable; {@code keys/} and every file in it
 * readable (the private key is 0600, so readable means owned by that user); {@code data/} and {@code logs/} and
 * everything in them readable and writable (a {@code tidegate run} as root leaves root-owned files in
 * {@code data/} that the service then cannot open), and so {@code management/} and {@code config-switch/}, where
 * remote configuration changes keep their state. Each problem says the command that fixes it.
 */
public final class HomeAccess {
    /** Bound on the entries looked at under one directory tree (data/ holds ~150: the framework cache). */
    static final int MAX_ENTRIES = 10_000;

    /**
     * A user as the kernel sees it when checking access.
     *
     * @param name   login name (for messages and the suggested commands)
     * @param uid    user id
     * @param gid    primary group id
     * @param groups every group id the user's processes carry (primary and supplementary)
     */
    public record User(String name, int uid, int gid, Set<Integer> groups) {
        public User {
            groups = Set.copyOf(groups);
        }

        public boolean isRoot() {
            return uid == 0;
        }
    }

    private HomeAccess() {
    }

    /** The user this process runs as (effective ids, from {@code /proc/self/status}); null where there is none. */
    public static User currentUser() {
        Path status = Path.of("/proc/self/status");
        try {
            int uid = -1;
            int gid = -1;
            Set<Integer> groups = new HashSet<>();
            for (String line : Files.readAllLines(status)) {
                String[] f = line.split("\\s+");
                if (line.startsWith("Uid:") && f.length > 2) {
                    uid = Integer.parseInt(f[2]);
                } else if (line.startsWith("Gid:") && f.length > 2) {
                    gid = Integer.parseInt(f[2]);
                } else if (line.startsWith("Groups:")) {
                    for (int i = 1; i < f.length; i++) {
                        groups.add(Integer.parseInt(f[i]));
                    }
                }
            }
            if (uid < 0 || gid < 0) {
                return null;
            }
            groups.add(gid);
            String name = nameOf(uid);
            return new User(name == null ? System.getProperty("user.name", String.valueOf(uid)) : name, uid, gid, groups);
        } catch (IOException | RuntimeException e) {
            return null; // not Linux: no check
        }
    }

    /**
     * A user by login name, with the groups {@code /etc/group} gives it.
     *
     * @throws IllegalArgumentException if {@code /etc/passwd} has no such user
     */
    public static User user(String name) {
        for (String[] p : passwd()) {
            if (p[0].equals(name)) {
                int uid = Integer.parseInt(p[2]);
                int gid = Integer.parseInt(p[3]);
                Set<Integer> groups = new HashSet<>();
                groups.add(gid);
                for (String[] g : table(Path.of("/etc/group"))) {
                    if (g.length > 3 && List.of(g[3].split(",")).contains(name)) {
                        groups.add(Integer.parseInt(g[2]));
                    }
                }
                return new User(name, uid, gid, groups);
            }
        }
        throw new IllegalArgumentException("no user \"" + name + "\" in /etc/passwd");
    }

    /**
     * The user a service runs this home as: the owner of {@code HOME/data} (links followed; the Debian package makes
     * it {@code /var/lib/tidegate/data}, owned by {@code tidegate}), else of {@code HOME/keys}, else of the home.
     * Null when that cannot be told (no POSIX file system, or an owner without an account).
     */
    public static User serviceUser(Path home) {
        for (Path p : List.of(home.resolve("data"), home.resolve("keys"), home)) {
            if (Files.exists(p)) {
                try {
                    int uid = (Integer) Files.getAttribute(p, "unix:uid");
                    String name = nameOf(uid);
                    return name == null ? null : user(name);
                } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * Records, as errors on {@code problems}, every file of the home that {@code user} could not read or write as
     * the running gateway must. Files that do not exist are left to the other checks.
     */
    public static void check(Path home, User user, ConfigProblems problems) {
        Path h = home.toAbsolutePath().normalize();
        if (user == null || user.isRoot() || !Files.isDirectory(h)) {
            return;
        }
        Checker c = new Checker(h, user, problems);
        if (!c.need(h, false)) {
            return;
        }
        c.need(h.resolve("gateway.json"), false);
        for (String dir : List.of("profiles", "devices", "keys")) {
            c.tree(h.resolve(dir), false);
        }
        Path data = h.resolve("data");
        if (Files.exists(data)) {
            c.tree(data, true);
        } else {
            c.need(h, true); // run creates data/ here
        }
        // The gateway's own files: the log outside systemd, remote management's snapshots and switch sets.
        for (String dir : List.of("logs", "management", "config-switch")) {
            c.tree(h.resolve(dir), true);
        }
    }

    private static final class Checker {
        private final Path home;
        private final User user;
        private final ConfigProblems problems;

        Checker(Path home, User user, ConfigProblems problems) {
            this.home = home;
            this.user = user;
            this.problems = problems;
        }

        /** Checks {@code root} and, if it is a directory, what is in it (bounded). */
        void tree(Path root, boolean write) {
            if (!Files.exists(root) || !need(root, write) || !Files.isDirectory(root)) {
                return;
            }
            Path real;
            List<Path> entries = new ArrayList<>();
            try {
                real = root.toRealPath(); // data/ and keys/ may be links to /var/lib/tidegate
                try (Stream<Path> s = Files.walk(real)) {
                    s.skip(1).limit(MAX_ENTRIES).forEach(entries::add);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                return; // this process cannot list it either: whoever runs it will be told by the file readers
            }
            int reported = 0;
            for (Path p : entries) {
                // named as the home shows it (keys/gateway.key.pem), fixed where it is
                if (!need(p, root.resolve(real.relativize(p)), write) && ++reported >= 5) {
                    problems.error(name(root), "$", "more files under it have the same problem: fix the whole tree with "
                            + fix(real, root, write, true));
                    return;
                }
            }
        }

        boolean need(Path p, boolean write) {
            return need(p, p, write);
        }

        /**
         * @param shown the path as the home names it (for the problem's file)
         * @return whether {@code user} has the access; records an error otherwise
         */
        boolean need(Path p, Path shown, boolean write) {
            int uid;
            int gid;
            Set<PosixFilePermission> perms;
            try {
                uid = (Integer) Files.getAttribute(p, "unix:uid");
                gid = (Integer) Files.getAttribute(p, "unix:gid");
                perms = Files.getPosixFilePermissions(p);
            } catch (NoSuchFileException e) {
                return true; // a dangling link or a file that went away: the readers report it
            } catch (IOException | UnsupportedOperationException e) {
                return true; // not a POSIX file system: nothing to check
            }
            boolean dir = Files.isDirectory(p);
            PosixFilePermission r;
            PosixFilePermission w;
            PosixFilePermission x;
            if (uid == user.uid()) {
                r = PosixFilePermission.OWNER_READ;
                w = PosixFilePermission.OWNER_WRITE;
                x = PosixFilePermission.OWNER_EXECUTE;
            } else if (user.groups().contains(gid)) {
                r = PosixFilePermission.GROUP_READ;
                w = PosixFilePermission.GROUP_WRITE;
                x = PosixFilePermission.GROUP_EXECUTE;
            } else {
                r = PosixFilePermission.OTHERS_READ;
                w = PosixFilePermission.OTHERS_WRITE;
                x = PosixFilePermission.OTHERS_EXECUTE;
            }
            boolean ok = perms.contains(r) && (!write || perms.contains(w)) && (!dir || perms.contains(x));
            if (!ok) {
                String owner = nameOf(uid);
                problems.error(name(shown), "$", "not " + (write ? "writable" : "readable") + " by " + user.name()
                        + ", who runs the gateway (owner " + (owner == null ? uid : owner) + ", mode "
                        + mode(perms) + "): " + fix(p, shown, write, false));
            }
            return ok;
        }

        private String fix(Path p, boolean write, boolean recursive) {
            return fix(p, p, write, recursive);
        }

        private String fix(Path p, Path shown, boolean write, boolean recursive) {
            String abs = p.toAbsolutePath().toString();
            String r = recursive || Files.isDirectory(p) ? "-R " : "";
            if (write || shown.startsWith(home.resolve("keys"))) {
                return "sudo chown " + r + user.name() + ": " + abs;
            }
            String group = groupName(user.gid());
            return "sudo chgrp " + r + (group == null ? String.valueOf(user.gid()) : group) + " " + abs
                    + " && sudo chmod " + r + "g+rX " + abs;
        }

        private String name(Path p) {
            return p.startsWith(home) && !p.equals(home) ? home.relativize(p).toString() : p.toString();
        }
    }

    static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", m);
    }

    private static String nameOf(int uid) {
        for (String[] p : passwd()) {
            if (p.length > 2 && p[2].equals(String.valueOf(uid))) {
                return p[0];
            }
        }
        return null;
    }

    private static String groupName(int gid) {
        for (String[] g : table(Path.of("/etc/group"))) {
            if (g.length > 2 && g[2].equals(String.valueOf(gid))) {
                return g[0];
            }
        }
        return null;
    }

    private static List<String[]> passwd() {
        return table(Path.of("/etc/passwd"));
    }

    /** A colon-separated account table, first 10 000 lines (the files are small; a huge one is not ours to read). */
    private static List<String[]> table(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.limit(10_000).filter(l -> !l.startsWith("#")).map(l -> l.split(":", -1))
                    .filter(f -> f.length >= 3).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }
}
