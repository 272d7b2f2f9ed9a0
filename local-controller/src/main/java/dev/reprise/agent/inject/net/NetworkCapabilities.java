package dev.reprise.agent.inject.net;

import dev.reprise.agent.runtime.HostOps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * What this host's kernel and tools offer the network faults, found by trying each thing once in a
 * throw-away network namespace ({@code unshare --net}: nothing of the host is touched) — the only
 * reliable test, since a module may be built in, loadable, or missing whatever the files say.
 *
 * @param netem the {@code sch_netem} qdisc works (every packet effect, in the kernel)
 * @param iptables {@code iptables} works in a namespace (partitions, plain loss, packet queueing)
 * @param nfqueue iptables' {@code NFQUEUE} target works (packets to the agent's helper)
 * @param htb the {@code htb} qdisc works (rate limits)
 * @param ifb {@code ifb} links can be made (ingress shaping)
 * @param nsenter {@code nsenter} is on the PATH
 * @param helper the agent's packet helper binary, or empty with why not in {@code helperMissing}
 */
public record NetworkCapabilities(boolean netem, boolean iptables, boolean nfqueue, boolean htb, boolean ifb, boolean nsenter,
    Optional<String> helper, String helperMissing) {

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  private static final Map<HostOps, NetworkCapabilities> CACHE = new WeakHashMap<>();

  /** The capabilities of {@code host}, probed once per {@link HostOps} instance. */
  public static NetworkCapabilities of(HostOps host, java.util.function.Supplier<Optional<String>> helperPath, String helperMissing) {
    synchronized (CACHE) {
      var known = CACHE.get(host);
      if (known != null) return known;
    }
    var probed = probe(host, helperPath.get(), helperMissing);
    synchronized (CACHE) {
      CACHE.put(host, probed);
    }
    return probed;
  }

  /** Probes {@code host} now. */
  static NetworkCapabilities probe(HostOps host, Optional<String> helper, String helperMissing) {
    boolean nsenter = works(host, List.of("nsenter", "--version"));
    boolean netem = works(host, List.of("unshare", "--net", "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"));
    boolean htb = works(host, List.of("unshare", "--net", "tc", "qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb"));
    boolean iptables = works(host, List.of("unshare", "--net", "iptables", "-w", "-A", "OUTPUT", "-j", "DROP"));
    boolean nfqueue = iptables && works(host, List.of("unshare", "--net", "iptables", "-w", "-A", "OUTPUT", "-j", "NFQUEUE",
        "--queue-num", "1", "--queue-bypass"));
    boolean ifb = works(host, List.of("unshare", "--net", "ip", "link", "add", "rpr-probe", "type", "ifb"));
    return new NetworkCapabilities(netem, iptables, nfqueue, htb, ifb, nsenter, helper, helper.isPresent() ? null : helperMissing);
  }

  private static boolean works(HostOps host, List<String> argv) {
    try {
      return host.run(argv, PROBE_TIMEOUT).ok();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Whether packets can be delayed, corrupted, duplicated and reordered: netem, or NFQUEUE with the helper. */
  public boolean emulation() {
    return netem || (nfqueue && helper.isPresent());
  }

  /**
   * Why {@code effects} on {@code selection} cannot be applied here, or empty when they can; the
   * sentence names what is missing and what would do.
   */
  public Optional<String> cannotApply(PacketEffects effects, TrafficSelection selection) {
    var missing = new ArrayList<String>();
    if (!nsenter) missing.add("nsenter (util-linux) to enter the container's network namespace");
    if (effects.needsEmulation() && !emulation()) {
      missing.add("a way to delay, corrupt, duplicate or reorder packets: the kernel's sch_netem qdisc, or iptables' NFQUEUE target"
          + (nfqueue ? "" : " (missing)") + " with the agent's packet helper" + (helper.isPresent() ? "" : " (" + helperMissing + ")"));
    }
    if (effects.lossPercent() > 0 && !effects.needsEmulation() && !netem && !iptables) {
      missing.add("sch_netem or iptables' statistic match to drop packets");
    }
    if (effects.rateLimited() && !netem && !htb) missing.add("the htb qdisc (or sch_netem) to limit the rate");
    if (selection.direction().ingress() && (effects.rateLimited() || (effects.needsEmulation() && !nfqueue)) && !ifb) {
      missing.add("ifb links to shape incoming traffic");
    }
    if (selection.filtered() && !netem && !iptables) missing.add("iptables to select traffic by address or port");
    return missing.isEmpty() ? Optional.empty() : Optional.of("this host lacks " + String.join("; ", missing));
  }

  /** A one-line summary for pre-flight reports and run.json, e.g. {@code netem: no; nfqueue+helper: yes; htb: yes; ifb: yes}. */
  public String summary() {
    return "netem: " + yes(netem) + "; iptables: " + yes(iptables) + "; nfqueue+helper: " + yes(nfqueue && helper.isPresent())
        + "; htb: " + yes(htb) + "; ifb: " + yes(ifb) + "; nsenter: " + yes(nsenter);
  }

  private static String yes(boolean b) {
    return b ? "yes" : "no";
  }
}
