package dev.reprise.master.experiments;

/**
 * Where an ad-hoc experiment is. {@code INJECTED → RUNNING → ROLLED_BACK} is the normal life;
 * the last three are final.
 */
public enum ExperimentState {
  /** Accepted and being applied (its run is arming); what {@code POST} answers. */
  INJECTED,
  /** The fault is in effect on at least one target. */
  RUNNING,
  /** Healed: at its TTL ({@code rollbackScheduledAt}), or earlier on a rollback request. */
  ROLLED_BACK,
  /** Stopped early and healed by something other than a rollback request: a safety threshold, Ctrl-C, the server going away. */
  ABORTED,
  /** It could not be applied, or its run failed (every fault it did apply is healed). */
  FAILED;

  public boolean isFinal() {
    return this == ROLLED_BACK || this == ABORTED || this == FAILED;
  }
}
