package org.tidegate.cloud.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.tidegate.cloud.CommandSender;
import org.tidegate.cloud.CommandSequence;
import org.tidegate.cloud.Received;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.DurationConverter;
import org.tidegate.core.cli.PicocliCommand;
import org.tidegate.core.model.Ids;
import org.tidegate.crypto.PemKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tidegate command}: seal a command for one gateway, publish it and print the gateway's reply. */
@Command(name = "command", description = {
        "cloud side: send a sealed command to a gateway and print its reply", "",
        "Seals the JSON command (e.g. {\"op\":\"ping\"}) for gateway GW (content type COMMAND, always encrypted",
        "to gw.pub.pem and signed with cloud.key.pem, \"gateway\":\"GW\" added to the body, sequence from F:",
        "strictly increasing, written before use, safe for concurrent runs),",
        "publishes it to {prefix}/GW/command at QoS 1 and prints the gateway's reply body as one JSON line.",
        "Exit 0 if the reply says ok, 1 if it says not ok or none came in time, 3 if a change was",
        "rolled back after its trial, 4 if it was refused as a conflict (docs/remote-management.md).", "",
        "Operations (instead of JSON; FILE is a JSON file; changes need --base, the revision",
        "`config get` reported; --id names the change so that a retry is answered, not re-applied):",
        "  config get | config snapshots | config rollback REV",
        "  config put-device FILE | config delete-device ID | config put-profile FILE",
        "  config delete-profile ID | config put-gateway FILE | config apply FILE (file name -> content)",
        "  device read DEV CH | device write DEV CH VALUE | device restart DEV",
        "  status | logs [N]"})
public final class SendCommand implements PicocliCommand {
    @Option(names = "--key", required = true, paramLabel = "cloud.key.pem", description = "the cloud's SM2 private key")
    Path keyFile;

    @Option(names = "--gateway-key", required = true, paramLabel = "gw.pub.pem", description = "the gateway's SM2 public key")
    Path gatewayKeyFile;

    @Option(names = "--gateway", required = true, paramLabel = "GW", description = "the gateway's id")
    String gateway;

    @Option(names = "--seq-file", required = true, paramLabel = "F", description = "the command sequence file")
    Path seqFile;

    @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "30s",
            description = "how long to wait for the reply (default ${DEFAULT-VALUE}; 0: do not wait)")
    Duration waitFor;

    @Option(names = "--base", paramLabel = "REV", description = "the revision a change was made from (see config get)")
    String base;

    @Option(names = "--id", paramLabel = "ID", description = "names the change, so that a retry is answered with its outcome")
    String changeId;

    @Parameters(paramLabel = "JSON|OPERATION", arity = "1..*",
            description = "the command as one JSON argument, e.g. '{\"op\":\"ping\"}', or an operation such as: config get")
    java.util.List<String> words;

    @Mixin
    CliSupport.BrokerOptions brokerOptions;

    @Override
    public int run(PrintStream out, PrintStream err) throws Exception {
        String problem = Ids.problem(gateway);
        if (problem != null) {
            throw new Args.UsageException("--gateway " + problem);
        }
        byte[] body;
        PrivateKey key;
        PublicKey gatewayKey;
        try {
            body = words.size() == 1 && (words.get(0).trim().startsWith("{") || words.get(0).trim().startsWith("["))
                    ? CommandSender.json(words.get(0))
                    : ManagementCommands.body(words, base, changeId);
            key = PemKeys.readPrivateKey(keyFile);
            gatewayKey = PemKeys.readPublicKey(gatewayKeyFile);
        } catch (IOException e) {
            err.println("command: " + e.getMessage());
            return 1;
        }
        long wait = waitFor.toMillis() > 0 && waitFor.toMillis() < 1000 ? 1 : waitFor.toSeconds();
        try (CommandSender sender = new CommandSender(brokerOptions.connection(brokerOptions.cloudId + "-command"),
                brokerOptions.prefix, brokerOptions.cloudId, key, gateway, gatewayKey, new CommandSequence(seqFile))) {
            if (wait == 0) {
                long seq = sender.send(body);
                out.println("{\"sent\":" + seq + "}");
                return 0;
            }
            Optional<Received> reply = sender.sendAndAwaitReply(body, wait, TimeUnit.SECONDS);
            if (reply.isEmpty()) {
                err.println("command: no reply from " + gateway + " within " + wait + " s");
                return 1;
            }
            out.println(reply.get().body().toString());
            return ManagementCommands.exitStatus(reply.get().body());
        }
    }
}
