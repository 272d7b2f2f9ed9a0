package dev.reprise.master.run;

import java.time.Duration;

/**
 * The run coordinator's timings. Immutable; {@link #DEFAULTS} for real runs, shorter ones in tests.
 * The heartbeat, the agent silence and the abort wait must keep the {@link TimingContract}: the
 * constructor refuses settings that break it.
 *
 * @param armLead how far ahead of arming T0 is set
 * @param containersTimeout how long the initial containers may take to run
 * @param helloTimeout how long the agent may take to answer {@code hello} and {@code arm}
 * @param endGrace how long after T0 + end the agent may take to send {@code ended}
 * @param abortWait how long the agent may take to answer {@code abort} with {@code ended}
 * @param agentSilence how long the agent may stay silent (no heartbeat) before the run fails
 * @param removeTimeout how long removing the stack may take
 * @param heartbeat how often the master sends a heartbeat (and redraws the progress line)
 * @param statsIntervalMs the agent's stats sampling interval
 * @param stopGraceMs SIGTERM→SIGKILL grace for {@code stop}
 */
public record RunSettings(
    Duration armLead,
    Duration containersTimeout,
    Duration helloTimeout,
    Duration endGrace,
    Duration abortWait,
    Duration agentSilence,
    Duration removeTimeout,
    Duration heartbeat,
    long statsIntervalMs,
    long stopGraceMs) {

  public RunSettings {
    var problems = TimingContract.violations(heartbeat, agentSilence, abortWait, Duration.ofMillis(stopGraceMs));
    if (!problems.isEmpty()) throw new IllegalArgumentException("run settings break the timing contract: " + String.join("; ", problems));
  }

  public static final RunSettings DEFAULTS = new RunSettings(Duration.ofSeconds(3), Duration.ofSeconds(90),
      Duration.ofSeconds(30), Duration.ofSeconds(30), TimingContract.abortWait(TimingContract.STOP_GRACE),
      TimingContract.AGENT_SILENCE, Duration.ofSeconds(60), TimingContract.HEARTBEAT, 1000,
      TimingContract.STOP_GRACE.toMillis());

  /**
   * For runs over SSH: agents start a JVM and measure their clock before {@code armed}, so T0 is
   * further ahead and hello/arm may take longer.
   */
  public static final RunSettings MULTI_HOST_DEFAULTS = new RunSettings(Duration.ofSeconds(8), Duration.ofSeconds(120),
      Duration.ofSeconds(60), Duration.ofSeconds(30), TimingContract.abortWait(TimingContract.STOP_GRACE),
      TimingContract.AGENT_SILENCE, Duration.ofSeconds(60), TimingContract.HEARTBEAT, 1000,
      TimingContract.STOP_GRACE.toMillis());
}
