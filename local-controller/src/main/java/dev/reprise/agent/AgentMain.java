package dev.reprise.agent;

import dev.reprise.agent.collect.ProcHostProbe;
import dev.reprise.agent.runtime.DockerContainerRuntime;
import dev.reprise.agent.runtime.LinuxHostOps;
import dev.reprise.agent.runtime.swarm.SwarmServicePlacement;
import dev.reprise.agent.time.ClockSync;
import dev.reprise.agent.time.PreciseScheduler;
import dev.reprise.agent.time.MonotonicClock;
import java.nio.file.Path;

/**
 * The agent as a process ({@code java -jar agent-all.jar}): speaks the protocol on stdin/stdout
 * (the master runs it over an SSH exec channel); diagnostics go to stderr. SIGINT/SIGTERM abort the
 * run (heal, flush, {@code ended aborted}) before the JVM exits. Exit code 0 when the run ended
 * {@code ok}, 1 otherwise.
 */
public final class AgentMain {
  private AgentMain() {}

  /** How often the agent re-measures its clock during a run (with an {@code ntp_server}). */
  public static final java.time.Duration CLOCK_RESYNC = java.time.Duration.ofSeconds(60);

  /** The production dependencies: Docker on DOCKER_HOST or the local socket, /proc, NTP (re-measured every {@link #CLOCK_RESYNC}), the monotonic clock, the precise scheduler. */
  public static Agent.Dependencies realDependencies() {
    var host = new LinuxHostOps();
    return new Agent.Dependencies(DockerContainerRuntime.connect(), SwarmServicePlacement.connect(), host, new ProcHostProbe(Path.of("/proc")),
        ClockSync::forServer, MonotonicClock::new,
        clock -> new PreciseScheduler(clock, "agent-scheduler", t -> System.err.println("agent: scheduled task failed: " + t),
            () -> host.prioritizeCurrentThread().ifPresent(why -> System.err.println("agent: the scheduler runs at normal priority: " + why))),
        CLOCK_RESYNC, 4, dev.reprise.agent.heal.HealJournalStore.defaultRoot(), host.helperPath());
  }

  /** The agent process's logging configuration (stderr, WARN): stdout carries the protocol and nothing else. */
  static final String LOG_CONFIG = "reprise-agent-logback.xml";

  public static void main(String[] args) {
    // Before any logger exists (docker-java creates its own in realDependencies); a user's choice wins.
    if (System.getProperty("logback.configurationFile") == null) System.setProperty("logback.configurationFile", LOG_CONFIG);
    var deps = realDependencies();
    var agent = new Agent(deps);
    var done = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (agent.state() == Agent.State.ENDED) return;
      agent.abort("the agent process was interrupted (SIGINT/SIGTERM)");
      try {
        done.await(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "agent-shutdown"));
    String outcome;
    try {
      outcome = agent.run(System.in, System.out);
    } finally {
      done.countDown();
      deps.runtime().close();
      deps.placement().close();
    }
    System.exit("ok".equals(outcome) ? 0 : 1);
  }
}
