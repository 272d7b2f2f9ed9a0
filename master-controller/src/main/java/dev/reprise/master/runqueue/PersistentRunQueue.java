package dev.reprise.master.runqueue;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.master.campaign.RunLauncher;
import dev.reprise.master.catalog.CatalogException;
import dev.reprise.master.catalog.Catalogs;
import dev.reprise.master.catalog.JdbcRunCatalog;
import dev.reprise.master.catalog.RunCatalog;
import dev.reprise.master.catalog.RunQueueTable.QueueEntry;
import dev.reprise.master.cli.CommandRunLauncher;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunHandle;
import dev.reprise.master.run.RunListener;
import dev.reprise.time.Clock;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The control plane's {@link RunQueue}: each submission gets a folder of its own under the server's
 * state dir ({@code <state>/submissions/<id>/}: {@code scenario.yaml}, {@code docker-compose.yml},
 * {@code faults/<name>}, and its {@code events.jsonl}), is checked as {@code master validate} checks
 * ({@link SubmissionFolder}), and is kept in a {@link QueueStore} (the run catalog's {@code run_queue}
 * table, or {@code <state>/queue.json}). One worker thread runs the queued runs one at a time, in
 * submission order, through a {@link QueueLauncher} ({@code master run}'s path); a listener per run
 * turns what it hears into {@link RunEvent}s ({@link EventLog}). Subscribers are fed on threads of
 * the queue's, never on a run's coordinator thread.
 *
 * <p>At construction, a run the store says was {@link QueueState#RUNNING} (the server died under
 * it) becomes {@link QueueState#INTERRUPTED}: its leftover stack is removed, its partial folder kept,
 * and its events end with {@code ended}; the {@link QueueState#QUEUED} ones then run in order.
 */
public final class PersistentRunQueue implements RunQueue {
  /** The folder, under the state dir, of the submissions' own folders. */
  public static final String SUBMISSIONS = "submissions";
  /** The reason a run aborted by {@link #abort} gives. */
  public static final String ABORT_REASON = "aborted over the control plane";
  /** The reason the run cut off by {@link #close} gives. */
  public static final String CLOSE_REASON = "aborted: the server stopped";

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final Path stateDir;
  private final Path outDir;
  private final QueueStore store;
  private final QueueLauncher launcher;
  private final Clock clock;
  private final Map<String, String> environment;
  private final Consumer<String> warn;
  private final SecureRandom random = new SecureRandom();

  private final Object lock = new Object();
  /** By position (submission order). Guarded by {@link #lock}. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
  private long nextPosition = 1;
  private boolean closing;
  /** Set once the worker stopped (no event will be appended any more): feeds end. */
  private volatile boolean workerDone;

  private final ExecutorService writer;
  private final ExecutorService feeds;
  private final Thread worker;

  /** One submitted run; its mutable fields are guarded by the queue's lock. */
  private static final class Entry {
    final String id;
    final long position;
    final String name;
    final Path dir;
    final Long seed;
    final Instant submittedAt;
    QueueState state;
    Instant startedAt;
    Instant endedAt;
    String runId;
    String runDir;
    int actionsPlanned;
    int actionsFired;
    String outcome;
    String message;
    SubmissionFolder.Checked checked;
    QueueLauncher.Launch launch;
    String abortReason;
    volatile RunHandle handle;
    EventLog log;

    Entry(String id, long position, String name, Path dir, Long seed, Instant submittedAt) {
      this.id = id;
      this.position = position;
      this.name = name;
      this.dir = dir;
      this.seed = seed;
      this.submittedAt = submittedAt;
    }
  }

  /**
   * Opens the queue of the server whose state lives in {@code stateDir}, recovers it (see the class
   * comment) and starts its worker.
   *
   * @param stateDir the server's state dir (submissions, {@code queue.json} without a catalog)
   * @param outDir the parent of the run folders ({@code master run --out})
   * @param hostsFile the cluster: empty for the local engine, else the hosts of this file over SSH (as {@code --hosts})
   * @param catalogLocation the run catalog, as {@code --catalog} names it: null for {@code master run}'s
   *     default ({@code $REPRISE_CATALOG}, else {@code outDir/catalog.db}); {@code "none"}: no catalog
   *     (the queue in {@code stateDir/queue.json}, runs not catalogued)
   * @param clock submission and end instants
   * @param log where runs' progress lines and the queue's warnings go (the server's stderr)
   * @throws IOException when the catalog or the queue file cannot be opened or read
   */
  public static PersistentRunQueue open(Path stateDir, Path outDir, Optional<Path> hostsFile, String catalogLocation,
      Clock clock, PrintStream log) throws IOException {
    boolean catalogued = !"none".equals(catalogLocation);
    String location = catalogued ? Catalogs.resolve(catalogLocation, outDir, System.getenv()) : null;
    var launcher = CommandRunLauncher.forQueue(log, log, hostsFile.orElse(null), catalogued, location);
    QueueStore store;
    if (catalogued) {
      RunCatalog catalog;
      try {
        catalog = Catalogs.open(location, outDir);
      } catch (CatalogException e) {
        throw new IOException(e.getMessage(), e);
      }
      if (!(catalog instanceof JdbcRunCatalog jdbc)) {
        catalog.close();
        throw new IOException("catalog " + Catalogs.redact(location) + " cannot hold the run queue");
      }
      store = new CatalogQueueStore(jdbc, launcher.cluster());
    } else {
      store = new FileQueueStore(stateDir);
    }
    return new PersistentRunQueue(stateDir, outDir, store, launcher, clock, System.getenv(), log::println);
  }

  /**
   * A queue over {@code store} (which it closes) whose runs go through {@code launcher}; recovers
   * the store's entries and starts the worker.
   *
   * @param environment the compose files' variables
   * @param warn one line per problem that is not a caller's (a store that cannot be written, a leftover stack)
   * @throws IOException when the store cannot be read
   */
  PersistentRunQueue(Path stateDir, Path outDir, QueueStore store, QueueLauncher launcher, Clock clock,
      Map<String, String> environment, Consumer<String> warn) throws IOException {
    this.stateDir = stateDir.toAbsolutePath().normalize();
    this.outDir = outDir;
    this.store = store;
    this.launcher = launcher;
    this.clock = clock;
    this.environment = Map.copyOf(environment);
    this.warn = warn;
    this.writer = Executors.newSingleThreadExecutor(daemon("run-queue-events"));
    this.feeds = Executors.newCachedThreadPool(daemon("run-queue-feed"));
    try {
      recover(store.load());
    } catch (IOException | RuntimeException e) {
      writer.shutdown();
      feeds.shutdown();
      store.close();
      throw e;
    }
    worker = new Thread(this::work, "run-queue-worker");
    worker.setDaemon(true);
    worker.start();
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    var n = new AtomicInteger();
    return r -> {
      var t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private void recover(List<QueueEntry> stored) {
    synchronized (lock) {
      for (QueueEntry s : stored) {
        var e = new Entry(s.queueId(), s.position(), s.name(), Path.of(s.submissionDir()), s.seed(), s.submittedAt());
        e.state = QueueState.valueOf(s.state());
        e.startedAt = s.startedAt();
        e.endedAt = s.endedAt();
        e.runId = s.runId();
        e.runDir = s.runDir();
        e.actionsPlanned = s.actionsPlanned();
        e.actionsFired = s.actionsFired();
        e.outcome = s.outcome();
        e.message = s.message();
        entries.put(e.id, e);
        nextPosition = Math.max(nextPosition, e.position + 1);
      }
      for (Entry e : entries.values()) {
        if (e.state != QueueState.RUNNING) continue;
        var problems = e.runId == null ? List.<String>of() : launcher.removeLeftovers(e.runId);
        problems.forEach(p -> warn.accept("warning: run queue: cleaning up after " + e.id + ": " + p));
        e.state = QueueState.INTERRUPTED;
        e.endedAt = clock.now();
        e.outcome = "interrupted";
        e.message = "the server stopped while it ran; its stack was removed, its partial folder kept"
            + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")");
        persist(e);
        appendEnded(e);
      }
    }
  }

  // ---- submitting -------------------------------------------------------------------------------

  @Override
  public QueuedRun submit(RunSubmission submission) throws SubmissionException {
    String id = newId();
    Path dir = stateDir.resolve(SUBMISSIONS).resolve(id);
    SubmissionFolder.Checked checked;
    try {
      var nameProblems = SubmissionFolder.write(dir, submission);
      checked = SubmissionFolder.check(dir, submission, nameProblems, environment);
    } catch (SubmissionException e) {
      SubmissionFolder.delete(dir);
      throw e;
    } catch (IOException e) {
      SubmissionFolder.delete(dir);
      throw new IllegalStateException("cannot write the submission into " + dir + ": " + e.getMessage(), e);
    }
    synchronized (lock) {
      if (closing) {
        SubmissionFolder.delete(dir);
        throw new IllegalStateException("the run queue is closed");
      }
      // by default the run is named after its queue ID (its folder and stack: <id>-<stamp>)
      String name = submission.name() != null ? submission.name().strip() : id;
      var e = new Entry(id, nextPosition++, name, dir, submission.seed(), clock.now());
      e.state = QueueState.QUEUED;
      e.actionsPlanned = checked.plan().actions().size();
      e.checked = checked;
      try {
        store.save(entry(e));
      } catch (IOException ex) {
        SubmissionFolder.delete(dir);
        throw new IllegalStateException("cannot keep the run queue in " + store.describe() + ": " + ex.getMessage(), ex);
      }
      entries.put(id, e);
      var data = new LinkedHashMap<String, Object>();
      data.put("name", e.name);
      data.put("seed", checked.seed());
      data.put("actionsPlanned", e.actionsPlanned);
      data.put("ahead", (int) entries.values().stream().filter(x -> x != e && !x.state.isFinal()).count());
      if (!checked.warnings().isEmpty()) data.put("warnings", checked.warnings());
      log(e).append("queued", e.submittedAt, data);
      lock.notifyAll();
      return view(e);
    }
  }

  /** {@code r-<UTC stamp>-<4 hex>}, unique among the queue's. */
  private String newId() {
    synchronized (lock) {
      while (true) {
        byte[] b = new byte[2];
        random.nextBytes(b);
        String id = "r-" + STAMP.format(clock.now()) + "-" + HexFormat.of().formatHex(b);
        if (!entries.containsKey(id) && !java.nio.file.Files.exists(stateDir.resolve(SUBMISSIONS).resolve(id))) return id;
      }
    }
  }

  // ---- reading ----------------------------------------------------------------------------------

  @Override
  public List<QueuedRun> list() {
    synchronized (lock) {
      var out = new ArrayList<QueuedRun>(entries.size());
      entries.values().stream().sorted(Comparator.comparingLong((Entry e) -> e.position).reversed())
          .forEach(e -> out.add(view(e)));
      return out;
    }
  }

  @Override
  public Optional<QueuedRun> get(String id) {
    synchronized (lock) {
      Entry e = entries.get(id);
      return e == null ? Optional.empty() : Optional.of(view(e));
    }
  }

  /** The entry as callers see it; a running one's progress from its handle. Under the lock. */
  private QueuedRun view(Entry e) {
    String coordinatorState = null;
    String runId = e.runId;
    String runDir = e.runDir;
    int planned = e.actionsPlanned;
    int fired = e.actionsFired;
    RunHandle h = e.handle;
    if (e.state == QueueState.RUNNING && h != null) {
      var p = h.progress();
      coordinatorState = p.state().name();
      if (p.runId() != null) runId = p.runId();
      if (p.runDir() != null) runDir = p.runDir().toString();
      planned = p.actionsPlanned();
      fired = p.actionsFired();
    }
    return new QueuedRun(e.id, e.name, e.state, e.submittedAt, e.startedAt, e.endedAt, runId, runDir, coordinatorState,
        planned, fired, e.outcome, e.message);
  }

  private QueueEntry entry(Entry e) {
    return new QueueEntry(e.id, launcher.cluster(), e.position, e.name, e.state.name(), e.dir.toString(), e.seed,
        e.submittedAt, e.startedAt, e.endedAt, e.runId, e.runDir, e.actionsPlanned, e.actionsFired, e.outcome, e.message);
  }

  /** Saves {@code e}; a store that cannot be written is a warning (the queue goes on in memory). Under the lock. */
  private void persist(Entry e) {
    try {
      store.save(entry(e));
    } catch (IOException | RuntimeException ex) {
      warn.accept("warning: run queue: cannot record " + e.id + " (" + e.state + ") in " + store.describe() + ": "
          + ex.getMessage());
    }
  }

  // ---- aborting ---------------------------------------------------------------------------------

  @Override
  public Optional<QueuedRun> abort(String id) {
    QueueLauncher.Launch running;
    synchronized (lock) {
      Entry e = entries.get(id);
      if (e == null) return Optional.empty();
      if (e.state == QueueState.QUEUED) {
        e.state = QueueState.ABORTED;
        e.endedAt = clock.now();
        e.outcome = "aborted";
        e.message = ABORT_REASON + " before it started";
        e.checked = null;
        persist(e);
        appendEnded(e);
        return Optional.of(view(e));
      }
      if (e.state != QueueState.RUNNING) return Optional.of(view(e));
      if (e.abortReason == null) e.abortReason = ABORT_REASON;
      running = e.launch;
    }
    // the worker asks for it itself when the launch does not exist yet
    if (running != null) launcher.abort(running, ABORT_REASON);
    return get(id);
  }

  // ---- running ----------------------------------------------------------------------------------

  private void work() {
    while (true) {
      Entry next;
      synchronized (lock) {
        next = null;
        while (!closing && (next = firstQueued()) == null) {
          try {
            lock.wait();
          } catch (InterruptedException ex) {
            return;
          }
        }
        if (closing) return;
        next.state = QueueState.RUNNING;
        next.startedAt = clock.now();
        persist(next);
      }
      runOne(next);
    }
  }

  private Entry firstQueued() {
    for (Entry e : entries.values()) if (e.state == QueueState.QUEUED) return e;
    return null;
  }

  private void runOne(Entry e) {
    RunLauncher.Result result;
    try {
      SubmissionFolder.Checked checked;
      synchronized (lock) {
        checked = e.checked;
      }
      if (checked == null) checked = recheck(e); // queued before a restart: checked again from its folder
      if (checked == null) {
        result = null;
      } else {
        var launch = new QueueLauncher.Launch(e.name, checked.loaded(), checked.plan(), checked.seed(), outDir, new EventListener(e));
        String abortReason;
        synchronized (lock) {
          e.launch = launch;
          e.actionsPlanned = checked.plan().actions().size();
          abortReason = e.abortReason;
        }
        if (abortReason != null) {
          result = new RunLauncher.Result("aborted", abortReason + " before it deployed", null);
        } else {
          launch.listener().message(RunListener.Level.INFO, "started: the cluster is free");
          result = launcher.launch(launch);
        }
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      result = new RunLauncher.Result("aborted", "interrupted", null);
    } catch (RuntimeException ex) {
      result = new RunLauncher.Result("failed", "the run failed unexpectedly: " + ex, null);
    }
    synchronized (lock) {
      if (result == null) result = new RunLauncher.Result("invalid", e.message, null);
      finish(e, result);
    }
  }

  /** Loads a submission queued before a restart from its folder; null (and the entry's message set) when it no longer passes. */
  private SubmissionFolder.Checked recheck(Entry e) {
    var submission = new RunSubmission(e.name, read(e.dir.resolve(SubmissionFolder.SCENARIO)),
        read(e.dir.resolve(SubmissionFolder.COMPOSE)), Map.of(), e.seed);
    try {
      return SubmissionFolder.check(e.dir, submission, List.of(), environment);
    } catch (SubmissionException ex) {
      var p = ex.problems().get(0);
      synchronized (lock) {
        e.message = "the submission no longer passes its check (" + ex.problems().size() + " problem(s)): " + p.file() + ":"
            + p.line() + ":" + p.column() + ": " + p.message();
      }
      return null;
    }
  }

  private static String read(Path file) {
    try {
      return java.nio.file.Files.isRegularFile(file) ? java.nio.file.Files.readString(file) : null;
    } catch (IOException ex) {
      return null;
    }
  }

  /** The run is over: its final state from the result, kept and told. Under the lock. */
  private void finish(Entry e, RunLauncher.Result result) {
    RunHandle h = e.handle;
    if (h != null) {
      var p = h.progress();
      if (p.runId() != null) e.runId = p.runId();
      if (p.runDir() != null) e.runDir = p.runDir().toString();
      e.actionsFired = p.actionsFired();
    }
    if (result.runDir() != null) e.runDir = result.runDir().toString();
    e.state = switch (result.outcome()) {
      case "ok" -> QueueState.SUCCEEDED;
      case "aborted" -> QueueState.ABORTED;
      default -> QueueState.FAILED;
    };
    e.outcome = result.outcome();
    e.message = result.reason();
    e.endedAt = clock.now();
    e.handle = null;
    e.launch = null;
    e.checked = null;
    persist(e);
    appendEnded(e);
    lock.notifyAll();
  }

  private void appendEnded(Entry e) {
    var data = new LinkedHashMap<String, Object>();
    data.put("state", e.state.name());
    data.put("outcome", e.outcome);
    data.put("runId", e.runId);
    data.put("runDir", e.runDir);
    data.put("message", e.message);
    log(e).append("ended", e.endedAt != null ? e.endedAt : clock.now(), data);
  }

  /** The entry's event log, opened on first use (a final one whose file lacks {@code ended} gets it). Under the lock. */
  private EventLog log(Entry e) {
    if (e.log == null) {
      e.log = EventLog.open(e.dir, writer, warn);
      if (e.state.isFinal() && !e.log.ended()) appendEnded(e);
    }
    return e.log;
  }

  // ---- events -----------------------------------------------------------------------------------

  /** One run's listener: everything it hears becomes an event; returns at once (no I/O on the coordinator thread). */
  private final class EventListener implements RunListener {
    private final Entry e;
    private final EventLog log;

    EventListener(Entry e) {
      this.e = e;
      synchronized (lock) {
        this.log = log(e);
      }
    }

    private void add(String type, Map<String, Object> data) {
      log.append(type, clock.now(), data);
    }

    @Override
    public void attached(RunHandle handle) {
      e.handle = handle;
    }

    @Override
    public void stateChanged(RunCoordinator.State from, RunCoordinator.State to) {
      add("state", Map.of("from", from.name(), "to", to.name()));
    }

    @Override
    public void message(Level level, String text) {
      add("message", Map.of("level", level.name(), "text", text));
    }

    @Override
    public void preflight(Map<String, AgentMessage.PreflightReport> byHost) {
      var hosts = new LinkedHashMap<String, Object>();
      byHost.forEach((host, r) -> {
        var h = new LinkedHashMap<String, Object>();
        h.put("dockerVersion", r.dockerVersion());
        h.put("swarmState", r.swarmState());
        h.put("clockOffsetMs", r.clockOffsetMs());
        h.put("features", r.features());
        h.put("problems", r.problems());
        h.values().removeIf(v -> v == null);
        hosts.put(host, h);
      });
      add("preflight", Map.of("hosts", hosts));
    }

    @Override
    public void deploying(String runId, Path runDir) {
      add("deploying", Map.of("runId", runId, "runDir", runDir.toString()));
      // the folder is known: kept, so a restart can remove this run's stack (off this thread: the store does I/O)
      writer.execute(() -> {
        synchronized (lock) {
          if (e.state != QueueState.RUNNING) return;
          e.runId = runId;
          e.runDir = runDir.toString();
          persist(e);
        }
      });
    }

    @Override
    public void armed(Instant t0, Map<String, AgentMessage.Armed> byHost) {
      var hosts = new LinkedHashMap<String, Object>();
      byHost.forEach((host, a) -> {
        var h = new LinkedHashMap<String, Object>();
        h.put("clockOffsetMs", a.clockOffsetMs());
        if (a.alive() != null) h.put("alive", a.alive());
        hosts.put(host, h);
      });
      add("armed", Map.of("t0", t0.toString(), "hosts", hosts));
    }

    @Override
    public void actionFired(String host, AgentMessage.Progress p, long elapsedMillis) {
      var data = new LinkedHashMap<String, Object>();
      data.put("host", host);
      data.put("seq", p.seq());
      data.put("action", p.action());
      data.put("service", p.service());
      data.put("ids", p.ids());
      data.put("outcome", p.outcome());
      data.put("firingErrorMillis", p.firingErrorMs());
      data.put("elapsedMillis", elapsedMillis);
      add("action", data);
    }

    @Override
    public void workloadSample(String host, AgentMessage.WorkloadSample s) {
      var data = new LinkedHashMap<String, Object>();
      data.put("host", host);
      data.put("service", s.service());
      data.put("id", s.id());
      data.put("time", s.time() == null ? null : s.time().toString());
      data.put("intervalMillis", s.intervalMillis());
      data.put("ok", s.ok());
      data.put("failed", s.failed());
      data.put("p99Ms", s.p99Ms());
      add("workload", data);
    }

    @Override
    public void agentEnded(String host, AgentMessage.Ended ended, long elapsedMillis) {
      var data = new LinkedHashMap<String, Object>();
      data.put("host", host);
      data.put("outcome", ended.outcome());
      data.put("reason", ended.reason());
      data.put("healed", ended.healed());
      data.put("elapsedMillis", elapsedMillis);
      add("agent-ended", data);
    }
  }

  @Override
  public Optional<Subscription> subscribe(String id, long afterEventId, Consumer<RunEvent> sink) {
    EventLog log;
    synchronized (lock) {
      Entry e = entries.get(id);
      if (e == null) return Optional.empty();
      log = log(e);
    }
    var feed = new Feed(log, Math.max(0, afterEventId), sink);
    feeds.execute(feed);
    return Optional.of(feed);
  }

  /** One subscriber's feed, on a thread of the queue's: replays, then waits for each new event, until {@code ended} or close. */
  private final class Feed implements Subscription, Runnable {
    private final EventLog log;
    private final Consumer<RunEvent> sink;
    private volatile long cursor;
    private volatile boolean closed;

    Feed(EventLog log, long after, Consumer<RunEvent> sink) {
      this.log = log;
      this.cursor = after;
      this.sink = sink;
    }

    @Override
    public void run() {
      try {
        while (!closed) {
          List<RunEvent> batch = log.after(cursor);
          if (batch.isEmpty()) {
            // a closed queue ends its feeds once they have what was told (the cut-off run's `ended` included)
            if (log.ended() && cursor >= log.lastId() || queueClosed()) return;
            log.awaitAfter(cursor, () -> closed || queueClosed());
            continue;
          }
          for (RunEvent event : batch) {
            if (closed) return;
            sink.accept(event);
            cursor = event.id();
            if ("ended".equals(event.type())) return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // the sink failed (a client went away): this feed ends, the run goes on
      }
    }

    private boolean queueClosed() {
      return workerDone;
    }

    @Override
    public void close() {
      closed = true;
      log.wake();
    }
  }

  // ---- closing ----------------------------------------------------------------------------------

  @Override
  public void close() {
    QueueLauncher.Launch running = null;
    synchronized (lock) {
      if (closing) return;
      closing = true;
      for (Entry e : entries.values()) {
        if (e.state == QueueState.RUNNING) {
          if (e.abortReason == null) e.abortReason = CLOSE_REASON;
          running = e.launch;
        }
      }
      lock.notifyAll();
    }
    if (running != null) launcher.abort(running, CLOSE_REASON);
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workerDone = true;
    synchronized (lock) {
      for (Entry e : entries.values()) if (e.log != null) e.log.wake();
    }
    writer.shutdown();
    feeds.shutdown();
    try {
      writer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      store.close();
    }
  }
}
