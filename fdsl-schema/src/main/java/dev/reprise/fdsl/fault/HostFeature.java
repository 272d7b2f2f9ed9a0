package dev.reprise.fdsl.fault;

import java.util.Locale;

/**
 * What a fault type's injector needs on a host beyond a reachable engine, in our words. A
 * {@link FaultType} declares its features ({@link FaultType#hostFeatures()}); before anything is
 * deployed the master asks every agent to check the features the scenario's fault types need
 * (the agent's {@code HostOps.probe}), so a host that lacks one fails the run in seconds instead
 * of at the fault's instant.
 *
 * <p>Adding one (the network faults will need {@code tc}, {@code nsenter}, {@code iptables} and the
 * {@code sch_netem} kernel module): add the constant here only when a registered fault type needs
 * it, declare it on that type, and teach {@code LinuxHostOps.probe} a cheap check — an executable
 * on the {@code PATH} ({@code tc}, {@code nsenter}, {@code iptables}), or a kernel module loaded
 * ({@code /sys/module/sch_netem}) or loadable (listed in {@code /lib/modules/$(uname -r)/modules.dep}
 * or {@code modules.builtin}). The JSON name is the constant's name in lower case.
 */
public enum HostFeature {
  /**
   * A {@code cgroup.procs} file the agent can write (cgroup v2 unified, or v1 with a CPU controller
   * mount): a CPU burner joins the target container's cgroups through it. Needs root.
   */
  CGROUP_PROCS("a writable cgroup.procs (cgroup v1 or v2) to place CPU burners in a container's cgroups"),
  /** {@code /bin/sh}, executable: a CPU burner is a shell loop. */
  SHELL("/bin/sh to run CPU burners");

  private final String purpose;

  HostFeature(String purpose) {
    this.purpose = purpose;
  }

  /** The name in JSON and messages: {@code cgroup_procs}, {@code shell}. */
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
