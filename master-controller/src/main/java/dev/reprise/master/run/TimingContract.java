package dev.reprise.master.run;

import dev.reprise.agent.Agent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The timing contract between the master and its agents, in one place. Each side has a watchdog on
 * the other; they must nest, or a healthy run is aborted (a heartbeat slower than the dead-man
 * switch) or the master gives up on an agent that is still healing (an abort wait shorter than the
 * agent's stop):
 *
 * <pre>
 *   HEARTBEAT (master → agent, 1 s, on its own thread: AgentSession)
 *     &lt; Agent.DEAD_MAN (5 s: the agent heals and stops when the master is silent that long, or at EOF)
 *     &lt; AGENT_SILENCE (10 s: the master aborts the run when an agent is silent that long;
 *                       agents heartbeat every AGENT_TICK)
 *   ABORT_WAIT (how long the master waits for {@code ended} after {@code abort})
 *     &gt; stop grace (SIGTERM → SIGKILL of a {@code stop} in flight)
 *       + AGENT_STOP_DRAIN (the agent waits that much longer for in-flight actions)
 *       + HEAL_TIME (killing burners, removing tc/iptables objects, unpausing)
 * </pre>
 *
 * {@link RunSettings} refuses settings that break it ({@link #violations}); a unit test checks the
 * defaults. Pure constants and functions; any thread.
 */
public final class TimingContract {
  /** How often the master heartbeats every agent. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(1);
  /** How often an agent heartbeats its master (the agent's own tick). */
  public static final Duration AGENT_TICK = Duration.ofSeconds(1);
  /** The agent's dead-man switch: silence of the master after which it heals and stops. */
  public static final Duration DEAD_MAN = Agent.DEAD_MAN;
  /** How long an agent may be silent before the master aborts the run. */
  public static final Duration AGENT_SILENCE = Duration.ofSeconds(10);
  /**
   * How much longer than the stop grace the agent waits for in-flight actions when it stops
   * ({@code Agent.stop}: {@code stopGraceMs + 15 000} ms; mirrored here, keep them equal).
   */
  public static final Duration AGENT_STOP_DRAIN = Duration.ofSeconds(15);
  /** A bound on healing every active fault (burners, tc/iptables, paused containers). */
  public static final Duration HEAL_TIME = Duration.ofSeconds(5);
  /** The default stop grace (SIGTERM → SIGKILL) of a {@code stop} action. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /**
   * How long one NTP measurement may take on an agent: {@code ClockSync.forServer}'s samples (6)
   * times its reply timeout (2 s); mirrored here, keep them equal. A pre-flight probe of a server
   * that does not answer gives up after two timeouts.
   */
  public static final Duration NTP_MEASURE = Duration.ofSeconds(12);
  /**
   * How long the master waits for every agent's pre-flight report: the clock measurement plus a few
   * seconds for the engine and the host-feature checks (file and executable tests).
   */
  public static final Duration PREFLIGHT = NTP_MEASURE.plusSeconds(5);

  private TimingContract() {}

  /** The shortest abort wait the contract allows for {@code stopGrace}, plus a second of slack. */
  public static Duration abortWait(Duration stopGrace) {
    return stopGrace.plus(AGENT_STOP_DRAIN).plus(HEAL_TIME).plusSeconds(1);
  }

  /** What in these timings breaks the contract; empty when they keep it. */
  public static List<String> violations(Duration heartbeat, Duration agentSilence, Duration abortWait, Duration stopGrace) {
    var problems = new ArrayList<String>();
    if (heartbeat.isZero() || heartbeat.isNegative()) problems.add("the heartbeat interval must be positive");
    if (heartbeat.compareTo(DEAD_MAN) >= 0) {
      problems.add("the heartbeat interval (" + heartbeat + ") must be shorter than the agent's dead-man switch (" + DEAD_MAN + ")");
    }
    if (agentSilence.compareTo(DEAD_MAN) <= 0) {
      problems.add("the master's agent-silence abort (" + agentSilence + ") must be longer than the agent's dead-man switch ("
          + DEAD_MAN + ")");
    }
    if (agentSilence.compareTo(AGENT_TICK.multipliedBy(2)) < 0) {
      problems.add("the master's agent-silence abort (" + agentSilence + ") must cover at least two agent heartbeats ("
          + AGENT_TICK + " each)");
    }
    var agentStop = stopGrace.plus(AGENT_STOP_DRAIN).plus(HEAL_TIME);
    if (abortWait.compareTo(agentStop) <= 0) {
      problems.add("the abort wait (" + abortWait + ") must be longer than the agent's stop: grace " + stopGrace + " + drain "
          + AGENT_STOP_DRAIN + " + heal " + HEAL_TIME);
    }
    return problems;
  }
}
