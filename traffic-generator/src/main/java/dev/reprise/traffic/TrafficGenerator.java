package dev.reprise.traffic;

import dev.reprise.time.Time;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run: sender threads on the open-loop schedule, a reporter that prints one {@link
 * IntervalReport} line per second on {@code out}, the optional stress threads, and at the end the
 * final log handed to {@link FinalLogSink}.
 *
 * <p>Lifecycle: {@link #start()} once; then {@link #awaitEnd()} on the main thread returns when
 * the duration is reached or {@link #stop(String)} was called (from a shutdown hook on SIGINT or
 * SIGTERM); {@link #finish(String)} stops everything and writes the final log exactly once, and
 * other threads can wait for it with {@link #awaitFinished(Duration)}.
 *
 * <p>Intervals end on whole wall-clock seconds (the first one is partial), so lines from several
 * clients and the fault timeline line up.
 */
public final class TrafficGenerator {

  private static final Logger LOG = LoggerFactory.getLogger(TrafficGenerator.class);
  private static final long SECOND = 1_000_000_000L;
  /** Checkpoint the final log every this many intervals, so even SIGKILL leaves a recent one. */
  private static final int CHECKPOINT_EVERY = 10;

  /**
   * Gets every interval's figures as they are printed: the line and the interval's failed operations
   * by kind ({@link TrafficMetrics#record}). Called on the reporting thread.
   */
  public interface IntervalListener {
    void interval(IntervalReport report, Map<OpKind, Long> failedByKind);
  }

  /** Where the final log goes; {@code complete} is false for checkpoints written during the run. */
  public interface FinalLogSink {
    void write(Map<String, Object> finalLog, boolean complete);
  }

  private final TrafficOptions options;
  private final LoadTarget target;
  private final ConnectionStress stress;
  private final Time clock;
  private final PrintStream out;
  private final FinalLogSink sink;
  private final IntervalListener intervalListener;
  private final Metrics metrics = new Metrics();
  private final Semaphore permits;
  private final List<LoadLoop> loops = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final CountDownLatch finishedLatch = new CountDownLatch(1);
  private final AtomicReference<String> stopReason = new AtomicReference<>();
  private final AtomicLong stormCycles = new AtomicLong();
  private final AtomicLong stormFailures = new AtomicLong();
  private final AtomicLong leakFailures = new AtomicLong();
  private final AtomicLong cpuBursts = new AtomicLong();
  private final AtomicLong cpuBurnedNanos = new AtomicLong();
  private final AckLog acks;
  private volatile boolean running;
  private Thread reporter;
  private long launchNanos;
  private Instant launchWall;
  private boolean ready;
  private Map<String, Object> verification;
  private long startNanos;
  private Instant startWall;
  private long firstBoundaryNanos;
  private Instant firstBoundaryWall;
  private long lastReportNanos;
  private long intervals;

  public TrafficGenerator(TrafficOptions options, LoadTarget target, ConnectionStress stress, Time clock,
      PrintStream out, FinalLogSink sink) {
    this(options, target, stress, clock, out, sink, (report, failedByKind) -> {});
  }

  /** Also hands every interval's figures to {@code intervalListener} (the metrics endpoint), after printing its line. */
  public TrafficGenerator(TrafficOptions options, LoadTarget target, ConnectionStress stress, Time clock,
      PrintStream out, FinalLogSink sink, IntervalListener intervalListener) {
    this.intervalListener = intervalListener;
    this.options = options;
    this.target = target;
    this.stress = stress;
    this.clock = clock;
    this.out = out;
    this.sink = sink;
    this.permits = new Semaphore(options.maxInFlight());
    this.acks = options.verifyWrites() && target.verifiesWrites() ? new AckLog() : null;
  }

  /**
   * Starts connecting, waits until the target is ready, then starts sending, reporting and the
   * requested stress. Call once.
   *
   * <p>Setup is not load: the pacing clock (operation 0's intended time), the duration and the
   * first per-second line start when the target reports itself {@link LoadTarget#connected()
   * ready}, so a healthy server shows no failed operation however long its client took to
   * connect. The time to ready and the failed connection attempts are in the final log's
   * {@code setup}. A target that is not ready within the duration (counted from launch; without a
   * duration: until {@link #stop}) ends the run with stop reason {@code not_ready}, no load sent,
   * and its final log says why.
   */
  public synchronized void start() throws InterruptedException {
    running = true;
    launchNanos = clock.nanoTime();
    launchWall = clock.now();
    target.start();
    long readyDeadline = options.duration().map(d -> launchNanos + d.toNanos()).orElse(Long.MAX_VALUE);
    while (!target.connected() && clock.nanoTime() < readyDeadline && stopReason.get() == null) {
      clock.sleepUntilNanos(Math.min(readyDeadline, clock.nanoTime() + 20_000_000L));
    }
    ready = target.connected();
    startNanos = clock.nanoTime();
    startWall = clock.now();
    lastReportNanos = startNanos;
    if (!ready) {
      stop("not_ready");
      LOG.warn("target not ready after {} s; no load sent", (startNanos - launchNanos) / SECOND);
      return;
    }
    metrics.startWriteClock(startNanos);
    Instant nextSecond = startWall.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    firstBoundaryWall = nextSecond;
    firstBoundaryNanos = startNanos + Duration.between(startWall, nextSecond).toNanos();
    Pacer pacer = new Pacer(startNanos, options.rate());
    long end = options.duration().map(d -> startNanos + d.toNanos()).orElse(Long.MAX_VALUE);
    Workload workload = new Workload(options.mode(), options.readRatio(), options.keyCount(), options.seed());
    for (int t = 0; t < options.threads(); t++) {
      LoadLoop loop = new LoadLoop(t, options.threads(), pacer, workload, target, permits, metrics, clock,
          options.closedLoop(), acks, end);
      loops.add(loop);
      spawn("traffic-sender-" + t, loop);
    }
    reporter = spawn("traffic-reporter", this::reportLoop);
    if (options.storm()) {
      spawn("traffic-storm", this::stormLoop);
    }
    if (options.leak()) {
      spawn("traffic-leak", this::leakLoop);
    }
    if (options.cpuSpike()) {
      for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
        spawn("traffic-cpu-spike-" + i, this::cpuSpikeLoop);
      }
    }
  }

  private Thread spawn(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
    return t;
  }

  /**
   * Asks the run to end (idempotent; the first reason wins). Safe from any thread, including a
   * shutdown hook; {@link #awaitEnd()} then returns.
   */
  public void stop(String reason) {
    stopReason.compareAndSet(null, reason);
  }

  /**
   * Blocks the calling (main) thread until the duration is reached or {@link #stop} is called.
   *
   * @return why the run ended: {@code duration} or the reason given to {@link #stop}
   */
  public String awaitEnd() throws InterruptedException {
    long end = options.duration().map(d -> startNanos + d.toNanos()).orElse(Long.MAX_VALUE);
    // start() returns after the target is ready (or gave up, then stopReason is set).
    while (stopReason.get() == null) {
      long now = clock.nanoTime();
      if (now >= end) {
        stop("duration");
        break;
      }
      // Poll the stop flag every 50 ms; the deadline itself is absolute.
      clock.sleepUntilNanos(Math.min(end, now + 50_000_000L));
    }
    return stopReason.get();
  }

  /**
   * Stops senders and stress, waits briefly for answers to requests in flight, prints the last
   * (partial) interval line, writes the final log and closes the target. Runs once; later calls
   * return at once.
   */
  public void finish(String reason) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    try {
      stop(reason);
      running = false;
      loops.forEach(LoadLoop::stop);
      threads.forEach(Thread::interrupt);
      // Threads blocked in the driver (a storm session opening) may ignore the interrupt; they
      // are daemons, so give them together at most 3 s rather than delay the final log.
      long joinDeadline = clock.nanoTime() + 3 * SECOND;
      for (Thread t : threads) {
        joinQuietly(t, Math.max(1, (joinDeadline - clock.nanoTime()) / 1_000_000L));
      }
      long stopNanos = clock.nanoTime();
      Instant stopWall = startWall.plusNanos(stopNanos - startNanos);
      drainInFlight();
      if (ready) {
        emitInterval(stopNanos, stopWall);
      }
      verifyWrites();
      sink.write(finalLog(stopNanos, stopWall, true), true);
    } catch (RuntimeException e) {
      LOG.error("could not write the final log", e);
      throw e;
    } finally {
      try {
        target.close();
      } finally {
        finishedLatch.countDown();
      }
    }
  }

  /** Waits until {@link #finish} has completed (for the shutdown hook). */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finishedLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Counters of the run so far (for tests and the final log). */
  public Metrics metrics() {
    return metrics;
  }

  /** Reads the acknowledged writes back ({@code --verify-writes}); the outcome goes into the final log. */
  private void verifyWrites() {
    if (!options.verifyWrites()) {
      return;
    }
    Map<String, Object> v = new LinkedHashMap<>();
    if (acks == null) {
      v.put("error", options.target().kind().jsonName() + " cannot read its writes back");
    } else if (!ready) {
      v.put("error", "the target never became ready");
    } else {
      long[] acknowledged = acks.toArray();
      v.put("acknowledged", acknowledged.length);
      // After a signal the shutdown hook waits 9 s for the log: keep within it.
      Duration timeout = "signal".equals(stopReason.get()) ? Duration.ofSeconds(5) : Duration.ofSeconds(60);
      long t0 = clock.nanoTime();
      try {
        LoadTarget.WriteCheck check = target.verifyWrites(acknowledged, timeout);
        v.put("checked", check.checked());
        v.put("writes_lost", check.lost());
        v.put("first_lost_indices", check.firstLost());
      } catch (RuntimeException e) {
        v.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      v.put("took_ms", (clock.nanoTime() - t0) / 1_000_000L);
    }
    verification = v;
  }

  private void drainInFlight() {
    // Answers still on their way belong to the run; wait for them, but no longer than a request
    // can take (the driver's timeout) and never more than 5 s.
    long deadline = clock.nanoTime() + Math.min(options.clusterTimeout().toNanos() + 500_000_000L, 5 * SECOND);
    try {
      while (permits.availablePermits() < options.maxInFlight() && clock.nanoTime() < deadline) {
        clock.sleepUntilNanos(clock.nanoTime() + 10_000_000L);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void reportLoop() {
    try {
      for (long k = 0; running; k++) {
        long boundary = firstBoundaryNanos + k * SECOND;
        clock.sleepUntilNanos(boundary);
        if (!running) {
          return;
        }
        emitInterval(boundary, firstBoundaryWall.plusSeconds(k));
        if (++intervals % CHECKPOINT_EVERY == 0) {
          sink.write(finalLog(boundary, firstBoundaryWall.plusSeconds(k), false), false);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("reporter failed; no more per-second lines", e);
    }
  }

  private synchronized void emitInterval(long endNanos, Instant endWall) {
    long lengthNanos = endNanos - lastReportNanos;
    lastReportNanos = endNanos;
    Metrics.Interval iv = metrics.takeInterval();
    if (lengthNanos <= 0 && iv.ok().values().stream().allMatch(v -> v == 0)
        && iv.errors().values().stream().allMatch(v -> v == 0)) {
      return;
    }
    Histogram h = iv.latencyMicros();
    boolean any = h.getTotalCount() > 0;
    IntervalReport r = new IntervalReport(endWall, Math.round(lengthNanos / 1e6), iv.ok(), iv.errors(),
        any ? ms(h.getValueAtPercentile(50)) : null, any ? ms(h.getValueAtPercentile(95)) : null,
        any ? ms(h.getValueAtPercentile(99)) : null, any ? ms(h.getMaxValue()) : null,
        options.maxInFlight() - permits.availablePermits(), openConnections(), behindMillis(endNanos),
        extras(endNanos));
    out.println(r.toJsonLine());
    out.flush();
    try {
      intervalListener.interval(r, iv.failed());
    } catch (RuntimeException e) {
      LOG.warn("interval listener failed", e);
    }
  }

  private Map<String, Object> extras(long endNanos) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (options.mode() != Mode.READ) {
      m.put("write_outage_ms", writeOutageMillis(endNanos));
    }
    try {
      m.putAll(target.takeIntervalFields());
    } catch (RuntimeException e) {
      LOG.debug("target interval fields failed", e);
    }
    return m;
  }

  /** Time since the last successful write when that is at least a second (an outage so far), else 0. */
  private long writeOutageMillis(long nowNanos) {
    long since = nowNanos - metrics.lastWriteNanos();
    return since >= SECOND ? since / 1_000_000L : 0;
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  private int openConnections() {
    return target.openConnections() + stress.leakedConnections() + stress.stormConnections();
  }

  private long behindMillis(long nowNanos) {
    long earliest = Long.MAX_VALUE;
    for (LoadLoop l : loops) {
      earliest = Math.min(earliest, l.nextIntendedNanos());
    }
    return earliest == Long.MAX_VALUE ? 0 : Math.max(0, (nowNanos - earliest) / 1_000_000L);
  }

  private void stormLoop() {
    try {
      while (running) {
        try {
          stress.cycleSession();
          stormCycles.incrementAndGet();
        } catch (RuntimeException e) {
          stormFailures.incrementAndGet();
          metrics.recordException("storm." + e.getClass().getSimpleName());
          // The cluster is unreachable; do not spin.
          clock.sleepUntilNanos(clock.nanoTime() + 250_000_000L);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void leakLoop() {
    long period = SECOND / options.leakRate();
    try {
      for (long next = clock.nanoTime(); running; next += period) {
        clock.sleepUntilNanos(next);
        try {
          stress.leakConnection();
        } catch (RuntimeException e) {
          leakFailures.incrementAndGet();
          metrics.recordException("leak." + e.getClass().getSimpleName());
          // Back off and restart the schedule rather than bursting to catch up.
          clock.sleepUntilNanos(clock.nanoTime() + 250_000_000L);
          next = clock.nanoTime();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Bursts of 2 s busy computing, then 3 s idle, on every core. */
  private void cpuSpikeLoop() {
    long sink = 0;
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    try {
      while (running) {
        long cpuBefore = cpu.getCurrentThreadCpuTime();
        long burstEnd = clock.nanoTime() + 2 * SECOND;
        while (running && clock.nanoTime() < burstEnd) {
          for (int i = 0; i < 10_000; i++) {
            sink = Workload.mix(sink + i);
          }
        }
        cpuBursts.incrementAndGet();
        cpuBurnedNanos.addAndGet(Math.max(0, cpu.getCurrentThreadCpuTime() - cpuBefore));
        clock.sleepUntilNanos(clock.nanoTime() + 3 * SECOND);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (sink == 42) {
      // Keeps the JIT from removing the busy loop.
      LOG.trace("cpu spike checksum {}", sink);
    }
  }

  private Map<String, Object> finalLog(long endNanos, Instant endWall, boolean complete) {
    Map<String, Object> log = new LinkedHashMap<>();
    log.put("type", "traffic_summary");
    log.put("complete", complete);
    log.put("stop_reason", complete ? stopReason.get() : null);
    log.put("start", startWall.toString());
    log.put("stop", endWall.toString());
    log.put("effective_duration_s", Math.round((endNanos - startNanos) / 1e6) / 1000.0);
    log.put("parameters", options.asMap());
    Map<OpKind, Long> ok = metrics.okTotal();
    Map<OpKind, Long> failed = metrics.failedTotal();
    Map<String, Object> ops = new LinkedHashMap<>();
    long okSum = 0;
    long failedSum = 0;
    for (OpKind k : OpKind.values()) {
      ops.put(k.jsonName(), Map.of("ok", ok.get(k), "failed", failed.get(k)));
      okSum += ok.get(k);
      failedSum += failed.get(k);
    }
    ops.put("ok", okSum);
    ops.put("failed", failedSum);
    ops.put("issued", metrics.issued());
    ops.put("scheduled", !ready || options.closedLoop() ? null : new Pacer(startNanos, options.rate()).dueCount(endNanos));
    log.put("operations", ops);
    Map<String, Long> errors = new LinkedHashMap<>();
    Map<ErrorKind, Long> byKind = new EnumMap<>(metrics.errorsTotal());
    byKind.forEach((k, v) -> errors.put(k.jsonName(), v));
    log.put("errors", errors);
    log.put("exceptions", metrics.exceptions());
    Histogram h = metrics.totalLatencyMicros();
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("count", h.getTotalCount());
    boolean any = h.getTotalCount() > 0;
    for (double p : new double[] {50, 90, 95, 99, 99.9}) {
      lat.put("p" + (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)),
          any ? ms(h.getValueAtPercentile(p)) : null);
    }
    lat.put("max", any ? ms(h.getMaxValue()) : null);
    lat.put("mean", any ? Math.round(h.getMean()) / 1000.0 : null);
    log.put("latency_ms", lat);
    Map<String, Object> stressLog = new LinkedHashMap<>();
    stressLog.put("storm_cycles", stormCycles.get());
    stressLog.put("storm_failures", stormFailures.get());
    stressLog.put("leaked_connections", stress.leakedConnections());
    stressLog.put("leak_failures", leakFailures.get());
    stressLog.put("cpu_bursts", cpuBursts.get());
    // CPU time the burner threads used in finished bursts (their own thread CPU clocks).
    stressLog.put("cpu_burned_ms", cpuBurnedNanos.get() / 1_000_000L);
    double seconds = Math.max(1e-9, (endNanos - startNanos) / 1e9);
    stressLog.put("storm_cycles_per_s", ready ? Math.round(stormCycles.get() / seconds * 10) / 10.0 : 0.0);
    log.put("stress", stressLog);
    log.put("connection", target.connectionHistory());
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("ready", ready);
    setup.put("launched_at", launchWall.toString());
    setup.put("ready_at", ready ? startWall.toString() : null);
    setup.put("time_to_ready_ms", ready ? (startNanos - launchNanos) / 1_000_000L : null);
    Map<String, Object> history = target.connectionHistory();
    setup.put("attempts", history.get("attempts"));
    setup.put("failed_attempts", history.get("failed_attempts"));
    setup.put("last_error", ready ? null : history.get("last_error"));
    log.put("setup", setup);
    log.put("loop", options.closedLoop() ? "closed" : "open");
    if (options.mode() != Mode.READ && ready) {
      long[] gap = metrics.longestWriteGap();
      long lastWrite = metrics.lastWriteNanos();
      // An outage still going at the end counts too.
      if (endNanos - lastWrite > gap[0]) {
        gap = new long[] {endNanos - lastWrite, lastWrite, endNanos};
      }
      Map<String, Object> outage = new LinkedHashMap<>();
      outage.put("longest_ms", gap[0] / 1_000_000L);
      outage.put("from", gap[0] == 0 ? null : startWall.plusNanos(gap[1] - startNanos).toString());
      outage.put("to", gap[0] == 0 ? null : startWall.plusNanos(gap[2] - startNanos).toString());
      outage.put("ongoing_at_end", endNanos - lastWrite == gap[0] && gap[0] >= SECOND);
      log.put("write_outage", outage);
    }
    if (options.verifyWrites()) {
      Map<String, Object> v = complete && verification != null ? verification : Map.of("error", "not checked yet");
      log.put("verification", v);
      Object lost = v.get("writes_lost");
      log.put("writes_lost", lost);
      log.put("data_loss_detected", lost == null ? null : ((Number) lost).longValue() > 0);
    }
    log.put("driver", target.counters());
    return log;
  }

  private static void joinQuietly(Thread t, long millis) {
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
