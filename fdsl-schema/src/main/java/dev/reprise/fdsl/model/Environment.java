package dev.reprise.fdsl.model;

/**
 * The {@code environment} section.
 *
 * @param seed root seed of every random pick (FaultSee's default {@value #DEFAULT_SEED})
 * @param ntpServer host name of the NTP server clocks are measured against; null: no clock sync
 * @param compose the compose file, relative to the scenario's folder (extension); null: the default
 * @param ntpResyncMillis how often each host re-measures its clock during the run (extension;
 *     default {@value #DEFAULT_NTP_RESYNC_MILLIS}); 0: only at arm. Meaningless without an NTP server
 * @param safety the run's guardrails (extension); {@link Safety#none()} when the section is absent
 * @param grafana where to post annotations (extension); null: nowhere
 * @param faults a further folder of custom fault scripts, relative to the scenario's folder (extension;
 *     searched after the scenario's own {@code faults/}); null: none
 * @param restart what becomes of the compose file's {@code deploy.restart_policy} (extension);
 *     {@link Restart#NONE} when absent
 * @param expectations {@code expect} and {@code baseline} (extension); {@link Expectations#none()} when absent
 */
public record Environment(long seed, String ntpServer, String compose, long ntpResyncMillis, Safety safety,
    Grafana grafana, String faults, Restart restart, Expectations expectations) {
  public static final long DEFAULT_SEED = 789;
  public static final long DEFAULT_NTP_RESYNC_MILLIS = 60_000;
  /** The shortest resync interval accepted: more often would only load the NTP server. */
  public static final long MIN_NTP_RESYNC_MILLIS = 1_000;

  public Environment {
    if (safety == null) safety = Safety.none();
    if (restart == null) restart = Restart.NONE;
    if (expectations == null) expectations = Expectations.none();
  }

  /** The environment without budgets or a declared baseline. */
  public Environment(long seed, String ntpServer, String compose, long ntpResyncMillis, Safety safety,
      Grafana grafana, String faults, Restart restart) {
    this(seed, ntpServer, compose, ntpResyncMillis, safety, grafana, faults, restart, Expectations.none());
  }

  /** {@code environment.restart}: whether Swarm may restart the containers the scenario kills. */
  public enum Restart {
    /**
     * The default: every service gets {@code restart_policy: {condition: none}}, so a killed
     * container stays dead and the FDSL alive set is exact.
     */
    NONE,
    /**
     * The compose file's {@code deploy.restart_policy} is kept as written (Swarm's self-healing is
     * what is under test); kills may be undone by Swarm and the alive set becomes approximate.
     */
    KEEP
  }

  /** The environment with only the compose file, seed etc. of the old constructor (no extra faults folder, restart none). */
  public Environment(long seed, String ntpServer, String compose, long ntpResyncMillis, Safety safety, Grafana grafana) {
    this(seed, ntpServer, compose, ntpResyncMillis, safety, grafana, null, Restart.NONE);
  }

  /** The environment of a scenario that has none: default seed, no clock sync, the default compose file. */
  public static Environment defaults() {
    return new Environment(DEFAULT_SEED, null, null, DEFAULT_NTP_RESYNC_MILLIS, Safety.none(), null);
  }
}
