package org.tidegate.crypto.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.tidegate.core.config.HomeAccess;

/**
 * Who gets the files {@code tidegate provision} writes when root runs it: root can read everything, so a home
 * provisioned by root "works" until the service, which runs as its own user, cannot open its key.
 */
public final class FileOwners {
    /** The Debian package's service user: the one suggested when nothing else names one. */
    static final String PACKAGE_USER = "tidegate";

    private FileOwners() {
    }

    /**
     * The user who gets the files, or null when this process keeps them: it is not root, or it is root on a machine
     * without the package's service user (a development machine, a CI run) and the home names no other owner.
     *
     * @param requested {@code --user}, or null
     * @param argv      the command's arguments, for the command line the refusal suggests
     * @throws IllegalArgumentException when root on an installed gateway gave no user and the home names none: the
     *                                  message is the command to run
     */
    static HomeAccess.User serviceUserForRoot(Path home, String requested, List<String> argv) {
        HomeAccess.User me = HomeAccess.currentUser();
        if (me == null || !me.isRoot()) {
            if (requested != null && (me == null || !requested.equals(me.name()))) {
                throw new IllegalArgumentException("--user " + requested + ": only root can give the files to another"
                        + " user; run provision as " + requested + " (sudo -u " + requested + " tidegate provision ...)");
            }
            return null;
        }
        if (requested != null) {
            return HomeAccess.user(requested);
        }
        HomeAccess.User service = HomeAccess.serviceUser(home);
        if (service != null && !service.isRoot()) {
            return service;
        }
        try {
            HomeAccess.user(PACKAGE_USER);
        } catch (IllegalArgumentException noPackage) {
            return null;
        }
        throw new IllegalArgumentException("run as root, this would leave the private key and data/ of " + home
                + " owned by root, and the service, which runs as " + PACKAGE_USER + ", could not open them."
                + " Run instead:\n  tidegate provision " + String.join(" ", argv) + " --user " + PACKAGE_USER
                + "\n(or --user root for a gateway that runs as root)");
    }

    /**
     * Gives {@code owner} the home's state (keys/, the key files, data/) and makes the configuration (gateway.json,
     * profiles/, devices/) readable by its primary group: owned by {@code owner} too where the home is, kept by root
     * where root owns the home (the package's /etc/tidegate, which the service only reads).
     */
    public static void giveTo(Path home, HomeAccess.User owner, List<Path> keyFiles) throws IOException {
        UserPrincipalLookupService names = home.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = names.lookupPrincipalByName(owner.name());
        GroupPrincipal group = names.lookupPrincipalByGroupName(String.valueOf(groupName(owner)));
        List<Path> state = new ArrayList<>();
        state.add(home.resolve("keys"));
        for (Path k : keyFiles) {
            if (Files.exists(k)) {
                state.add(k);
                if (!k.getParent().equals(home)) {
                    state.add(k.getParent());
                }
            }
        }
        state.addAll(tree(home.resolve("data")));
        for (Path p : state) {
            own(p, user, group);
        }
        boolean homeIsRoots = (Integer) Files.getAttribute(home, "unix:uid") == 0;
        List<Path> config = new ArrayList<>();
        config.add(home.resolve("gateway.json"));
        config.addAll(tree(home.resolve("profiles")));
        config.addAll(tree(home.resolve("devices")));
        if (homeIsRoots) {
            config.add(home);
        }
        for (Path p : config) {
            if (!Files.exists(p)) {
                continue;
            }
            if (homeIsRoots) {
                Files.getFileAttributeView(p, PosixFileAttributeView.class).setGroup(group);
                Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
                perms.add(PosixFilePermission.GROUP_READ);
                if (Files.isDirectory(p)) {
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                }
                Files.setPosixFilePermissions(p, perms);
            } else {
                own(p, user, group);
            }
        }
        if (!homeIsRoots) {
            own(home, user, group);
        }
    }

    private static void own(Path p, UserPrincipal user, GroupPrincipal group) throws IOException {
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        v.setOwner(user);
        v.setGroup(group);
    }

    private static String groupName(HomeAccess.User owner) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/etc/group"))) {
            return lines.map(l -> l.split(":", -1)).filter(f -> f.length > 2 && f[2].equals(String.valueOf(owner.gid())))
                    .map(f -> f[0]).findFirst().orElse(String.valueOf(owner.gid()));
        }
    }

    /** {@code root} and everything in it (links to directories followed at the top: data/ may be one). */
    private static List<Path> tree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root.toRealPath())) {
            return s.limit(100_000).toList();
        }
    }
}
