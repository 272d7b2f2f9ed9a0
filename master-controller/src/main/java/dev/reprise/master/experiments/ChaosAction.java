package dev.reprise.master.experiments;

import java.util.List;

/**
 * The {@code action} of an ad-hoc experiment, in the control plane's words (the chaos-engineering
 * contract's names), each mapped onto one of Reprise's fault types. The parameters an action
 * accepts are the keys of {@link ExperimentRequest#parameters()} it reads; any other key is a
 * field error ({@code parameters.<key>}).
 *
 * <p>Common to every action: {@code targetCount} (containers of the service to fault, default 1) or
 * {@code targetPercent} (of its running containers, rounded down, at least 1), never both.
 */
public enum ChaosAction {
  /** {@code partition}: the targets cut off from {@code targetPartitionGroupB} (default: every other container of the stack). */
  NETWORK_PARTITION("partition", List.of("targetPartitionGroupA", "targetPartitionGroupB", "direction")),
  /** {@code network} delay. */
  NETWORK_DELAY("network", List.of("latencyMs", "jitterMs", "correlationPct", "toService", "ports")),
  /** {@code network} loss. */
  PACKET_LOSS("network", List.of("packetLossPct", "correlationPct", "toService", "ports")),
  /** {@code network} rate limit. */
  BANDWIDTH_LIMIT("network", List.of("rateKbit", "toService", "ports")),
  /** {@code kill} (SIGKILL; the container stays dead unless the stack's own restart policy starts a new one). */
  KILL("kill", List.of()),
  /** {@code signal} (e.g. {@code SIGTERM}, {@code SIGHUP}). */
  SIGNAL("signal", List.of("signal")),
  /** {@code restart}: stopped, down for {@code downSeconds}, started again. */
  RESTART("restart", List.of("downSeconds", "graceSeconds")),
  /** {@code cpu}: burners in the container's cgroup. */
  CPU_SPIKE("cpu", List.of("cores")),
  /** {@code memory}: memory held in the container's cgroup. */
  MEMORY_PRESSURE("memory", List.of("sizeMb", "rateMbPerSecond")),
  /** {@code disk_fill}: a filler file in {@code path}. */
  DISK_FULL("disk_fill", List.of("path", "sizeMb", "fillPct")),
  /** {@code io}: read/write load on {@code path}. */
  IO_STRESS("io", List.of("path", "mode", "workers", "sizeMb")),
  /** {@code pause}: every process of the container frozen. */
  PAUSE("pause", List.of());

  /** Parameters every action accepts. */
  public static final List<String> COMMON_PARAMETERS = List.of("targetCount", "targetPercent");

  private final String faultType;
  private final List<String> parameters;

  ChaosAction(String faultType, List<String> parameters) {
    this.faultType = faultType;
    this.parameters = parameters;
  }

  /** Reprise's fault type (the FDSL key) this action is carried out as. */
  public String faultType() {
    return faultType;
  }

  /** The parameter keys this action reads, besides {@link #COMMON_PARAMETERS}. */
  public List<String> parameters() {
    return parameters;
  }
}
