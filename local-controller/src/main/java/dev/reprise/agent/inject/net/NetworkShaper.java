package dev.reprise.agent.inject.net;

import dev.reprise.agent.heal.UndoStep;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Plans a network fault on one container: picks the best mechanism this host has and writes the
 * commands, all run from the host inside the container's network namespace ({@code nsenter
 * --target <pid> --net}: no tool is needed in the image).
 *
 * <ul>
 *   <li><b>netem</b> where the kernel has {@code sch_netem}: one netem qdisc does every effect,
 *       rate included; a selection of peers or ports puts it under a {@code prio} band that u32
 *       filters feed; ingress goes through an {@code ifb} link.
 *   <li>Otherwise per effect: delay, jitter, corruption, duplication and reordering (and loss
 *       with a correlation) through iptables' {@code NFQUEUE} to the agent's packet helper running
 *       in the namespace ({@code nfqueue}; {@code --queue-bypass}, so a dead helper lets traffic
 *       through); plain loss through iptables' {@code statistic} match ({@code iptables-statistic});
 *       a rate limit through {@code htb} (ingress via {@code ifb}).
 * </ul>
 * Rules live in chains named {@code RPR-N<seq>E}/{@code RPR-N<seq>I} and links {@code rpr<seq>i<n>},
 * so the undo removes exactly this fault's. Thread-safe (no state).
 */
public final class NetworkShaper {
  /** The packet mark of the helper's own packets (duplicates): the queueing rules skip it. */
  public static final String HELPER_MARK = "0x52505251";

  private NetworkShaper() {}

  /**
   * The plan for {@code effects} on {@code selection} of container {@code containerId} (main PID
   * {@code pid}, non-loopback interfaces {@code interfaces}).
   *
   * @param seq the action's seq (names its chains, links and queue)
   * @param marker the helper process's marker ({@code HostOps.findMarked})
   * @param untilEpochMs when the helper ends by itself
   * @throws IllegalArgumentException when this host cannot apply it ({@link NetworkCapabilities#cannotApply})
   */
  public static ShapingPlan plan(NetworkCapabilities caps, String containerId, long pid, java.util.function.Supplier<List<String>> links,
      PacketEffects effects, TrafficSelection selection, int seq, String marker, long untilEpochMs) {
    caps.cannotApply(effects, selection).ifPresent(why -> {
      throw new IllegalArgumentException(why);
    });
    boolean useNetem = caps.netem() && (!selection.direction().ingress() || caps.ifb());
    // the interfaces are read (one more process) only when a qdisc is placed on them
    List<String> interfaces = useNetem || effects.rateLimited() ? links.get() : List.of();
    if ((useNetem || effects.rateLimited()) && interfaces.isEmpty()) {
      throw new IllegalArgumentException("the container has no network interface but lo");
    }
    var ns = ns(pid);
    var before = new ArrayList<List<String>>();
    var after = new ShapingPlan.Rules();
    var undo = new ArrayList<UndoStep>();
    List<String> helper = null;
    var mechanisms = new ArrayList<String>();
    var ifbs = new ArrayList<String>();
    if (selection.direction().ingress() && (useNetem || effects.rateLimited())) {
      for (int i = 0; i < interfaces.size(); i++) {
        var ifb = "rpr" + (seq % 100000) + "i" + i;
        var dev = interfaces.get(i);
        ifbs.add(ifb);
        before.add(cat(ns, "ip", "link", "add", ifb, "type", "ifb"));
        before.add(cat(ns, "ip", "link", "set", ifb, "up"));
        before.add(cat(ns, "tc", "qdisc", "add", "dev", dev, "handle", "ffff:", "ingress"));
        before.add(cat(ns, "tc", "filter", "add", "dev", dev, "parent", "ffff:", "protocol", "all", "u32", "match", "u32", "0", "0",
            "action", "mirred", "egress", "redirect", "dev", ifb));
      }
    }
    if (useNetem) {
      mechanisms.add("netem");
      if (selection.direction().egress()) for (var dev : interfaces) qdisc(before, ns, dev, effects, selection, true, true);
      if (selection.direction().ingress()) for (var dev : ifbs) qdisc(before, ns, dev, effects, selection, false, true);
    } else {
      if (effects.rateLimited()) {
        mechanisms.add("htb");
        if (selection.direction().egress()) for (var dev : interfaces) qdisc(before, ns, dev, effects, selection, true, false);
        if (selection.direction().ingress()) for (var dev : ifbs) qdisc(before, ns, dev, effects, selection, false, false);
      }
      if (effects.perPacket()) {
        // Egress loss goes to the helper too when there is one: an iptables DROP of a packet the
        // container sends fails its send() with EPERM, which the wire never does.
        boolean helperHere = caps.nfqueue() && caps.helper().isPresent();
        boolean queueEgress = selection.direction().egress() && (effects.needsEmulation() || helperHere);
        boolean queueIngress = selection.direction().ingress() && effects.needsEmulation();
        int queue = 10000 + (seq % 50000);
        var toQueue = List.of("-m", "mark", "!", "--mark", HELPER_MARK, "-j", "NFQUEUE", "--queue-num", Integer.toString(queue),
            "--queue-bypass");
        var drop = List.of("-m", "statistic", "--mode", "random", "--probability", PacketEffects.num(effects.lossPercent() / 100.0),
            "-j", "DROP");
        if (queueEgress || queueIngress) {
          mechanisms.add(0, "nfqueue");
          helper = new ArrayList<>(ns);
          helper.addAll(List.of(caps.helper().orElseThrow(), "netem", "--queue", Integer.toString(queue)));
          helper.addAll(effects.helperArgs());
          helper.addAll(List.of("--mark", HELPER_MARK, "--until-epoch-ms", Long.toString(untilEpochMs), "--marker", marker));
        }
        if ((selection.direction().egress() && !queueEgress) || (selection.direction().ingress() && !queueIngress)) {
          mechanisms.add(queueEgress || queueIngress ? 1 : 0, "iptables-statistic");
        }
        if (selection.direction().egress()) {
          chain(after, undo, ns, pid, containerId, "RPR-N" + seq + "E", "OUTPUT", "-d", selection, queueEgress ? toQueue : drop, seq);
        }
        if (selection.direction().ingress()) {
          chain(after, undo, ns, pid, containerId, "RPR-N" + seq + "I", "INPUT", "-s", selection, queueIngress ? toQueue : drop, seq);
        }
        if (helper != null) undo.add(new UndoStep.KillMarked(marker));
      }
    }
    if (!before.isEmpty()) {
      if (selection.direction().egress() && (useNetem || effects.rateLimited())) {
        for (var dev : interfaces) undo.add(guarded(cat(ns, "tc", "qdisc", "del", "dev", dev, "root"), containerId, pid));
      }
      for (int i = 0; i < ifbs.size(); i++) {
        undo.add(guarded(cat(ns, "tc", "qdisc", "del", "dev", interfaces.get(i), "ingress"), containerId, pid));
        undo.add(guarded(cat(ns, "ip", "link", "del", ifbs.get(i)), containerId, pid));
      }
    }
    if (selection.direction().ingress() && !ifbs.isEmpty()) mechanisms.add("ifb");
    var rules = after.text();
    return new ShapingPlan(String.join("+", mechanisms), before, helper, rules == null ? null : restore(pid), rules, undo);
  }

  /** The root qdisc on {@code dev}: netem ({@code netem}) or htb, under a prio/htb split when traffic is selected. */
  private static void qdisc(List<List<String>> out, List<String> ns, String dev, PacketEffects effects, TrafficSelection sel,
      boolean egress, boolean netem) {
    if (netem) {
      if (!sel.filtered()) {
        out.add(cat(ns, cat(List.of("tc", "qdisc", "add", "dev", dev, "root", "handle", "1:", "netem"), effects.netemArgs(true))));
        return;
      }
      var priomap = new ArrayList<String>(List.of("tc", "qdisc", "add", "dev", dev, "root", "handle", "1:", "prio", "bands", "3", "priomap"));
      for (int i = 0; i < 16; i++) priomap.add("0");
      out.add(cat(ns, priomap));
      out.add(cat(ns, cat(List.of("tc", "qdisc", "add", "dev", dev, "parent", "1:3", "handle", "30:", "netem"), effects.netemArgs(true))));
      filters(out, ns, dev, sel, egress, "1:3");
      return;
    }
    long rate = effects.rateBitsPerSecond();
    // Ten milliseconds' worth of bytes, at least two full-size frames.
    long burst = Math.max(3200, rate / 8 / 100);
    out.add(cat(ns, "tc", "qdisc", "add", "dev", dev, "root", "handle", "1:", "htb", "default", sel.filtered() ? "2" : "1"));
    out.add(cat(ns, "tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:1", "htb", "rate", rate + "bit", "ceil", rate + "bit",
        "burst", Long.toString(burst), "cburst", Long.toString(burst)));
    if (sel.filtered()) {
      out.add(cat(ns, "tc", "class", "add", "dev", dev, "parent", "1:", "classid", "1:2", "htb", "rate", "10gbit"));
      filters(out, ns, dev, sel, egress, "1:1");
    }
  }

  /** u32 filters sending the selected packets to {@code flow}: per peer, per destination port. */
  private static void filters(List<List<String>> out, List<String> ns, String dev, TrafficSelection sel, boolean egress, String flow) {
    var peers = sel.peers().isEmpty() ? java.util.Collections.<String>singletonList(null) : sel.peers();
    var ports = sel.ports().isEmpty() ? java.util.Collections.<Integer>singletonList(null) : sel.ports();
    for (var peer : peers) {
      for (var port : ports) {
        var ends = port == null ? List.of("") : List.of("dport");
        for (var end : ends) {
          var f = new ArrayList<>(List.of("tc", "filter", "add", "dev", dev, "parent", "1:0", "protocol", "ip", "prio", "1", "u32"));
          if (peer != null) f.addAll(List.of("match", "ip", egress ? "dst" : "src", peer + "/32"));
          if (port != null) f.addAll(List.of("match", "ip", end, Integer.toString(port), "0xffff"));
          if (peer == null && port == null) f.addAll(List.of("match", "u32", "0", "0"));
          f.addAll(List.of("flowid", flow));
          out.add(cat(ns, f));
        }
      }
    }
  }

  /** An iptables chain of ours hooked first into {@code hook}, with one rule per selected peer/port, and its undo. */
  static void chain(ShapingPlan.Rules out, List<UndoStep> undo, List<String> ns, long pid, String containerId, String chain,
      String hook, String peerFlag, TrafficSelection sel, List<String> target, int seq) {
    out.chain(chain);
    var peers = sel.peers().isEmpty() ? java.util.Collections.<String>singletonList(null) : sel.peers();
    for (var peer : peers) {
      if (sel.ports().isEmpty()) {
        out.line(rule(chain, peerFlag, peer, null, null, target, seq));
      } else {
        var ports = sel.ports().stream().map(String::valueOf).collect(Collectors.joining(","));
        for (var proto : List.of("tcp", "udp")) out.line(rule(chain, peerFlag, peer, proto, ports, target, seq));
      }
    }
    out.line("-I " + hook + " 1 -m comment --comment reprise:" + seq + " -j " + chain);
    undo.add(guarded(cat(ns, "iptables", "-w", "-D", hook, "-m", "comment", "--comment", "reprise:" + seq, "-j", chain), containerId, pid));
    undo.add(guarded(cat(ns, "iptables", "-w", "-F", chain), containerId, pid));
    undo.add(guarded(cat(ns, "iptables", "-w", "-X", chain), containerId, pid));
  }

  private static String rule(String chain, String peerFlag, String peer, String proto, String ports, List<String> target, int seq) {
    var r = new ArrayList<>(List.of("-A", chain));
    if (peer != null) r.addAll(List.of(peerFlag, peer + "/32"));
    if (proto != null) r.addAll(List.of("-p", proto, "-m", "multiport", "--dports", ports));
    r.addAll(List.of("-m", "comment", "--comment", "reprise:" + seq));
    r.addAll(target);
    return String.join(" ", r);
  }

  /** {@code iptables-restore} in the namespace, adding to what is there ({@code --noflush}), waiting for the xtables lock. */
  static List<String> restore(long pid) {
    return cat(ns(pid), "iptables-restore", "-w", "--noflush");
  }

  static UndoStep guarded(List<String> argv, String containerId, long pid) {
    return new UndoStep.HostCommand(argv, containerId, pid, ShapingPlan.ALREADY_GONE);
  }

  /** {@code nsenter --target <pid> --net --}: what follows runs in the container's network namespace. */
  public static List<String> ns(long pid) {
    return List.of("nsenter", "--target", Long.toString(pid), "--net", "--");
  }

  static List<String> cat(List<String> a, String... b) {
    return cat(a, List.of(b));
  }

  static List<String> cat(List<String> a, List<String> b) {
    var out = new ArrayList<String>(a.size() + b.size());
    out.addAll(a);
    out.addAll(b);
    return out;
  }
}
