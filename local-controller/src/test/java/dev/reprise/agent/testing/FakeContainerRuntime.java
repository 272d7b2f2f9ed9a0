package dev.reprise.agent.testing;

import dev.reprise.agent.runtime.ContainerRuntime;
import dev.reprise.agent.runtime.EngineInfo;
import dev.reprise.agent.runtime.ExecResult;
import dev.reprise.agent.runtime.LogLine;
import dev.reprise.agent.runtime.RunContainer;
import dev.reprise.agent.runtime.RunningExec;
import dev.reprise.agent.runtime.RuntimeEvent;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.agent.runtime.RuntimeTimeout;
import dev.reprise.agent.runtime.StatsSample;
import dev.reprise.agent.runtime.ServicePlacement;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A hand-written {@link ContainerRuntime} and swarm-like {@link ServicePlacement} (FDSL ID = slot − 1) for tests: containers live in a map, every call is
 * recorded as a readable string ({@code kill web.1 SIGKILL}, {@code scale web 3}, {@code exec web.1 /bin/sh /x.sh},
 * {@code copy web.1 /usr/lib/faultsee/x.sh}...) in {@link #calls()}. Kill/stop end the container and
 * emit a {@code die} event; scale creates containers in the next slots. {@link #failNext(String)} /
 * {@link #timeoutNext(String)} make the next call starting with a prefix throw. Execs end when the
 * test calls {@link #finishExec} (or when their host PID is killed through {@link FakeHostOps}).
 */
public final class FakeContainerRuntime implements ContainerRuntime, ServicePlacement {
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final Map<String, RunContainer> containers = new LinkedHashMap<>();
  private final Map<String, Integer> replicas = new LinkedHashMap<>();
  private final List<Consumer<RuntimeEvent>> eventSinks = new CopyOnWriteArrayList<>();
  private final java.util.Queue<RuntimeEvent> pendingEvents = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Object deliveryLock = new Object();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final Map<String, FakeExec> execs = new LinkedHashMap<>();
  private final Map<String, List<LogLine>> logs = new LinkedHashMap<>();
  private final Map<String, List<StatsSample>> stats = new LinkedHashMap<>();
  private long nextPid = 1000;
  private int nextExec = 1;
  private Instant now = Instant.parse("2030-01-01T00:00:00Z");
  private final String node = "node-1";

  public List<String> calls() {
    return List.copyOf(calls);
  }

  /** Calls recorded so far that start with {@code prefix}. */
  public List<String> calls(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  /** Creates {@code n} running containers of {@code swarmService} in the next slots. */
  public void deploy(String swarmService, int n) {
    synchronized (this) {
      deployLocked(swarmService, n);
    }
    deliver();
  }

  private void deployLocked(String swarmService, int n) {
    int current = replicas.getOrDefault(swarmService, 0);
    replicas.put(swarmService, current + n);
    for (int slot = current + 1; slot <= current + n; slot++) create(swarmService, slot);
  }

  private void create(String service, int slot) {
    var id = cid(service, slot);
    containers.put(id, new RunContainer(id, service, slot, "task" + slot, node, "reprise/hello:latest", true, nextPid++, null, false, now));
    emit(new RuntimeEvent(now, "create", id, service, slot, null, null));
    emit(new RuntimeEvent(now, "start", id, service, slot, null, null));
  }

  /** The fake container ID of a slot: {@code <service>.<slot>} padded to look like an ID. */
  public static String cid(String service, int slot) {
    return service + "." + slot;
  }

  public synchronized RunContainer get(String service, int slot) {
    return containers.get(cid(service, slot));
  }

  /** The next call whose description starts with {@code prefix} fails with {@code RuntimeFailure}. */
  public synchronized void failNext(String prefix) {
    failures.put(prefix, "fail");
  }

  /** The next call whose description starts with {@code prefix} throws {@code RuntimeTimeout}. */
  public synchronized void timeoutNext(String prefix) {
    failures.put(prefix, "timeout");
  }

  /** Log lines {@link #logs} will replay for a container. */
  public synchronized void setLog(String containerId, List<LogLine> lines) {
    logs.put(containerId, List.copyOf(lines));
  }

  /** Samples {@link #stats} will replay for a container (none by default). */
  public synchronized void setStats(String containerId, List<StatsSample> samples) {
    stats.put(containerId, List.copyOf(samples));
  }

  private final List<Consumer<String>> callListeners = new CopyOnWriteArrayList<>();

  /** {@code listener} hears of every call as it is recorded, before the fake acts on it (e.g. to check what was on disk then). */
  public void onCall(Consumer<String> listener) {
    callListeners.add(listener);
  }

  private synchronized void record(String call) {
    calls.add(call);
    callListeners.forEach(l -> l.accept(call));
    for (var it = failures.entrySet().iterator(); it.hasNext(); ) {
      var f = it.next();
      if (call.startsWith(f.getKey())) {
        it.remove();
        if (f.getValue().equals("timeout")) throw new RuntimeTimeout(call + ": the engine did not answer in time (fake)", null);
        throw new RuntimeFailure(call + ": refused (fake)");
      }
    }
  }

  /** Queued under this fake's lock, in the order they happened; handed to the sinks by {@link #deliver}. */
  private void emit(RuntimeEvent e) {
    pendingEvents.add(e);
  }

  /**
   * Hands queued events to the sinks, on the calling thread, after it released this fake's lock —
   * as a real engine delivers them, from outside the call that caused them. A sink that calls back
   * into this fake, or takes a lock another thread holds while calling this fake (the collectors
   * do), can then never deadlock with it.
   */
  private void deliver() {
    synchronized (deliveryLock) {
      RuntimeEvent e;
      while ((e = pendingEvents.poll()) != null) {
        var event = e;
        eventSinks.forEach(s -> s.accept(event));
      }
    }
  }

  @Override
  public EngineInfo info() {
    record("info");
    return new EngineInfo("fakehost", node, true, "20.10.24", "6.1.0", 2, 24L << 30);
  }

  @Override
  public synchronized List<RunContainer> containers(Collection<String> swarmServices) {
    record("containers " + String.join(",", swarmServices));
    return containers.values().stream().filter(c -> swarmServices.contains(c.swarmService())).toList();
  }

  @Override
  public synchronized RunContainer container(String containerId) {
    return containers.get(containerId);
  }

  @Override
  public Integer idOf(int slot) {
    return slot >= 1 ? slot - 1 : null;
  }

  @Override
  public String describe(int id) {
    return "slot " + (id + 1);
  }

  @Override
  public synchronized Optional<Placement> locate(String swarmService, int id) {
    record("tasks " + swarmService);
    for (var c : containers.values()) {
      if (c.swarmService().equals(swarmService) && c.slot() == id + 1) {
        return Optional.of(new Placement(c.nodeId(), "(slot " + c.slot() + "): task " + c.taskId() + " is "
            + (c.running() ? "running" : "failed")));
      }
    }
    return Optional.empty();
  }

  @Override
  public void warmUp() {
    record("warm-up");
  }

  @Override
  public void kill(String containerId, String signal) {
    record("kill " + containerId + " " + signal);
    synchronized (this) {
      var c = containers.get(containerId);
      if (c == null || !c.running()) throw new RuntimeFailure("container " + containerId + " is not running");
      if (signal.equals("SIGKILL")) end(c, 137);
    }
    deliver();
  }

  @Override
  public void stop(String containerId, Duration grace) {
    record("stop " + containerId + " " + grace.toMillis() + "ms");
    synchronized (this) {
      var c = containers.get(containerId);
      if (c != null && c.running()) end(c, 0);
    }
    deliver();
  }

  private final Map<String, List<String>> addresses = new java.util.HashMap<>();

  /** Gives container {@code containerId} these addresses ({@link #addresses}); by default a container has 10.0.0.<slot>. */
  public synchronized void setAddresses(String containerId, List<String> ips) {
    addresses.put(containerId, List.copyOf(ips));
  }

  @Override
  public synchronized List<String> addresses(String containerId) {
    var c = containers.get(containerId);
    if (c == null) return List.of();
    return addresses.getOrDefault(containerId, List.of("10.0." + Math.abs(c.swarmService().hashCode() % 200) + "." + c.slot()));
  }

  @Override
  public void pause(String containerId) {
    record("pause " + containerId);
    synchronized (this) {
      var c = containers.get(containerId);
      if (c == null || !c.running()) throw new RuntimeFailure("container " + containerId + " is not running");
      paused.add(containerId);
    }
  }

  @Override
  public void unpause(String containerId) {
    record("unpause " + containerId);
    synchronized (this) {
      paused.remove(containerId);
    }
  }

  @Override
  public void start(String containerId) {
    record("start " + containerId);
    synchronized (this) {
      var c = containers.get(containerId);
      if (c == null) throw new RuntimeFailure("no such container " + containerId);
      if (!c.running()) {
        containers.put(c.id(), new RunContainer(c.id(), c.swarmService(), c.slot(), c.taskId(), c.nodeId(), c.image(), true,
            c.pid() > 0 ? c.pid() : 4242, null, false, c.created()));
        emit(new RuntimeEvent(now, "start", c.id(), c.swarmService(), c.slot(), null, null));
      }
    }
    deliver();
  }

  /** Answers at once (the fake's stops are synchronous): whether the container does not run. */
  @Override
  public boolean awaitNotRunning(String containerId, Duration timeout) {
    record("await-stop " + containerId + " " + timeout.toMillis() + "ms");
    synchronized (this) {
      var c = containers.get(containerId);
      return c == null || !c.running();
    }
  }

  /** The containers paused now (pause without unpause). */
  public synchronized java.util.Set<String> paused() {
    return java.util.Set.copyOf(paused);
  }

  private final java.util.Set<String> paused = new java.util.HashSet<>();

  private void end(RunContainer c, int exit) {
    containers.put(c.id(), new RunContainer(c.id(), c.swarmService(), c.slot(), c.taskId(), c.nodeId(), c.image(), false, 0,
        exit, false, c.created()));
    emit(new RuntimeEvent(now, "die", c.id(), c.swarmService(), c.slot(), exit, null));
  }

  @Override
  public void scaleTo(String swarmService, int n) {
    record("scale " + swarmService + " " + n);
    synchronized (this) {
      int current = replicas.getOrDefault(swarmService, 0);
      if (n > current) deployLocked(swarmService, n - current);
      else replicas.put(swarmService, n);
    }
    deliver();
  }

  @Override
  public synchronized int count(String swarmService) {
    record("replicas " + swarmService);
    return replicas.getOrDefault(swarmService, 0);
  }

  @Override
  public void copyFile(String containerId, Path file, String folder, String name) {
    record("copy " + containerId + " " + (folder.endsWith("/") ? folder : folder + "/") + name);
  }

  @Override
  public RunningExec exec(String containerId, List<String> command) {
    record("exec " + containerId + " " + String.join(" ", command));
    synchronized (this) {
      var exec = new FakeExec("exec" + nextExec++, nextPid++);
      execs.put(exec.id, exec);
      return exec;
    }
  }

  /** Ends a running exec (by exec ID, e.g. {@code exec1}) with an exit code and output. */
  public synchronized void finishExec(String execId, int exitCode, String output) {
    execs.get(execId).result.complete(new ExecResult(exitCode, output));
  }

  /** The host PID of an exec (killing it through {@link FakeHostOps} ends the exec with 137). */
  public synchronized long execPid(String execId) {
    return execs.get(execId).pid;
  }

  synchronized boolean killExecByPid(long pid) {
    for (var e : execs.values()) {
      if (e.pid == pid && !e.result.isDone()) {
        e.result.complete(new ExecResult(137, "killed"));
        return true;
      }
    }
    return false;
  }

  @Override
  public Closeable events(Collection<String> swarmServices, Consumer<RuntimeEvent> sink) {
    record("events " + String.join(",", swarmServices));
    Consumer<RuntimeEvent> filtered = e -> {
      if (swarmServices.contains(e.swarmService())) sink.accept(e);
    };
    eventSinks.add(filtered);
    return () -> eventSinks.remove(filtered);
  }

  @Override
  public Closeable logs(String containerId, Consumer<LogLine> sink, Runnable onEnd) {
    List<LogLine> lines;
    synchronized (this) {
      lines = logs.getOrDefault(containerId, List.of());
      logFollowers.computeIfAbsent(containerId, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(sink);
    }
    record("logs " + containerId);
    lines.forEach(sink);
    return () -> {
      synchronized (this) {
        logFollowers.getOrDefault(containerId, List.of()).remove(sink);
      }
    };
  }

  /** Followed log streams, by container (a stream is removed when closed). */
  private final Map<String, List<Consumer<LogLine>>> logFollowers = new LinkedHashMap<>();

  /**
   * A container writes {@code line} now: appended to its log ({@link #setLog}) and handed to every
   * stream following it, on the calling thread.
   */
  public void writeLog(String containerId, LogLine line) {
    List<Consumer<LogLine>> followers;
    synchronized (this) {
      var all = new ArrayList<>(logs.getOrDefault(containerId, List.of()));
      all.add(line);
      logs.put(containerId, List.copyOf(all));
      followers = List.copyOf(logFollowers.getOrDefault(containerId, List.of()));
    }
    followers.forEach(f -> f.accept(line));
  }

  @Override
  public void logsSince(String containerId, java.time.Instant since, Consumer<LogLine> sink) {
    record("logs-since " + containerId);
    List<LogLine> lines;
    synchronized (this) {
      lines = logs.getOrDefault(containerId, List.of());
    }
    lines.stream().filter(l -> since == null || l.time() == null || !l.time().isBefore(since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
        .forEach(sink);
  }

  @Override
  public Closeable stats(String containerId, Consumer<StatsSample> sink) {
    record("stats " + containerId);
    List<StatsSample> samples;
    synchronized (this) {
      samples = stats.getOrDefault(containerId, List.of());
    }
    samples.forEach(sink);
    return () -> { };
  }

  @Override
  public void close() {
    record("close");
  }

  private final class FakeExec implements RunningExec {
    final String id;
    final long pid;
    final CompletableFuture<ExecResult> result = new CompletableFuture<>();

    FakeExec(String id, long pid) {
      this.id = id;
      this.pid = pid;
    }

    @Override public String id() { return id; }

    @Override public long hostPid() { return result.isDone() ? 0 : pid; }

    @Override
    public ExecResult await(Duration timeout) throws InterruptedException {
      try {
        return result.get(Math.min(timeout.toMillis(), 60_000), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      } catch (TimeoutException e) {
        throw new RuntimeTimeout("exec " + id + " still running", e);
      }
    }
  }
}
