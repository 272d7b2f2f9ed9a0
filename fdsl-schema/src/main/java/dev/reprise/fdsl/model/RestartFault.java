package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code restart:} — stop the target containers (SIGTERM, then SIGKILL after the grace period),
 * keep them stopped for {@code downMillis}, then start the same containers again: same container,
 * same FDSL ID, same volumes and file system. They count as alive throughout (the planner does not
 * remove them); the heal is the start.
 *
 * @param downMillis how long the containers stay stopped, &ge; 0 (0: started again at once); also
 *     {@link #durationMillis()}
 * @param graceMillis SIGTERM → SIGKILL wait, &ge; 0; null: the run's stop grace period, as {@code stop} uses
 */
public record RestartFault(@JsonProperty("downMillis") long downMillis, @JsonProperty("graceMillis") Long graceMillis)
    implements FaultSpec {
  public static final String TYPE = "restart";

  public RestartFault {
    if (downMillis < 0) throw new IllegalArgumentException("downMillis must be >= 0");
    if (graceMillis != null && graceMillis < 0) throw new IllegalArgumentException("graceMillis must be >= 0");
  }

  @Override public String type() { return TYPE; }
  @Override public String label() { return downMillis == 0 ? "restart" : "restart down " + Durations.format(downMillis); }
  @Override public boolean killsContainer() { return false; }
  /** The down time: the heal (the start) is due this long after the stop. */
  @Override public long durationMillis() { return downMillis; }
}
