package org.tidegate.crypto.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.core.config.HomeAccess;
import org.tidegate.crypto.PemKeys;
import org.tidegate.crypto.Provisioning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidegate provision}: turns a directory into a gateway home with an identity. Safe to run again:
 * an existing key pair is kept (unless --force), other keys of gateway.json are preserved.
 */
@Command(name = "provision", description = {
        "give a gateway home its identity: SM2 key pair, cloud key, id and broker in gateway.json", "",
        "Makes DIR/keys/gateway.key.pem (mode 0600) and gateway.pub.pem unless they exist, writes id,",
        "broker.url and the security section into DIR/gateway.json (other keys are kept), and prints",
        "the gateway's public key and SM3 fingerprint to register with the cloud. Run as root, it gives keys/",
        "and data/ to the service user (--user, or the owner of DIR/data), or refuses with the command to run."})
public class ProvisionCommand implements PicocliCommand {

    @Option(names = "--home", required = true, paramLabel = "DIR",
            description = "the gateway home (created if missing, with keys/ profiles/ devices/ data/)")
    Path homeOption;

    @Option(names = "--id", paramLabel = "GW",
            description = "the gateway id, [A-Za-z0-9._-]{1,64}; also its MQTT client id")
    String id;

    @Option(names = "--broker", paramLabel = "URL",
            description = "MQTT broker URL, e.g. tcp://10.0.0.5:1883 or ssl://mqtt.example.cn:8883")
    String broker;

    @Option(names = "--cloud-key", paramLabel = "CLOUD.pub.pem",
            description = "the cloud's SM2 public key (PEM); copied to DIR/keys/cloud.pub.pem")
    Path cloudKeyOption;

    @Option(names = "--cloud-id", paramLabel = "ID", defaultValue = Provisioning.DEFAULT_CLOUD_ID,
            description = "the cloud's sender id in command envelopes (default: ${DEFAULT-VALUE})")
    String cloudId;

    @Option(names = "--force", description = "replace an existing gateway key pair, cloud key or gateway id")
    boolean force;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--user", paramLabel = "NAME", description = {"run as root: the user the gateway runs as, who gets",
            "keys/ and data/ (default: the owner of DIR/data; on an installed gateway the service user tidegate)"})
    String user;

    @Option(names = "--first-boot", description = {"take --id, --broker and --cloud-key from the first provisioning",
            "file of DIR/provision.json, /boot/firmware/tidegate-provision.json, /boot/tidegate-provision.json",
            "({\"id\", \"broker\", \"cloudKey\": PEM text, \"cloudId\"}); removed once provisioned; none: nothing to do"})
    boolean firstBoot;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        Path home = homeOption.toAbsolutePath().normalize();
        // Required unless --first-boot; asked of this parse, not of the fields (an instance may be parsed again).
        picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
        if (!firstBoot && !(given.hasMatchedOption("--id") && given.hasMatchedOption("--broker")
                && given.hasMatchedOption("--cloud-key"))) {
            throw new Args.UsageException("--id, --broker and --cloud-key are required (or --first-boot)");
        }
        HomeAccess.User owner;
        try {
            owner = FileOwners.serviceUserForRoot(home, user, commandLine(home));
        } catch (IllegalArgumentException e) {
            err.println("provision: " + e.getMessage());
            return 1;
        }
        if (firstBoot) {
            return FirstBootFile.consume(home, owner, out, err);
        }
        Path cloudKeySource = cloudKeyOption.toAbsolutePath();
        PublicKey cloudKey;
        try {
            cloudKey = PemKeys.readPublicKey(cloudKeySource);
        } catch (IOException e) {
            err.println("provision: cloud key: " + e.getMessage());
            return 1;
        }
        return provision(new Provisioning.Request(home, id, broker, cloudKey, cloudKeySource, cloudId, force), owner, out, err);
    }

    /** This command's arguments as given, for the command line a refusal suggests. */
    private List<String> commandLine(Path home) {
        List<String> a = new java.util.ArrayList<>(List.of("--home", home.toString()));
        if (firstBoot) {
            a.add("--first-boot");
        } else {
            a.addAll(List.of("--id", String.valueOf(id), "--broker", String.valueOf(broker), "--cloud-key",
                    String.valueOf(cloudKeyOption)));
            if (!SecuritySection.DEFAULT_CLOUD_ID.equals(cloudId)) {
                a.addAll(List.of("--cloud-id", cloudId));
            }
        }
        if (force) {
            a.add("--force");
        }
        return a;
    }

    /**
     * Provisions {@code r.home()} ({@link Provisioning}, the one implementation) and prints what it did, or why not,
     * as this command does.
     *
     * @param owner when run as root, the user who gets the files (null: this process's user keeps them)
     * @return the exit code: 0 provisioned, 1 refused or provisioned but not startable as its user
     */
    static int provision(Provisioning.Request r, HomeAccess.User owner, PrintStream out, PrintStream err)
            throws Exception {
        Provisioning.Outcome o = Provisioning.provision(r, owner);
        if (!o.provisioned()) {
            err.println("provision: " + o.refusal());
            return 1;
        }
        o.report().forEach(out::println);
        out.println("Register this gateway public key with the cloud:");
        out.print(o.publicKeyPem());
        out.println("SM3 fingerprint: " + o.fingerprint());
        if (!o.accessProblems().isEmpty()) {
            err.println("provision: the gateway could not start as " + o.runAs() + ":");
            o.accessProblems().forEach(p -> err.println("  " + p));
            return 1;
        }
        return 0;
    }
}
