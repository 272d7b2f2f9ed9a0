package dev.reprise.master.safety;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.fdsl.model.AbortCondition;
import dev.reprise.fdsl.model.Safety;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunHandle;
import dev.reprise.master.run.RunListener;
import dev.reprise.time.Time;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The master's safety loop ({@code environment.safety.abort_when}), as a {@link RunListener}: from T0
 * while the run runs it evaluates every condition every {@code checkIntervalMillis} — and the
 * workload conditions also the moment a workload line arrives — and the first that trips aborts the
 * run ({@link RunHandle#abort(String, RunManifest.SafetyTrip)}), once. Workload lines from before T0
 * are not counted (a client's setup is not the experiment's load).
 *
 * <p>Life: {@link #attached} keeps the handle; {@link #armed} starts ONE daemon thread of its own,
 * {@code safety-<run ID>}, whose first check comes one interval after T0 (between checks it waits
 * for a workload line on a semaphore, on the real clock; the checks' instants are the injected
 * {@link Time}'s); leaving
 * {@link RunCoordinator.State#RUNNING} stops the evaluation, {@link #ended} stops the thread (and
 * joins it briefly). A scenario without conditions gets no thread. The listener callbacks never
 * block: {@link #workloadSample} only appends to a lock-free inbox that the loop drains.
 *
 * <p>A condition's state (OK → HOLDING → TRIPPED, UNAVAILABLE, {@code for}, {@code if_unavailable})
 * is {@link ConditionTracker}'s; how workload figures are read is {@link WorkloadReader}'s.
 *
 * <p>Remote sources: each check starts every Prometheus and HTTP condition at once on a small pool
 * of daemon threads (one per remote condition), reads the workload meanwhile, then waits for the
 * answers. A Prometheus query waits at most min(2 s, interval), an HTTP check min(its
 * {@code timeout}, interval), so one slow source never stalls the loop past its interval; a query
 * still unanswered from the previous check is not sent again (that check reads it as unavailable).
 * Conditions are judged in the order written, and the first that trips wins.
 *
 * <p>Messages (warnings, recoveries, the trip as an error line) go to the sink given at construction
 * (none: to the run's handle, {@link RunHandle#note}, which passes them to every listener on the
 * run's thread), <b>on the loop's thread</b>, as whole terminal lines ({@code warning: }/{@code error: } prefixes
 * included) — a sink that is not thread-safe must hand them over.
 *
 * <p>For benchmarks: {@link #tripped()} tells when the condition first held, the sample time of that
 * window and when the abort was asked for; {@link #checks()} / {@link #lastCheckAt()} the checks.
 */
public final class SafetyLoop implements RunListener {

  /** Where the abort goes: the run's handle in production, a recorder in tests. */
  @FunctionalInterface
  interface Aborter {
    void abort(String reason, RunManifest.SafetyTrip trip);
  }

  /**
   * The trip, as kept for {@code run.json} and for latency figures.
   *
   * @param trip what went to {@link RunHandle#abort(String, RunManifest.SafetyTrip)} ({@code at}: the
   *     instant of the abort call, on the run's clock)
   * @param firstHeldAt the check at which the condition first held (or was first unavailable, for
   *     {@code if_unavailable: abort}) in the run of checks that tripped it
   * @param sampleTime for a workload condition: the end of the window (newest line's own time) at
   *     {@code firstHeldAt}, i.e. the workload sample that crossed; null otherwise
   * @param checks the number of checks made up to and including the one that tripped
   */
  public record Tripped(RunManifest.SafetyTrip trip, Instant firstHeldAt, Instant sampleTime, long checks) {
    /** From the first check at which the condition held to the abort call. */
    public Duration heldToAbort() {
      return Duration.between(firstHeldAt, trip.at());
    }

    /** From the end of the workload sample that crossed to the abort call; null for remote sources. */
    public Duration sampleToAbort() {
      return sampleTime == null ? null : Duration.between(sampleTime, trip.at());
    }
  }

  /** A Prometheus query's wait never exceeds this (and the interval). */
  static final long PROMETHEUS_TIMEOUT_MILLIS = 2_000;
  /** An HTTP check without its own timeout waits this (capped at the interval). */
  static final long HTTP_DEFAULT_TIMEOUT_MILLIS = 2_000;
  /** Beyond a remote source's own timeout, how long a check waits for its adapter to give up. */
  static final long REMOTE_GRACE_MILLIS = 250;
  /** How long {@link #ended} waits for the thread. */
  static final long JOIN_MILLIS = 2_000;

  private final Time time;
  private final PrometheusApi prometheus;
  private final HttpProbe http;
  private final BiConsumer<Level, String> messages;
  private final boolean ownThread;
  private final Executor injectedExecutor;
  private final long intervalMillis;
  private final String defaultPrometheusUrl;
  private final List<ConditionTracker> trackers = new ArrayList<>();
  private final Map<ConditionTracker, WorkloadReader> workloadReaders = new HashMap<>();
  private final Map<ConditionTracker, CompletableFuture<Reading>> inFlight = new HashMap<>();
  private final WorkloadWindow workload = new WorkloadWindow();
  private final boolean readsWorkload;

  private volatile Aborter aborter;
  private volatile String runId;
  private volatile boolean evaluating;
  private volatile boolean stopped;
  private final AtomicBoolean tripping = new AtomicBoolean();
  private volatile Tripped tripped;
  private final AtomicLong checks = new AtomicLong();
  private volatile Instant lastCheckAt;
  private final AtomicBoolean failureTold = new AtomicBoolean();
  private Thread thread;
  private ExecutorService ownExecutor;

  /** A loop with the java.net.http adapters ({@link JdkPrometheusApi}, {@link JdkHttpProbe}). */
  public SafetyLoop(Safety safety, Time time, BiConsumer<Level, String> messages) {
    this(safety, time, new JdkPrometheusApi(), new JdkHttpProbe(), messages);
  }

  /**
   * A loop over {@code safety.abortWhen()}, on {@code time}, reading remote sources through the given
   * ports; {@code messages} receives its lines on the loop's thread.
   */
  public SafetyLoop(Safety safety, Time time, PrometheusApi prometheus, HttpProbe http,
      BiConsumer<Level, String> messages) {
    this(safety, time, prometheus, http, messages, true, null);
  }

  /**
   * For tests: {@code ownThread} false starts no thread at {@link #armed} (the test calls
   * {@link #checkOnce}); {@code remoteExecutor} non-null runs the remote reads (a direct executor
   * makes a check deterministic), null: a pool of the loop's own.
   */
  SafetyLoop(Safety safety, Time time, PrometheusApi prometheus, HttpProbe http, BiConsumer<Level, String> messages,
      boolean ownThread, Executor remoteExecutor) {
    this.time = time;
    this.prometheus = prometheus;
    this.http = http;
    this.messages = messages;
    this.ownThread = ownThread;
    this.injectedExecutor = remoteExecutor;
    this.intervalMillis = safety.checkIntervalMillis() > 0 ? safety.checkIntervalMillis()
        : Safety.DEFAULT_CHECK_INTERVAL_MILLIS;
    this.defaultPrometheusUrl = safety.prometheusUrl();
    boolean anyWorkload = false;
    for (var c : safety.abortWhen()) {
      var tracker = new ConditionTracker(c);
      trackers.add(tracker);
      if (c instanceof AbortCondition.Workload w) {
        workloadReaders.put(tracker, new WorkloadReader(w));
        anyWorkload = true;
      }
    }
    this.readsWorkload = anyWorkload;
  }

  /** Whether there is anything to check: a scenario without {@code abort_when} needs no loop. */
  public boolean active() {
    return !trackers.isEmpty();
  }

  /** The trip, once a condition tripped. */
  public Optional<Tripped> tripped() {
    return Optional.ofNullable(tripped);
  }

  /** How many checks were made (each evaluates every condition). */
  public long checks() {
    return checks.get();
  }

  /** The instant of the last check, on the run's clock, or null before the first. */
  public Instant lastCheckAt() {
    return lastCheckAt;
  }

  // ---- RunListener (coordinator thread; none of these blocks, but ended joins briefly) ----

  @Override
  public void attached(RunHandle handle) {
    this.aborter = handle::abort;
    this.handleNotes = handle::note;
  }

  /** Where lines go when the loop was built without a sink: the run's handle, which passes them to the run's listeners. */
  private volatile BiConsumer<Level, String> handleNotes;

  /**
   * The safety loop of {@code request}'s {@code abort_when}, its lines told through the run's handle
   * (so every listener hears them, on the run's thread); empty when the scenario has no conditions.
   * Every caller that starts a run adds it to the run's listeners.
   */
  public static Optional<SafetyLoop> forRun(dev.reprise.master.run.RunRequest request, Time time) {
    var loop = new SafetyLoop(request.safety(), time, null);
    return loop.active() ? Optional.of(loop) : Optional.empty();
  }

  /** For tests: where the abort goes instead of a {@link RunHandle}. */
  void attached(Aborter aborter) {
    this.aborter = aborter;
  }

  @Override
  public void deploying(String runId, Path runDir) {
    this.runId = runId;
  }

  /** The run's T0 once armed: checks start there, and workload lines from before it are not counted. */
  private volatile Instant t0;

  @Override
  public void armed(Instant t0, Map<String, AgentMessage.Armed> byHost) {
    if (trackers.isEmpty() || stopped || evaluating) return;
    this.t0 = t0;
    evaluating = true;
    if (!ownThread) return;
    var t = new Thread(this::loop, threadName());
    t.setDaemon(true);
    synchronized (this) {
      thread = t;
    }
    t.start();
  }

  @Override
  public void stateChanged(RunCoordinator.State from, RunCoordinator.State to) {
    if (from == RunCoordinator.State.RUNNING) stop();
  }

  @Override
  public void workloadSample(String host, AgentMessage.WorkloadSample sample) {
    if (!readsWorkload || stopped || sample == null) return;
    // lines from before T0 are the workload's setup (connecting, its server not up yet), not the experiment
    var start = t0;
    if (start != null && sample.time() != null && sample.time().isBefore(start)) return;
    workload.offer(sample, time.nanoTime(), time.now());
    if (evaluating) sampleArrived.release();
  }

  @Override
  public void ended(RunCoordinator.Result result) {
    stop();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The loop's thread name: {@code safety-<run ID>} (the run ID is known from {@link #deploying}). */
  String threadName() {
    return "safety-" + (runId != null ? runId : "run");
  }

  /** The kept workload lines (for tests of the memory bound). */
  WorkloadWindow workloadWindow() {
    return workload;
  }

  /** The loop's thread, once started (for tests). */
  synchronized Thread thread() {
    return thread;
  }

  /** Stops evaluating and the thread; idempotent, never blocks. */
  private void stop() {
    evaluating = false;
    stopped = true;
    Thread t;
    ExecutorService pool;
    synchronized (this) {
      t = thread;
      pool = ownExecutor;
    }
    if (t != null && t != Thread.currentThread()) t.interrupt();
    if (pool != null) pool.shutdownNow();
  }

  private void loop() {
    long intervalNanos = intervalMillis * 1_000_000L;
    // the first check one interval after T0 (armed comes a few seconds before it)
    long untilT0 = t0 == null ? 0 : Math.max(0, java.time.Duration.between(time.now(), t0).toNanos());
    long next = time.nanoTime() + untilT0 + intervalNanos;
    try {
      while (!stopped && tripped == null) {
        long wait = next - time.nanoTime();
        // a workload line wakes the loop at once: its conditions are judged the moment a line arrives,
        // the others (remote sources) every interval
        boolean sample = wait > 0 && readsWorkload && sampleArrived.tryAcquire(wait, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (stopped) break;
        try {
          if (sample) {
            sampleArrived.drainPermits();
            check(false);
            continue;
          }
          if (!readsWorkload) time.sleepUntilNanos(next);
          if (stopped) break;
          checkOnce();
        } catch (RuntimeException e) {
          // a bug of ours must not end the guardrails silently: told once, the loop goes on
          if (failureTold.compareAndSet(false, true)) {
            tell(Level.WARNING, "warning: safety: a check failed (the loop goes on): " + e);
          }
        }
        long now = time.nanoTime();
        next += intervalNanos;
        if (next <= now) next = now + intervalNanos; // a late check does not cause a burst of checks
      }
    } catch (InterruptedException e) {
      // stopping
    }
  }

  /** Released by every workload line while the run is checked: wakes the loop's thread. */
  private final java.util.concurrent.Semaphore sampleArrived = new java.util.concurrent.Semaphore(0);

  /**
   * One check of every condition (the loop's thread calls it every interval; tests call it with a
   * manual clock). Does nothing unless armed and still running, or once a condition tripped.
   */
  void checkOnce() {
    check(true);
  }

  /**
   * One check of the workload conditions only, as a line arrives (the loop's thread; tests call it
   * with a manual clock).
   */
  void checkWorkloadOnly() {
    check(false);
  }

  private void check(boolean withRemote) {
    if (!evaluating || tripped != null) return;
    long nowNanos = time.nanoTime();
    Instant now = time.now();
    long count = checks.incrementAndGet();
    lastCheckAt = now;
    if (readsWorkload) workload.drain();

    var remote = new HashMap<ConditionTracker, CompletableFuture<Reading>>();
    for (var tracker : trackers) {
      if (withRemote && !(tracker.condition instanceof AbortCondition.Workload)) remote.put(tracker, startRemote(tracker));
    }
    var readings = new HashMap<ConditionTracker, Reading>();
    workloadReaders.forEach((tracker, reader) -> readings.put(tracker, reader.read(workload, nowNanos)));
    for (var e : remote.entrySet()) {
      Reading r = awaitRemote(e.getKey(), e.getValue(), nowNanos);
      if (r == null) return; // interrupted: stopping
      readings.put(e.getKey(), r);
    }

    for (var tracker : trackers) {
      if (!evaluating) return;
      if (!readings.containsKey(tracker)) continue; // a remote condition, judged at the next full check
      ConditionTracker.Trip trip = tracker.observe(readings.get(tracker), nowNanos, now, this::tell);
      if (trip != null) {
        trip(tracker, trip, count);
        break;
      }
    }
    if (readsWorkload) {
      Instant newest = workload.newest();
      if (newest != null) {
        Instant keepFrom = newest;
        for (var reader : workloadReaders.values()) {
          Instant need = reader.keepFrom(newest);
          if (need.isBefore(keepFrom)) keepFrom = need;
        }
        workload.pruneBefore(keepFrom);
      }
    }
  }

  private void trip(ConditionTracker tracker, ConditionTracker.Trip trip, long count) {
    if (!tripping.compareAndSet(false, true)) return;
    evaluating = false;
    var record = new RunManifest.SafetyTrip(tracker.name, tracker.kind, time.now(), trip.value(), trip.threshold(),
        trip.line());
    tripped = new Tripped(record, trip.firstHeldAt(), trip.sampleTime(), count);
    tell(Level.ERROR, "error: " + trip.line());
    var a = aborter;
    if (a != null) {
      try {
        a.abort(trip.line(), record);
      } catch (RuntimeException e) {
        tell(Level.ERROR, "error: safety: could not abort the run: " + e);
      }
    } else {
      tell(Level.ERROR, "error: safety: no run to abort (the loop was never attached to a run)");
    }
  }

  // ---- remote sources ----

  private long remoteTimeoutMillis(AbortCondition c) {
    if (c instanceof AbortCondition.HttpCheck h) {
      long own = h.timeoutMillis() > 0 ? h.timeoutMillis() : HTTP_DEFAULT_TIMEOUT_MILLIS;
      return Math.min(own, intervalMillis);
    }
    return Math.min(PROMETHEUS_TIMEOUT_MILLIS, intervalMillis);
  }

  private CompletableFuture<Reading> startRemote(ConditionTracker tracker) {
    var previous = inFlight.get(tracker);
    if (previous != null && !previous.isDone()) return previous;
    long timeoutMillis = remoteTimeoutMillis(tracker.condition);
    CompletableFuture<Reading> future;
    try {
      future = CompletableFuture.supplyAsync(() -> readRemote(tracker.condition, Duration.ofMillis(timeoutMillis)),
          executor());
    } catch (java.util.concurrent.RejectedExecutionException e) {
      future = CompletableFuture.completedFuture(new Reading.Unavailable("the loop is stopping"));
    }
    inFlight.put(tracker, future);
    return future;
  }

  /** The reading of a remote condition, waiting at most its timeout plus a grace; null when interrupted. */
  private Reading awaitRemote(ConditionTracker tracker, CompletableFuture<Reading> future, long checkNanos) {
    long timeoutMillis = remoteTimeoutMillis(tracker.condition);
    long deadline = checkNanos + (timeoutMillis + REMOTE_GRACE_MILLIS) * 1_000_000L;
    try {
      long waitNanos = Math.max(0, deadline - time.nanoTime());
      return future.get(waitNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return new Reading.Unavailable("no answer within " + timeoutMillis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      return new Reading.Unavailable("reading it failed: " + e.getCause());
    }
  }

  private Reading readRemote(AbortCondition c, Duration timeout) {
    try {
      if (c instanceof AbortCondition.PrometheusQuery q) return readPrometheus(q, timeout);
      if (c instanceof AbortCondition.HttpCheck h) return readHttp(h, timeout);
      throw new IllegalStateException("not a remote condition: " + c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reading.Unavailable("the loop is stopping");
    }
  }

  private Reading readPrometheus(AbortCondition.PrometheusQuery q, Duration timeout) throws InterruptedException {
    String url = q.url() != null && !q.url().isBlank() ? q.url() : defaultPrometheusUrl;
    if (url == null || url.isBlank()) {
      return new Reading.Unavailable("no Prometheus URL (set environment.safety.prometheus_url or the condition's url)");
    }
    var result = prometheus.query(url, q.query(), timeout);
    if (result instanceof PrometheusApi.InstantResult.Unavailable u) return new Reading.Unavailable(u.why());
    var samples = ((PrometheusApi.InstantResult.Samples) result).samples();
    String context = "prometheus " + q.query() + " at " + url;
    if (samples.isEmpty()) return new Reading.NotYet("the query's vector is empty");
    // the figure is the most extreme sample (the one that holds first), with its labels
    PrometheusApi.Sample pick = null;
    for (var s : samples) {
      if (Double.isNaN(s.value())) continue;
      if (pick == null || (q.comparison() == AbortCondition.Comparison.ABOVE ? s.value() > pick.value()
          : s.value() < pick.value())) {
        pick = s;
      }
    }
    if (pick == null) return new Reading.Value(Double.NaN, false, context + ": every sample is NaN", null);
    boolean holds = q.comparison().holds(pick.value(), q.threshold());
    String labels = pick.labels().isEmpty() ? "" : ", series " + pick.labels();
    return new Reading.Value(pick.value(), holds, context + labels + (samples.size() > 1
        ? " (" + samples.size() + " series)" : ""), null);
  }

  private Reading readHttp(AbortCondition.HttpCheck h, Duration timeout) throws InterruptedException {
    var result = http.get(h.url(), timeout);
    if (result instanceof HttpProbe.Result.Unavailable u) return new Reading.Unavailable(u.why());
    int code = ((HttpProbe.Result.Status) result).code();
    return new Reading.Value(code, code < 200 || code > 299, "GET " + h.url(), null);
  }

  private Executor executor() {
    if (injectedExecutor != null) return injectedExecutor;
    synchronized (this) {
      if (ownExecutor == null) {
        int remote = (int) trackers.stream().filter(t -> !(t.condition instanceof AbortCondition.Workload)).count();
        var n = new AtomicInteger();
        String prefix = threadName() + "-probe-";
        ownExecutor = Executors.newFixedThreadPool(Math.max(1, remote), r -> {
          var t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
        if (stopped) ownExecutor.shutdownNow();
      }
      return ownExecutor;
    }
  }

  private void tell(Level level, String line) {
    try {
      var sink = messages != null ? messages : handleNotes;
      if (sink != null) sink.accept(level, line);
    } catch (RuntimeException e) {
      // the sink's failure is not the loop's
    }
  }

  // ---- names ----

  /** The condition's name: as written (or set by the parser), else {@link #describe}. */
  static String nameOf(AbortCondition c) {
    return c.name() != null && !c.name().isBlank() ? c.name() : describe(c);
  }

  /** {@code workload}, {@code prometheus} or {@code http}: the trip's kind in {@code run.json}. */
  static String kindOf(AbortCondition c) {
    if (c instanceof AbortCondition.Workload) return "workload";
    if (c instanceof AbortCondition.PrometheusQuery) return "prometheus";
    return "http";
  }

  /** {@code error rate of service api}, {@code p99 latency of the workload}: the figure a workload condition reads. */
  static String metricText(AbortCondition.Workload w) {
    String of = w.service() == null ? "the workload" : "service " + w.service();
    switch (w.metric()) {
      case ERROR_RATE:
        return "error rate of " + of;
      case P99_LATENCY:
        return "p99 latency of " + of;
      default:
        return "throughput drop of " + of;
    }
  }

  /**
   * What {@code c} checks, in one line, for a default name and for messages: {@code error rate of
   * service api over 10 s above 0.05}, {@code p99 latency of the workload over 5 s above 250 ms},
   * {@code throughput drop of service api over 10 s (against the first 30 s) above 0.5},
   * {@code prometheus up{job="db"} below 1}, {@code GET http://127.0.0.1:8080/health answers outside 2xx};
   * with {@code for} when it is not 0.
   */
  public static String describe(AbortCondition c) {
    String what;
    if (c instanceof AbortCondition.Workload w) {
      String unit = w.metric() == AbortCondition.WorkloadMetric.P99_LATENCY ? " ms" : "";
      what = metricText(w) + " over " + Texts.seconds(w.windowMillis())
          + (w.metric() == AbortCondition.WorkloadMetric.THROUGHPUT_DROP
              ? " (against the first " + Texts.seconds(w.warmupMillis() > 0 ? w.warmupMillis() : w.windowMillis()) + ")"
              : "")
          + " " + w.comparison().name().toLowerCase(Locale.ROOT) + " " + Texts.number(w.threshold()) + unit;
    } else if (c instanceof AbortCondition.PrometheusQuery q) {
      what = "prometheus " + q.query() + " " + q.comparison().name().toLowerCase(Locale.ROOT) + " "
          + Texts.number(q.threshold());
    } else {
      what = "GET " + ((AbortCondition.HttpCheck) c).url() + " answers outside 2xx";
    }
    return what + (c.forMillis() > 0 ? " for " + Texts.seconds(c.forMillis()) : "");
  }
}
