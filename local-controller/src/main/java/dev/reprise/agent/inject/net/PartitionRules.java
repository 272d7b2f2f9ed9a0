package dev.reprise.agent.inject.net;

import dev.reprise.agent.heal.UndoStep;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans a partition on one container: iptables DROP rules in its network namespace against every
 * address of every peer, in chains of ours ({@code RPR-P<seq>O} hooked into OUTPUT for what the
 * container sends, {@code RPR-P<seq>I} into INPUT for what it receives), so the undo removes
 * exactly those. The container stays up; established connections stall as their packets drop.
 */
public final class PartitionRules {
  private PartitionRules() {}

  /**
   * @param outgoing drop what the target sends to the peers
   * @param incoming drop what the peers send to the target
   * @throws IllegalArgumentException when this host has no iptables or nsenter, or there is no peer address
   */
  public static ShapingPlan plan(NetworkCapabilities caps, String containerId, long pid, List<String> peerAddresses,
      boolean outgoing, boolean incoming, int seq) {
    var missing = new ArrayList<String>();
    if (!caps.nsenter()) missing.add("nsenter (util-linux)");
    if (!caps.iptables()) missing.add("iptables");
    if (!missing.isEmpty()) throw new IllegalArgumentException("this host lacks " + String.join(" and ", missing) + " for a partition");
    if (peerAddresses.isEmpty()) throw new IllegalArgumentException("no peer has an address to cut off");
    var ns = NetworkShaper.ns(pid);
    var after = new ShapingPlan.Rules();
    var undo = new ArrayList<UndoStep>();
    var drop = List.of("-j", "DROP");
    var sel = new TrafficSelection(peerAddresses, List.of(), TrafficSelection.Direction.BOTH);
    if (outgoing) NetworkShaper.chain(after, undo, ns, pid, containerId, "RPR-P" + seq + "O", "OUTPUT", "-d", sel, drop, seq);
    if (incoming) NetworkShaper.chain(after, undo, ns, pid, containerId, "RPR-P" + seq + "I", "INPUT", "-s", sel, drop, seq);
    return new ShapingPlan("iptables", List.of(), null, NetworkShaper.restore(pid), after.text(), undo);
  }
}
