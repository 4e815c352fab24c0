package org.tidegate.driver.dlt645.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tidegate.core.model.Channel;
import org.tidegate.driver.dlt645.Dlt645ChannelSettings;
import org.tidegate.driver.dlt645.codec.DataBlock;

/**
 * The requests one poll of a meter makes: one read per data identifier, except that two or more channels of one
 * {@link DataBlock} with values of the same size are read with the block's identifier (one exchange instead of
 * three for the phase voltages). Blocks the meter refused are not used again.
 *
 * @param requests  in the order of the channels' first appearance
 * @param malformed indexes of channels without DL/T 645 settings, with the reason
 */
record ReadPlan(List<Request> requests, Map<Integer, String> malformed) {

    /** A channel of the poll: its position in the caller's list and its settings. */
    record Member(int index, Channel channel, Dlt645ChannelSettings settings) {
    }

    /**
     * One read: {@code identifier} is a channel's own identifier ({@code block} null, one member) or a block's
     * (each member's value at {@link DataBlock#index}).
     */
    record Request(int identifier, DataBlock block, List<Member> members) {
    }

    static ReadPlan of(List<Channel> channels, boolean blockReads, Set<Integer> refusedBlocks) {
        Map<Integer, String> malformed = new LinkedHashMap<>();
        Map<Object, List<Member>> groups = new LinkedHashMap<>();
        for (int i = 0; i < channels.size(); i++) {
            Channel c = channels.get(i);
            if (!(c.settings() instanceof Dlt645ChannelSettings s)) {
                malformed.put(i, "channel " + c.id() + " has no DL/T 645 settings");
                continue;
            }
            DataBlock b = blockReads ? DataBlock.of(s.dataIdentifier()) : null;
            Object key = b == null || refusedBlocks.contains(b.identifier()) ? (Object) ("item" + i) : b;
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(new Member(i, c, s));
        }
        List<Request> requests = new ArrayList<>();
        for (Map.Entry<Object, List<Member>> g : groups.entrySet()) {
            List<Member> ms = g.getValue();
            if (g.getKey() instanceof DataBlock b && ms.size() >= 2 && sameSize(ms)) {
                requests.add(new Request(b.identifier(), b, List.copyOf(ms)));
            } else {
                for (Member m : ms) {
                    requests.add(new Request(m.settings().dataIdentifier(), null, List.of(m)));
                }
            }
        }
        requests.sort(java.util.Comparator.comparingInt(r -> r.members().get(0).index()));
        return new ReadPlan(List.copyOf(requests), Map.copyOf(malformed));
    }

    private static boolean sameSize(List<Member> ms) {
        int n = ms.get(0).settings().format().length();
        return ms.stream().allMatch(m -> m.settings().format().length() == n);
    }
}
