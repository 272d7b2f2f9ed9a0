package dev.reprise.agent.inject;

import dev.reprise.agent.inject.net.NetworkCapabilities;
import dev.reprise.agent.inject.net.NetworkShaper;
import dev.reprise.agent.inject.net.PacketEffects;
import dev.reprise.agent.inject.net.ShapingRunner;
import dev.reprise.agent.inject.net.TrafficSelection;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.fdsl.model.NetworkFault;

/**
 * {@code network}: delays, drops, corrupts, duplicates, reorders or rate-limits the target
 * container's traffic (optionally only with the {@code to} group's containers and to some ports,
 * one way or both) for {@code duration}, from inside its network namespace, with the best
 * mechanism the host has ({@link NetworkShaper}: netem, else NFQUEUE to the agent's packet helper,
 * iptables' statistic match and htb). The undo is journaled durably before anything is applied;
 * heal removes exactly this fault's qdiscs, links, chains and helper.
 */
public final class NetworkInjector implements Injector<NetworkFault> {
  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<NetworkFault> application) {
    var fault = application.fault();
    var c = Lasting.running(application);
    var caps = NetworkCapabilities.of(ctx.host(), ctx.helperPath(), "the agent's packet helper is not available on this host");
    var peers = ctx.peers().addresses(application.groups().get(NetworkFault.TO_GROUP));
    if (!fault.to().isEmpty() && peers.isEmpty()) {
      throw new RuntimeFailure("none of the 'to' containers has an address (none is running)");
    }
    var selection = new TrafficSelection(peers, fault.ports(), direction(fault.direction()));
    var end = Lasting.end(ctx, application, fault.durationMillis());
    var marker = Lasting.marker(ctx, application);
    dev.reprise.agent.inject.net.ShapingPlan plan;
    try {
      plan = NetworkShaper.plan(caps, c.id(), c.pid(), () -> ShapingRunner.interfaces(ctx, c.pid()), effects(fault), selection, application.seq(), marker, end.toEpochMilli());
    } catch (IllegalArgumentException e) {
      throw new RuntimeFailure(e.getMessage(), e);
    }
    ShapingRunner.apply(ctx, application, plan, end);
    return TargetResult.okBy(plan.mechanism());
  }

  /** The record's parameters in the mechanisms' terms. */
  static PacketEffects effects(NetworkFault f) {
    var d = f.delay();
    var l = f.loss();
    var r = f.reorder();
    return new PacketEffects(d == null ? 0 : d.timeMicros(), d == null ? 0 : d.jitterMicros(), d == null ? 0 : d.correlationPercent(),
        l == null ? 0 : l.percent(), l == null ? 0 : l.correlationPercent(),
        f.corruptPercent() == null ? 0 : f.corruptPercent(), f.duplicatePercent() == null ? 0 : f.duplicatePercent(),
        r == null ? 0 : r.percent(), r == null ? 0 : r.correlationPercent(), f.rateBitsPerSecond() == null ? 0 : f.rateBitsPerSecond());
  }

  static TrafficSelection.Direction direction(NetworkFault.Direction d) {
    if (d == null) return TrafficSelection.Direction.EGRESS;
    switch (d) {
      case INGRESS:
        return TrafficSelection.Direction.INGRESS;
      case BOTH:
        return TrafficSelection.Direction.BOTH;
      default:
        return TrafficSelection.Direction.EGRESS;
    }
  }
}
