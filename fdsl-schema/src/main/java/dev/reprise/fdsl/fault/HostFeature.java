package dev.reprise.fdsl.fault;

import java.util.Locale;

/**
 * What a fault type's injector needs on a host beyond a reachable engine, in our words. A
 * {@link FaultType} declares its features ({@link FaultType#hostFeatures()}); before anything is
 * deployed the master asks every agent to check the features the scenario's fault types need
 * (the agent's {@code HostOps.probe}), so a host that lacks one fails the run in seconds instead
 * of at the fault's instant.
 *
 * <p>Adding one: add the constant here only when a registered fault type needs it, declare it on
 * that type (statically, or per fault through {@link FaultType#featuresOf()}), and teach
 * {@code LinuxHostOps.probe} a cheap check — an executable on the {@code PATH} ({@code tc},
 * {@code nsenter}, {@code iptables}), or a kernel module loaded ({@code /sys/module/sch_netem}) or
 * loadable (listed in {@code /lib/modules/$(uname -r)/modules.dep} or {@code modules.builtin}). The
 * JSON name is the constant's name in lower case.
 */
public enum HostFeature {
  /**
   * A {@code cgroup.procs} file the agent can write (cgroup v2 unified, or v1 with a CPU controller
   * mount): a CPU burner joins the target container's cgroups through it. Needs root.
   */
  CGROUP_PROCS("a writable cgroup.procs (cgroup v1 or v2) to place CPU burners in a container's cgroups"),
  /** {@code /bin/sh}, executable: a CPU burner is a shell loop. */
  SHELL("/bin/sh to run CPU burners"),
  /** {@code nsenter} on the {@code PATH}: the network injectors enter a container's network namespace. Needs root. */
  NSENTER("nsenter to enter a container's network namespace (network faults)"),
  /**
   * {@code iptables} usable in a container's network namespace: partitions, loss without
   * correlation, narrowing to peers and ports, and queueing packets to the agent's packet helper.
   */
  IPTABLES("iptables to drop, mark or queue a container's packets (partition and network faults)"),
  /** {@code tc} on the {@code PATH}: rate limits and netem qdiscs. */
  TC("tc to shape a container's traffic (network rate limits, netem)"),
  /**
   * A way to delay, corrupt, duplicate or reorder packets: the kernel's {@code sch_netem} module
   * (loaded or loadable), or iptables {@code NFQUEUE} with the agent's packet helper.
   */
  NET_EMULATION("sch_netem, or NFQUEUE with the agent's packet helper, to delay, corrupt, duplicate or reorder packets"),
  /** {@code ifb} links (the module loaded or loadable): ingress traffic is shaped on an ifb device. */
  IFB("ifb links to shape a container's incoming traffic (network rate limits on ingress)"),
  /**
   * The agent's static helper binary runs on this host (its architecture, an executable temporary
   * directory): memory and io faults run it in the container's cgroups.
   */
  NATIVE_HELPER("the agent's native helper to hold memory and load disks (memory and io faults)");

  private final String purpose;

  HostFeature(String purpose) {
    this.purpose = purpose;
  }

  /** The name in JSON and messages: {@code cgroup_procs}, {@code shell}, {@code net_emulation}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What it is for, for messages ("missing: …"). */
  public String purpose() {
    return purpose;
  }

  /** The feature named {@code word} (as {@link #word()} writes it), or null when this version knows no such feature. */
  public static HostFeature ofWord(String word) {
    for (var f : values()) if (f.word().equals(word)) return f;
    return null;
  }
}
