package dev.reprise.agent.inject;

import dev.reprise.agent.inject.net.NetworkCapabilities;
import dev.reprise.agent.inject.net.PartitionRules;
import dev.reprise.agent.inject.net.ShapingRunner;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.fdsl.model.PartitionFault;

/**
 * {@code partition}: cuts the target container off from the {@code peers} group's containers
 * (every address of each) for {@code duration}, both ways or one, with iptables DROP rules in
 * chains of ours inside the target's network namespace ({@link PartitionRules}). The containers
 * stay up. Applied on the targets' side only: a target drops what it would send to a peer and what
 * a peer sends it, so one action needs no agent on the peers' hosts. The undo is journaled durably
 * first; heal removes exactly these chains.
 */
public final class PartitionInjector implements Injector<PartitionFault> {
  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<PartitionFault> application) {
    var fault = application.fault();
    var c = Lasting.running(application);
    var caps = NetworkCapabilities.of(ctx.host(), ctx.helperPath(), "the agent's packet helper is not available on this host");
    var peers = ctx.peers().addresses(application.groups().get(PartitionFault.PEERS_GROUP));
    // a peer sharing an address with the target (same network namespace) is not cut off from itself
    var own = new java.util.HashSet<>(ctx.runtime().addresses(c.id()));
    peers = peers.stream().filter(a -> !own.contains(a)).toList();
    if (peers.isEmpty()) throw new RuntimeFailure("no peer of the partition is running (nothing to cut off)");
    var end = Lasting.end(ctx, application, fault.durationMillis());
    var d = fault.direction();
    boolean outgoing = d != PartitionFault.Direction.INCOMING;
    boolean incoming = d != PartitionFault.Direction.OUTGOING;
    dev.reprise.agent.inject.net.ShapingPlan plan;
    try {
      plan = PartitionRules.plan(caps, c.id(), c.pid(), peers, outgoing, incoming, application.seq());
    } catch (IllegalArgumentException e) {
      throw new RuntimeFailure(e.getMessage(), e);
    }
    ShapingRunner.apply(ctx, application, plan, end);
    return TargetResult.okBy(plan.mechanism());
  }
}
