package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code pause:} — freeze every process of the target containers (the engine's pause: the cgroup
 * freezer) for the duration, then thaw them. The containers stay alive: same container, same FDSL ID.
 *
 * @param durationMillis how long the processes stay frozen, &gt; 0
 */
public record PauseFault(@JsonProperty("durationMillis") long durationMillis) implements FaultSpec {
  public static final String TYPE = "pause";

  public PauseFault {
    if (durationMillis <= 0) throw new IllegalArgumentException("durationMillis must be > 0");
  }

  @Override public String type() { return TYPE; }
  @Override public String label() { return "pause " + Durations.format(durationMillis); }
  @Override public boolean killsContainer() { return false; }
}
