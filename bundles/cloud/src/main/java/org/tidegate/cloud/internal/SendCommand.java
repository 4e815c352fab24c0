package org.tidegate.cloud.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.tidegate.cloud.CommandSender;
import org.tidegate.cloud.CommandSequence;
import org.tidegate.cloud.Received;
import org.tidegate.core.cli.Args;
import org.tidegate.core.cli.Subcommand;
import org.tidegate.core.model.Ids;
import org.tidegate.crypto.PemKeys;

/** {@code tidegate command}: seal a command for one gateway, publish it and print the gateway's reply. */
public final class SendCommand implements Subcommand {

    @Override
    public String name() {
        return "command";
    }

    @Override
    public String summary() {
        return "cloud side: send a sealed command to a gateway and print its reply";
    }

    @Override
    public String usage() {
        return """
                tidegate command --broker URL --key cloud.key.pem --gateway-key gw.pub.pem --gateway GW --seq-file F '<json>'
                tidegate command ...same options... [--base REV] [--id ID] OPERATION ARGS
                  Seals the JSON command (e.g. {"op":"ping"}) for gateway GW (content type COMMAND, always encrypted
                  to gw.pub.pem and signed with cloud.key.pem, "gateway":"GW" added to the body, sequence from F:
                  strictly increasing, written before use, safe for concurrent runs),
                  publishes it to {prefix}/GW/command at QoS 1 and prints the gateway's reply body as one JSON line.
                  Exit 0 if the reply says ok, 1 if it says not ok or none came in time, 3 if a change was
                  rolled back after its trial, 4 if it was refused as a conflict (docs/remote-management.md).
                  Operations (instead of '<json>'; FILE is a JSON file; changes need --base, the revision
                  `config get` reported; --id names the change so that a retry is answered, not re-applied):
                    config get | config snapshots | config rollback REV
                    config put-device FILE | config delete-device ID | config put-profile FILE
                    config delete-profile ID | config put-gateway FILE | config apply FILE (file name -> content)
                    device read DEV CH | device write DEV CH VALUE | device restart DEV
                    status | logs [N]
                  --wait DURATION       how long to wait for the reply (default 30s; 0: do not wait)
                """ + CliSupport.BROKER_OPTIONS;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(argv, Set.of("broker", "key", "gateway-key", "gateway", "seq-file", "prefix", "cloud-id",
                "ca", "username", "password-env", "wait", "base", "id"), Set.of());
        String gateway = a.require("gateway");
        String problem = Ids.problem(gateway);
        if (problem != null) {
            throw new Args.UsageException("--gateway " + problem);
        }
        if (a.positional().isEmpty()) {
            throw new Args.UsageException("give the command as one JSON argument, e.g. '{\"op\":\"ping\"}',"
                    + " or an operation such as: config get");
        }
        byte[] body;
        PrivateKey key;
        PublicKey gatewayKey;
        try {
            body = a.positional().size() == 1 && a.positional().get(0).trim().startsWith("{")
                    ? CommandSender.json(a.positional().get(0))
                    : ManagementCommands.body(a.positional(), a.get("base", null), a.get("id", null));
            key = PemKeys.readPrivateKey(Path.of(a.require("key")));
            gatewayKey = PemKeys.readPublicKey(Path.of(a.require("gateway-key")));
        } catch (IOException e) {
            err.println("command: " + e.getMessage());
            return 1;
        }
        long wait = a.durationSeconds("wait", 30);
        try (CommandSender sender = new CommandSender(CliSupport.broker(a, a.get("cloud-id", "cloud") + "-command"),
                a.get("prefix", "tidegate"), a.get("cloud-id", "cloud"), key, gateway, gatewayKey,
                new CommandSequence(Path.of(a.require("seq-file"))))) {
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
