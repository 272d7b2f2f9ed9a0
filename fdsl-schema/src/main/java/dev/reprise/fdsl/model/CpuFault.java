package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code cpu:} — burn {@code cores} cores inside the target containers' cgroup for the duration.
 *
 * @param durationMillis how long to burn, &gt; 0
 * @param cores how many cores to burn, &ge; 1 (extension; FaultSee burned one)
 */
public record CpuFault(@JsonProperty("durationMillis") long durationMillis, @JsonProperty("cores") int cores) implements FaultSpec {
  public static final String TYPE = "cpu";

  public CpuFault {
    if (durationMillis <= 0) throw new IllegalArgumentException("durationMillis must be > 0");
    if (cores < 1) throw new IllegalArgumentException("cores must be >= 1");
  }

  @Override public String type() { return TYPE; }
  @Override public String label() { return "cpu x" + cores + " " + Durations.format(durationMillis); }
  @Override public boolean killsContainer() { return false; }
}
