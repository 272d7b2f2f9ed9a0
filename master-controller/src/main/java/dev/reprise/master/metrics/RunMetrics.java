package dev.reprise.master.metrics;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.master.run.Outcome;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunCoordinator.State;
import dev.reprise.master.run.RunListener;
import dev.reprise.time.Time;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One run's figures as Prometheus metrics, fed as a {@link RunListener} and read by scrapes of the
 * registry it registers on (one registry per run, never the default one; serve it with {@link
 * MetricsServer}). Every name starts with {@code reprise_}; every series has the label {@code run}:
 * the run's ID once {@link #deploying} told it, before that (the states up to pre-flight) the run
 * name given to the constructor.
 *
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><th>name</th><th>type</th><th>labels</th><th>meaning</th></tr>
 *   <tr><td>{@code reprise_run_state}</td><td>gauge</td><td>run, state</td><td>1 for the coordinator's current
 *       {@link State} (lower-case), 0 for every other state</td></tr>
 *   <tr><td>{@code reprise_faults_active}</td><td>gauge</td><td>run, type, service, host</td><td>fault windows in
 *       effect now on that host (see below); 0 once a (type, service, host) has had one</td></tr>
 *   <tr><td>{@code reprise_actions_fired_total}</td><td>counter</td><td>run, action, outcome</td><td>action reports:
 *       one per host that fired the action; {@code action} is {@code start|stop|fault|mark},
 *       {@code outcome} the agent's {@code ok|failed|unknown}</td></tr>
 *   <tr><td>{@code reprise_firing_error_milliseconds}</td><td>histogram</td><td>run</td><td>actual − planned fire
 *       time of each reported action, ms (buckets {@link #FIRING_ERROR_BUCKETS})</td></tr>
 *   <tr><td>{@code reprise_heals_total}</td><td>counter</td><td>run, host</td><td>active faults the host's agent
 *       healed when it ended the run (its {@code ended.healed})</td></tr>
 *   <tr><td>{@code reprise_aborts_total}</td><td>counter</td><td>run</td><td>1 once the run ended {@code aborted}</td></tr>
 *   <tr><td>{@code reprise_alive_containers}</td><td>gauge</td><td>run, service</td><td>running containers of the
 *       service, the sum of every host's latest count (at arm, then after each action)</td></tr>
 *   <tr><td>{@code reprise_clock_offset_milliseconds}</td><td>gauge</td><td>run, host</td><td>the host agent's clock
 *       correction at arm (reference − local)</td></tr>
 *   <tr><td>{@code reprise_clock_uncertainty_milliseconds}</td><td>gauge</td><td>run, host</td><td>its uncertainty
 *       (absent without NTP)</td></tr>
 *   <tr><td>{@code reprise_workload_ops_total}</td><td>counter</td><td>run, service, outcome</td><td>workload
 *       operations the service's containers reported, {@code outcome} {@code ok|failed}</td></tr>
 *   <tr><td>{@code reprise_workload_p99_milliseconds}</td><td>gauge</td><td>run, service</td><td>the highest p99 of
 *       the service's containers' latest per-second lines (containers whose latest line had no success left out)</td></tr>
 * </table>
 *
 * <p><b>Active faults</b> are computed when scraped, from the injected {@link Time}: a fault action a
 * host reported (its {@code progress}, outcome not {@code failed}) is active on that host from its
 * fire time — T0 + the plan's offset + the reported firing error — until that plus the fault's
 * duration, or until the host's agent ended the run (it heals on ending), or until the run ended,
 * whichever comes first. Faults without a duration ({@code kill}, {@code signal}, {@code custom}) are
 * never active. The action's type and duration come from the plan, by the reported {@code seq}.
 *
 * <p>Thread-safety: the listener methods run on the run's thread, scrapes on the server's threads;
 * both take this object's lock, briefly. Every value is read at scrape time (callback metrics), except
 * the histogram.
 */
public final class RunMetrics implements RunListener {

  /** Upper bounds of {@code reprise_firing_error_milliseconds}, ms. */
  public static final double[] FIRING_ERROR_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};

  private final Plan plan;
  private final Time time;
  private final Map<Integer, FaultAction> faultsBySeq = new HashMap<>();
  private final Histogram firingError;

  // Guarded by this.
  private String run;
  private State state = State.NEW;
  private Instant t0;
  private final List<Window> windows = new ArrayList<>();
  private final Map<List<String>, Boolean> faultSeries = new TreeMap<>(RunMetrics::compareLists);
  private final Map<List<String>, Long> fired = new TreeMap<>(RunMetrics::compareLists);
  private final Map<String, Long> heals = new TreeMap<>();
  private long aborts;
  private final Map<String, Map<String, Integer>> aliveByHost = new TreeMap<>();
  private final Map<String, Double> clockOffset = new TreeMap<>();
  private final Map<String, Double> clockUncertainty = new TreeMap<>();
  private final Map<String, long[]> workloadOps = new TreeMap<>();
  private final Map<String, Map<Integer, Double>> workloadP99 = new TreeMap<>();

  /** One fault window on one host; {@code until} moves earlier when the host's agent ends. */
  private static final class Window {
    final String type;
    final String service;
    final String host;
    final Instant from;
    Instant until;

    Window(String type, String service, String host, Instant from, Instant until) {
      this.type = type;
      this.service = service;
      this.host = host;
      this.from = from;
      this.until = until;
    }
  }

  /**
   * Registers every metric on {@code registry} (a registry of this run's own: the names are fixed,
   * so a second RunMetrics on the same registry is refused by it).
   *
   * @param plan the run's plan: each reported action's fault type and duration, the services
   * @param runName the {@code run} label until {@link #deploying} gives the run's ID
   * @param time the clock active faults are judged against (the master's)
   */
  public RunMetrics(PrometheusRegistry registry, Plan plan, String runName, Time time) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.time = Objects.requireNonNull(time, "time");
    this.run = Objects.requireNonNull(runName, "runName");
    for (PlannedAction a : plan.actions()) {
      if (a instanceof FaultAction f) faultsBySeq.put(f.seq(), f);
    }

    GaugeWithCallback.builder().name("reprise_run_state")
        .help("1 for the run's current state, 0 for the others")
        .labelNames("run", "state")
        .callback(cb -> {
          synchronized (this) {
            for (State s : State.values()) cb.call(s == state ? 1 : 0, run, stateName(s));
          }
        }).register(registry);
    GaugeWithCallback.builder().name("reprise_faults_active")
        .help("Fault windows in effect now, per fault type, FDSL service and host")
        .labelNames("run", "type", "service", "host")
        .callback(cb -> {
          synchronized (this) {
            Instant now = time.now();
            var active = new TreeMap<List<String>, Integer>(RunMetrics::compareLists);
            faultSeries.keySet().forEach(k -> active.put(k, 0));
            for (Window w : windows) {
              if (!now.isBefore(w.from) && now.isBefore(w.until)) {
                active.merge(List.of(w.type, w.service, w.host), 1, Integer::sum);
              }
            }
            active.forEach((k, n) -> cb.call(n, run, k.get(0), k.get(1), k.get(2)));
          }
        }).register(registry);
    CounterWithCallback.builder().name("reprise_actions_fired_total")
        .help("Action reports from the agents (one per host that fired the action)")
        .labelNames("run", "action", "outcome")
        .callback(cb -> {
          synchronized (this) {
            fired.forEach((k, n) -> cb.call(n, run, k.get(0), k.get(1)));
          }
        }).register(registry);
    firingError = Histogram.builder().name("reprise_firing_error_milliseconds")
        .help("Actual minus planned fire time of each reported action, in milliseconds")
        .labelNames("run")
        .classicOnly()
        .classicUpperBounds(FIRING_ERROR_BUCKETS)
        .register(registry);
    CounterWithCallback.builder().name("reprise_heals_total")
        .help("Active faults a host's agent healed when it ended the run")
        .labelNames("run", "host")
        .callback(cb -> {
          synchronized (this) {
            heals.forEach((host, n) -> cb.call(n, run, host));
          }
        }).register(registry);
    CounterWithCallback.builder().name("reprise_aborts_total")
        .help("1 once the run ended aborted")
        .labelNames("run")
        .callback(cb -> {
          synchronized (this) {
            cb.call(aborts, run);
          }
        }).register(registry);
    GaugeWithCallback.builder().name("reprise_alive_containers")
        .help("Running containers per FDSL service, summed over the hosts' latest reports")
        .labelNames("run", "service")
        .callback(cb -> {
          synchronized (this) {
            alive().forEach((service, n) -> cb.call(n, run, service));
          }
        }).register(registry);
    GaugeWithCallback.builder().name("reprise_clock_offset_milliseconds")
        .help("Each host agent's clock correction at arm (reference minus local), in milliseconds")
        .labelNames("run", "host")
        .callback(cb -> {
          synchronized (this) {
            clockOffset.forEach((host, ms) -> cb.call(ms, run, host));
          }
        }).register(registry);
    GaugeWithCallback.builder().name("reprise_clock_uncertainty_milliseconds")
        .help("The uncertainty of each host agent's clock correction at arm, in milliseconds")
        .labelNames("run", "host")
        .callback(cb -> {
          synchronized (this) {
            clockUncertainty.forEach((host, ms) -> cb.call(ms, run, host));
          }
        }).register(registry);
    CounterWithCallback.builder().name("reprise_workload_ops_total")
        .help("Workload operations the service's containers reported, by outcome")
        .labelNames("run", "service", "outcome")
        .callback(cb -> {
          synchronized (this) {
            workloadOps.forEach((service, n) -> {
              cb.call(n[0], run, service, "ok");
              cb.call(n[1], run, service, "failed");
            });
          }
        }).register(registry);
    GaugeWithCallback.builder().name("reprise_workload_p99_milliseconds")
        .help("The highest p99 latency of the service's containers' latest per-second lines, in milliseconds")
        .labelNames("run", "service")
        .callback(cb -> {
          synchronized (this) {
            workloadP99.forEach((service, byId) -> byId.values().stream().mapToDouble(Double::doubleValue).max()
                .ifPresent(p99 -> cb.call(p99, run, service)));
          }
        }).register(registry);
  }

  /** The state's label value: its name in lower case ({@code running}, {@code done}, ...). */
  public static String stateName(State s) {
    return s.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public synchronized void stateChanged(State from, State to) {
    state = to;
  }

  @Override
  public synchronized void deploying(String runId, Path runDir) {
    run = runId;
  }

  @Override
  public synchronized void armed(Instant t0, Map<String, AgentMessage.Armed> byHost) {
    this.t0 = t0;
    byHost.forEach((host, ack) -> {
      if (ack == null) return;
      clockOffset.put(host, ack.clockOffsetMs());
      if (ack.clockUncertaintyMs() != null) clockUncertainty.put(host, ack.clockUncertaintyMs());
      if (ack.alive() != null) aliveByHost.put(host, new TreeMap<>(ack.alive()));
    });
  }

  @Override
  public void actionFired(String host, AgentMessage.Progress p, long elapsedMillis) {
    if (p.firingErrorMs() != null) firingError.labelValues(currentRun()).observe(p.firingErrorMs());
    synchronized (this) {
      String outcome = p.outcome() == null ? "unknown" : p.outcome();
      fired.merge(List.of(p.action() == null ? "unknown" : p.action(), outcome), 1L, Long::sum);
      if (p.alive() != null) aliveByHost.put(host, new TreeMap<>(p.alive()));
      FaultAction fault = p.seq() == null ? null : faultsBySeq.get(p.seq());
      if (fault == null) return;
      String type = fault.fault().type();
      String service = p.service() != null ? p.service() : fault.service();
      faultSeries.put(List.of(type, service, host), Boolean.TRUE);
      long duration = fault.fault().durationMillis();
      if ("failed".equals(outcome) || duration <= 0) return;
      Instant from = firedAt(fault, p);
      windows.add(new Window(type, service, host, from, from.plusMillis(duration)));
    }
  }

  /** T0 + offset + the reported firing error; without T0 (never armed) the report's own time. */
  private Instant firedAt(FaultAction fault, AgentMessage.Progress p) {
    if (t0 == null) return p.time() != null ? p.time() : time.now();
    long errorMicros = p.firingErrorMs() == null ? 0 : Math.round(p.firingErrorMs() * 1000);
    return t0.plusMillis(fault.offsetMillis()).plusNanos(errorMicros * 1000);
  }

  @Override
  public synchronized void agentEnded(String host, AgentMessage.Ended ended, long elapsedMillis) {
    heals.merge(host, ended.healed() == null ? 0L : ended.healed().longValue(), Long::sum);
    closeWindows(host);
  }

  @Override
  public synchronized void workloadSample(String host, AgentMessage.WorkloadSample s) {
    if (s.service() == null) return;
    long[] ops = workloadOps.computeIfAbsent(s.service(), k -> new long[2]);
    ops[0] += s.ok() == null ? 0 : s.ok();
    ops[1] += s.failed() == null ? 0 : s.failed();
    var byId = workloadP99.computeIfAbsent(s.service(), k -> new TreeMap<>());
    int id = s.id() == null ? -1 : s.id();
    if (s.p99Ms() == null) byId.remove(id);
    else byId.put(id, s.p99Ms());
  }

  @Override
  public synchronized void ended(RunCoordinator.Result result) {
    if (result.outcome() == Outcome.ABORTED) aborts = 1;
    closeWindows(null);
  }

  /** Ends, now, the windows of {@code host} (null: of every host) that would have lasted longer. */
  private void closeWindows(String host) {
    Instant now = time.now();
    for (Window w : windows) {
      if ((host == null || host.equals(w.host)) && w.until.isAfter(now)) w.until = now.isBefore(w.from) ? w.from : now;
    }
  }

  private synchronized String currentRun() {
    return run;
  }

  /** Per service, the sum of every host's latest count (the plan's services at 0 once any host reported). */
  private Map<String, Integer> alive() {
    var sum = new TreeMap<String, Integer>();
    if (aliveByHost.isEmpty()) return sum;
    plan.beginning().keySet().forEach(s -> sum.put(s, 0));
    aliveByHost.values().forEach(m -> m.forEach((s, n) -> sum.merge(s, n == null ? 0 : n, Integer::sum)));
    return sum;
  }

  private static int compareLists(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) return c;
    }
    return Integer.compare(a.size(), b.size());
  }
}
