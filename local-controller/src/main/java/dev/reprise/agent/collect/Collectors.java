package dev.reprise.agent.collect;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.runtime.ContainerRuntime;
import dev.reprise.agent.runtime.LogLine;
import dev.reprise.agent.runtime.RunContainer;
import dev.reprise.agent.runtime.RuntimeEvent;
import dev.reprise.agent.runtime.StatsSample;
import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.ContainerRecord;
import dev.reprise.fdsl.record.HostStatsRecord;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.StatsRecord;
import dev.reprise.time.Clock;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Everything the agent records besides the timeline: engine events ({@code container-events.jsonl}),
 * the containers it sees ({@code containers.jsonl}), every container's complete log
 * ({@code logs/}), container stats ({@code stats.jsonl}, at most one per container per
 * {@code statsInterval}) and host stats ({@code host-stats.jsonl}, one per {@link #sampleHost()}).
 * Engine timestamps (the host's system clock) are shifted by the clock's correction at the moment
 * they are recorded, so every record is on the corrected clock. Workload lines are also passed on
 * live as samples ({@link #onWorkloadSample}). Subscribes to events before listing containers, so a container created in
 * between is not missed. Thread-safe; engine callbacks arrive on the runtime's threads.
 */
public final class Collectors implements AutoCloseable {
  private final ContainerRuntime runtime;
  private final ContainerDirectory directory;
  private final RecordFiles records;
  private final Clock clock;
  private final DoubleSupplier correctionMillis;
  private final String host;
  private final Collection<String> swarmServices;
  private final Duration statsInterval;
  private final ProcHostProbe hostProbe;
  private final Consumer<String> warn;
  private final java.util.concurrent.Executor follower;

  private final Map<String, Closeable> logStreams = new HashMap<>();
  private final Map<String, Closeable> statsStreams = new HashMap<>();
  private final Map<String, Instant> lastStats = new HashMap<>();
  /** Per container: its directory entry and the engine time of the last log line recorded (guarded by this). */
  private final Map<String, ContainerDirectory.Entry> logEntries = new HashMap<>();
  private final Map<String, Instant> lastLogTime = new HashMap<>();
  /** Containers with a line the engine gave no time: the drain could not tell what is new, so skips them. */
  private final java.util.Set<String> untimedLogs = new java.util.HashSet<>();
  private Closeable events;
  private ProcHostProbe.Counters lastHost;
  private boolean closed;

  /**
   * @param correctionMillis what the corrected clock adds to the host's system clock right now
   *     (corrected = local + correction); read for every engine timestamp, as it moves with resyncs
   * @param hostProbe null to skip host stats
   * @param warn told of problems a user should see (e.g. a log that could not be followed)
   * @param follower starts the log and stats streams of a container (two engine requests each): the
   *     agent's is a thread of its own, so arming (and the engine's event thread) only list and
   *     record containers, and a run of many containers is armed in time for its first instant
   */
  public Collectors(ContainerRuntime runtime, ContainerDirectory directory, RecordFiles records, Clock clock,
      DoubleSupplier correctionMillis, String host, Collection<String> swarmServices, Duration statsInterval,
      ProcHostProbe hostProbe, Consumer<String> warn, java.util.concurrent.Executor follower) {
    this.follower = follower;
    this.runtime = runtime;
    this.directory = directory;
    this.records = records;
    this.clock = clock;
    this.correctionMillis = correctionMillis;
    this.host = host;
    this.swarmServices = List.copyOf(swarmServices);
    this.statsInterval = statsInterval;
    this.hostProbe = hostProbe;
    this.warn = warn;
  }

  /** Subscribes to events, then records and follows every container that already exists. */
  public void start() {
    startedAt = clock.now();
    events = runtime.events(swarmServices, this::onEvent);
    for (var c : runtime.containers(swarmServices)) seen(c);
    sampleHost();
  }

  private Instant corrected(Instant local) {
    return local == null ? clock.now() : local.plusNanos(Math.round(correctionMillis.getAsDouble() * 1_000_000d));
  }

  void onEvent(RuntimeEvent e) {
    var fdsl = directory.fdslService(e.swarmService());
    if (fdsl == null) return;
    Integer id = directory.idOf(e.slot());
    records.event(new ContainerEventRecord(corrected(e.time()), e.action(), e.containerId(), fdsl, id, host, e.exitCode(), e.signal()));
    switch (e.action()) {
      case "create", "start" -> {
        try {
          var c = runtime.container(e.containerId());
          if (c != null) seen(c);
        } catch (RuntimeException ex) {
          warn.accept("cannot inspect container " + e.containerId() + " after its " + e.action() + " event: " + ex.getMessage());
        }
      }
      case "die" -> {
        directory.ended(e.containerId(), e.exitCode());
        directory.byContainer(e.containerId()).ifPresent(entry -> onEnded.accept(entry));
      }
      default -> { }
    }
  }

  private volatile Consumer<ContainerDirectory.Entry> onRunning = e -> { };
  private volatile Consumer<ContainerDirectory.Entry> onEnded = e -> { };
  private volatile java.util.function.BiConsumer<ContainerDirectory.Entry, LogLine> onLogLine = (e, l) -> { };

  /** Told (on an engine thread) each time a container of the run dies. */
  public void onEnded(Consumer<ContainerDirectory.Entry> listener) {
    this.onEnded = listener;
  }

  /**
   * Told (on the runtime's log threads) of every followed log line of a run container, its history
   * before {@link #start()} included (a triggered moment's log condition counts it); a listener that
   * throws is told of the next line all the same.
   */
  public void onLogLine(java.util.function.BiConsumer<ContainerDirectory.Entry, LogLine> listener) {
    this.onLogLine = listener;
  }

  /** Told (on an engine or follower thread) each time a container of the run is seen running. */
  public void onRunning(Consumer<ContainerDirectory.Entry> listener) {
    this.onRunning = listener;
  }

  /** Records a container the first time it is seen and follows its log and stats once it has started. */
  void seen(RunContainer c) {
    var s = directory.update(c);
    if (s == null) return;
    var entry = s.entry();
    if (c.running()) onRunning.accept(entry);
    if (s.isNew()) {
      records.container(new ContainerRecord(c.id(), entry.fdslService(), entry.id(), c.slot(), c.nodeId(), host, c.image(),
          c.created() == null ? null : corrected(c.created())));
    }
    boolean started = c.running() || c.exitCode() != null;
    if (!started) return;
    records.logFile(entry.fdslService(), entry.id());
    synchronized (this) {
      logEntries.putIfAbsent(c.id(), entry);
    }
    try {
      follower.execute(() -> follow(c, entry));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: the final log read takes the container's log
    }
  }

  /** Starts following a started container's log and (while it runs) its stats, once each. */
  private void follow(RunContainer c, ContainerDirectory.Entry entry) {
    synchronized (this) {
      logEntries.putIfAbsent(c.id(), entry);
      if (closed) return;
      if (!logStreams.containsKey(c.id())) {
        try {
          logStreams.put(c.id(), runtime.logs(c.id(), line -> onLog(entry, line), () -> { }));
        } catch (RuntimeException ex) {
          warn.accept("cannot follow the log of " + entry.fdslService() + "." + entry.id() + ": " + ex.getMessage());
        }
      }
      if (c.running() && !statsStreams.containsKey(c.id())) {
        try {
          statsStreams.put(c.id(), runtime.stats(c.id(), sample -> onStats(entry, sample)));
        } catch (RuntimeException ex) {
          warn.accept("cannot follow the stats of " + entry.fdslService() + "." + entry.id() + ": " + ex.getMessage());
        }
      }
    }
  }

  private volatile Consumer<AgentMessage.WorkloadSample> onWorkload;
  /** When {@link #start()} was called (corrected clock): a followed log begins with the container's history, which is no sample. */
  private volatile Instant startedAt;

  /**
   * Told (on the runtime's log threads, never under this object's lock) of every workload line
   * ({@link WorkloadLines}) a run container writes on its stdout while its log is followed, as a
   * sample on the corrected clock; neither the lines the engine timestamped before {@link #start()}
   * (a followed log replays the container's history first) nor the end-of-run read are. Without a listener no line
   * is looked at. A malformed workload line is only recorded, as every line; a listener that throws
   * is told of the next line all the same.
   */
  public void onWorkloadSample(Consumer<AgentMessage.WorkloadSample> listener) {
    this.onWorkload = listener;
  }

  /** A followed line; once closing, the final drain takes over (it re-reads what comes after the last line kept). */
  private void onLog(ContainerDirectory.Entry entry, LogLine line) {
    synchronized (this) {
      if (closed) return;
      keep(entry, line);
    }
    try {
      onLogLine.accept(entry, line);
    } catch (RuntimeException e) {
      // the observation is lost; the log record is written
    }
    var listener = onWorkload;
    if (listener == null || !"stdout".equals(line.stream())) return;
    var sample = workloadSample(entry, line);
    if (sample == null) return;
    try {
      listener.accept(sample);
    } catch (RuntimeException e) {
      // the sample is lost; the log record is written and collection goes on
    }
  }

  /** The sample {@code line} is when it is a workload line (its own time, else the engine's, corrected), else null. */
  private AgentMessage.WorkloadSample workloadSample(ContainerDirectory.Entry entry, LogLine line) {
    if (!WorkloadLines.mayBe(line.text())) return null;
    var since = startedAt;
    if (since != null && line.time() != null && corrected(line.time()).isBefore(since)) return null;
    var w = WorkloadLines.parse(line.text());
    if (w == null) return null;
    // The line's time is on the host's system clock, as the engine's timestamps are.
    var time = corrected(w.time() != null ? w.time() : line.time());
    return new AgentMessage.WorkloadSample(entry.fdslService(), entry.id(), time, w.intervalMillis(), w.ok(), w.failed(), w.p99Ms());
  }

  private void keep(ContainerDirectory.Entry entry, LogLine line) {
    records.log(new LogRecord(corrected(line.time()), entry.fdslService(), entry.id(), entry.container().id(), line.stream(), line.text()));
    if (line.time() != null) lastLogTime.put(entry.container().id(), line.time()); else untimedLogs.add(entry.container().id());
  }

  /**
   * After the follow streams are closed, reads every run container's log up to now and keeps the
   * lines after the last one recorded, so logs are complete even for a container that started just
   * before the end or whose last lines were still in flight.
   */
  private void drainLogs() {
    try {
      for (var c : runtime.containers(swarmServices)) {
        var s = directory.update(c);
        if (s == null) continue;
        if (s.isNew()) {
          records.container(new ContainerRecord(c.id(), s.entry().fdslService(), s.entry().id(), c.slot(), c.nodeId(), host,
              c.image(), c.created() == null ? null : corrected(c.created())));
        }
        if (c.running() || c.exitCode() != null) {
          records.logFile(s.entry().fdslService(), s.entry().id());
          synchronized (this) {
            logEntries.putIfAbsent(c.id(), s.entry());
          }
        }
      }
    } catch (RuntimeException e) {
      warn.accept("cannot list the run's containers for the final log read: " + e.getMessage());
    }
    Map<String, ContainerDirectory.Entry> entries;
    synchronized (this) {
      entries = new HashMap<>(logEntries);
    }
    for (var e : entries.entrySet()) {
      Instant last;
      synchronized (this) {
        if (untimedLogs.contains(e.getKey())) continue;
        last = lastLogTime.get(e.getKey());
      }
      try {
        runtime.logsSince(e.getKey(), last, line -> {
          if (last == null || (line.time() != null && line.time().isAfter(last))) {
            synchronized (this) {
              keep(e.getValue(), line);
            }
          }
        });
      } catch (RuntimeException ex) {
        warn.accept("cannot read the end of the log of " + e.getValue().fdslService() + "." + e.getValue().id() + ": " + ex.getMessage());
      }
    }
  }

  private void onStats(ContainerDirectory.Entry entry, StatsSample s) {
    var id = entry.container().id();
    synchronized (lastStats) {
      var last = lastStats.get(id);
      // Engine samples come about once a second; keep one per interval (10% slack for jitter).
      if (last != null && Duration.between(last, s.read()).toMillis() < statsInterval.toMillis() * 9 / 10) return;
      lastStats.put(id, s.read());
    }
    records.stats(new StatsRecord(corrected(s.read()), entry.fdslService(), entry.id(), id, host, s.cpuPercent(),
        s.memBytes(), s.memLimitBytes(), s.netRxBytes(), s.netTxBytes(), s.blkReadBytes(), s.blkWriteBytes()));
  }

  /** Writes one host-stats record (CPU over the interval since the previous call). */
  public void sampleHost() {
    if (hostProbe == null) return;
    try {
      var now = hostProbe.read();
      var previous = lastHost;
      lastHost = now;
      if (previous == null) return;
      records.hostStats(new HostStatsRecord(clock.now(), host, ProcHostProbe.cpuPercent(previous, now), now.cores(),
          now.memTotal(), now.memAvailable(), now.netRx(), now.netTx(), now.diskRead(), now.diskWrite(), now.load1()));
    } catch (IOException | RuntimeException e) {
      warn.accept("cannot read host stats: " + e.getMessage());
    }
  }

  /** Stops following everything, then reads every log to its end (records already written stay). */
  @Override
  public void close() {
    List<Closeable> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      if (events != null) all.add(events);
      all.addAll(logStreams.values());
      all.addAll(statsStreams.values());
    }
    for (var c : all) {
      try {
        c.close();
      } catch (IOException | RuntimeException ignored) {
        // the stream is gone either way
      }
    }
    drainLogs();
  }
}
