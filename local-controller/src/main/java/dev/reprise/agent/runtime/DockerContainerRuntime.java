package dev.reprise.agent.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@link ContainerRuntime} over the Docker Engine API with docker-java (httpclient5 transport), on
 * {@code DOCKER_HOST} or {@code unix:///var/run/docker.sock}. With {@code swarm/SwarmServicePlacement},
 * the only classes importing docker-java.
 * Four HTTP clients, each with its own connection pool: one with a response timeout for commands
 * (a hung engine becomes {@link RuntimeTimeout}), one without for followed streams (events, logs,
 * stats: two held connections per container), and two for what fires at an instant — signals and
 * execs (with the timeout) and stop (without: its answer legitimately takes the grace period) — so
 * a fired call never waits for a connection the collectors hold, however many containers they follow.
 */
public final class DockerContainerRuntime implements ContainerRuntime {
  static final String SERVICE_LABEL = "com.docker.swarm.service.name";
  static final String TASK_NAME_LABEL = "com.docker.swarm.task.name";
  static final String TASK_ID_LABEL = "com.docker.swarm.task.id";
  static final String NODE_LABEL = "com.docker.swarm.node.id";

  /** A container ID no container has (64 hex digits are IDs; this is neither an ID nor a valid name). */
  static final String WARM_UP_CONTAINER = "reprise-warm-up-no-such-container";

  private final DockerClient commands;
  private final DockerClient streams;
  private final DockerClient firing;
  private final DockerClient firingStops;
  private final boolean localEngine;

  public DockerContainerRuntime(Duration commandTimeout) {
    var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    this.commands = client(config, commandTimeout);
    this.streams = client(config, null);
    this.firing = client(config, commandTimeout);
    this.firingStops = client(config, null);
    this.localEngine = config.getDockerHost() != null && "unix".equals(config.getDockerHost().getScheme());
  }

  /** A runtime with a 30 s command timeout. */
  public static DockerContainerRuntime connect() {
    return new DockerContainerRuntime(Duration.ofSeconds(30));
  }

  /** A docker-java client on {@code DOCKER_HOST} with its own connection pool (also used by the swarm adapter). */
  public static DockerClient client(Duration responseTimeout) {
    return client(DefaultDockerClientConfig.createDefaultConfigBuilder().build(), responseTimeout);
  }

  private static DockerClient client(DefaultDockerClientConfig config, Duration responseTimeout) {
    var http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .maxConnections(256)
        .connectionTimeout(Duration.ofSeconds(5));
    if (responseTimeout != null) http.responseTimeout(responseTimeout);
    return DockerClientImpl.getInstance(config, http.build());
  }

  /**
   * Runs one engine call, translating failures into {@link RuntimeFailure} / {@link RuntimeTimeout}
   * (also used by the swarm adapter).
   */
  public static <T> T call(String what, Supplier<T> body) {
    try {
      return body.get();
    } catch (NotFoundException e) {
      throw new RuntimeFailure(what + ": not found (" + firstLine(e.getMessage()) + ")", e);
    } catch (DockerException e) {
      throw new RuntimeFailure(what + ": " + firstLine(e.getMessage()), e);
    } catch (RuntimeException e) {
      if (hasCause(e, SocketTimeoutException.class) || hasCause(e, java.util.concurrent.TimeoutException.class)
          || String.valueOf(e.getMessage()).contains("Read timed out")) {
        throw new RuntimeTimeout(what + ": the Docker engine did not answer in time", e);
      }
      if (hasCause(e, IOException.class)) {
        throw new RuntimeFailure(what + ": cannot reach the Docker engine: " + firstLine(e.getMessage()), e);
      }
      throw e;
    }
  }

  private static void run(String what, Runnable body) {
    call(what, () -> {
      body.run();
      return null;
    });
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (var c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
    return false;
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    var t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

  @Override
  public EngineInfo info() {
    return call("docker info", () -> {
      var info = commands.infoCmd().exec();
      var swarm = info.getSwarm();
      String node = swarm == null || swarm.getNodeID() == null || swarm.getNodeID().isEmpty() ? null : swarm.getNodeID();
      boolean manager = swarm != null && Boolean.TRUE.equals(swarm.getControlAvailable());
      return new EngineInfo(info.getName(), node, manager, info.getServerVersion(), info.getKernelVersion(),
          info.getNCPU() == null ? 0 : info.getNCPU(), info.getMemTotal() == null ? 0 : info.getMemTotal());
    });
  }

  /** How many containers {@link #containers} inspects at once: a run of many is listed in a fraction of the time. */
  static final int INSPECT_PARALLELISM = 8;

  @Override
  public List<RunContainer> containers(Collection<String> swarmServices) {
    var wanted = new HashSet<>(swarmServices);
    var ids = call("list containers", () -> {
      var found = new ArrayList<String>();
      for (Container c : commands.listContainersCmd().withShowAll(true).withLabelFilter(List.of(SERVICE_LABEL)).exec()) {
        var labels = c.getLabels() == null ? Map.<String, String>of() : c.getLabels();
        if (wanted.contains(labels.get(SERVICE_LABEL))) found.add(c.getId());
      }
      return found;
    });
    var result = new ArrayList<RunContainer>();
    if (ids.size() <= 1) {
      for (var id : ids) {
        var rc = container(id);
        if (rc != null) result.add(rc);
      }
      return result;
    }
    var inspectors = java.util.concurrent.Executors.newFixedThreadPool(Math.min(INSPECT_PARALLELISM, ids.size()), r -> {
      var t = new Thread(r, "docker-inspect");
      t.setDaemon(true);
      return t;
    });
    try {
      var inspections = new ArrayList<java.util.concurrent.Future<RunContainer>>();
      for (var id : ids) inspections.add(inspectors.submit(() -> container(id)));
      for (var f : inspections) {
        RunContainer rc;
        try {
          rc = f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException re) throw re;
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RuntimeTimeout("list containers: interrupted while inspecting them", e);
        }
        if (rc != null) result.add(rc);
      }
      return result;
    } finally {
      inspectors.shutdownNow();
    }
  }

  @Override
  public RunContainer container(String containerId) {
    return call("inspect container " + containerId, () -> {
      InspectContainerResponse r;
      try {
        r = commands.inspectContainerCmd(containerId).exec();
      } catch (NotFoundException e) {
        return null;
      }
      var labels = r.getConfig() == null || r.getConfig().getLabels() == null ? Map.<String, String>of() : r.getConfig().getLabels();
      var service = labels.get(SERVICE_LABEL);
      var state = r.getState();
      boolean running = state != null && Boolean.TRUE.equals(state.getRunning());
      Long pid = state == null ? null : state.getPidLong();
      Long exit = state == null ? null : state.getExitCodeLong();
      return new RunContainer(r.getId(), service, RunContainer.slotOf(labels.get(TASK_NAME_LABEL), service),
          labels.get(TASK_ID_LABEL), labels.get(NODE_LABEL),
          r.getConfig() == null ? null : r.getConfig().getImage(), running, running && pid != null ? pid : 0,
          running || exit == null ? null : exit.intValue(), state != null && Boolean.TRUE.equals(state.getOOMKilled()),
          r.getCreated() == null ? null : Instant.parse(r.getCreated()));
    });
  }

  @Override
  public void warmUp() {
    // A few rounds load and link the classes of the path and open its connections; more would only
    // load the engine (the resolver thread waits for this before resolving the first actions).
    for (int i = 0; i < 5; i++) {
      try {
        kill(WARM_UP_CONTAINER, "SIGKILL");
      } catch (RuntimeException expected) {
        // "no such container": the round trip is the point
      }
      try {
        firingStops.inspectContainerCmd(WARM_UP_CONTAINER).exec();
      } catch (RuntimeException expected) {
        // likewise
      }
    }
  }

  @Override
  public void kill(String containerId, String signal) {
    run("send " + signal + " to " + containerId, () -> firing.killContainerCmd(containerId).withSignal(signal).exec());
  }

  @Override
  public void stop(String containerId, Duration grace) {
    int seconds = (int) Math.max(0, (grace.toMillis() + 999) / 1000);
    run("stop " + containerId, () -> firingStops.stopContainerCmd(containerId).withTimeout(seconds).exec());
  }

  @Override
  public List<String> addresses(String containerId) {
    return call("inspect networks of " + containerId, () -> {
      InspectContainerResponse r;
      try {
        r = commands.inspectContainerCmd(containerId).exec();
      } catch (NotFoundException e) {
        return List.<String>of();
      }
      var out = new java.util.ArrayList<String>();
      var settings = r.getNetworkSettings();
      if (settings != null && settings.getNetworks() != null) {
        for (var n : settings.getNetworks().values()) {
          if (n.getIpAddress() != null && !n.getIpAddress().isBlank()) out.add(n.getIpAddress());
        }
      }
      return List.copyOf(out);
    });
  }

  @Override
  public void pause(String containerId) {
    run("pause " + containerId, () -> firing.pauseContainerCmd(containerId).exec());
  }

  @Override
  public void unpause(String containerId) {
    try {
      run("unpause " + containerId, () -> firingStops.unpauseContainerCmd(containerId).exec());
    } catch (RuntimeFailure e) {
      // "is not paused" (409) and "No such container" (404): nothing to thaw.
      var m = String.valueOf(e.getMessage());
      if (!(m.contains("not paused") || m.contains("No such container") || m.contains("404") || m.contains("409"))) throw e;
    }
  }

  @Override
  public void start(String containerId) {
    try {
      run("start " + containerId, () -> firingStops.startContainerCmd(containerId).exec());
    } catch (RuntimeFailure e) {
      if (!String.valueOf(e.getMessage()).contains("already started") && !String.valueOf(e.getMessage()).contains("304")) throw e;
    }
  }

  @Override
  public boolean awaitNotRunning(String containerId, Duration timeout) {
    try (var wait = streams.waitContainerCmd(containerId).withCondition(com.github.dockerjava.api.model.WaitContainerCondition.NOT_RUNNING)
        .exec(new com.github.dockerjava.api.command.WaitContainerResultCallback())) {
      wait.awaitStatusCode(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      return true;
    } catch (NotFoundException e) {
      return true;
    } catch (com.github.dockerjava.api.exception.DockerClientException e) {
      // "Awaiting status code timeout": it still runs
      var c = container(containerId);
      return c == null || !c.running();
    } catch (IOException e) {
      throw new RuntimeFailure("wait for " + containerId + " to stop: " + e.getMessage(), e);
    }
  }

  @Override
  public void copyFile(String containerId, Path file, String folder, String name) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new RuntimeFailure("cannot read " + file + ": " + e.getMessage(), e);
    }
    var tar = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(tar)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      var path = new StringBuilder();
      for (var part : folder.split("/")) {
        if (part.isEmpty()) continue;
        path.append(part).append('/');
        var dir = new TarArchiveEntry(path.toString());
        dir.setMode(040755);
        out.putArchiveEntry(dir);
        out.closeArchiveEntry();
      }
      var entry = new TarArchiveEntry(path + name);
      entry.setMode(0100755);
      entry.setSize(content.length);
      out.putArchiveEntry(entry);
      out.write(content);
      out.closeArchiveEntry();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory tar failed", e);
    }
    run("copy " + file.getFileName() + " into " + containerId + ":" + folder, () ->
        firing.copyArchiveToContainerCmd(containerId).withRemotePath("/")
            .withTarInputStream(new ByteArrayInputStream(tar.toByteArray())).exec());
  }

  @Override
  public RunningExec exec(String containerId, List<String> command) {
    var execId = call("exec in " + containerId, () -> firing.execCreateCmd(containerId)
        .withCmd(command.toArray(String[]::new)).withAttachStdout(true).withAttachStderr(true).exec().getId());
    var output = new StringBuffer();
    var callback = new ResultCallback.Adapter<Frame>() {
      @Override
      public void onNext(Frame frame) {
        if (output.length() < 1_000_000) output.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
      }
    };
    run("start exec in " + containerId, () -> firingStops.execStartCmd(execId).exec(callback));
    return new RunningExec() {
      @Override public String id() { return execId; }

      @Override
      public long hostPid() {
        try {
          var r = commands.inspectExecCmd(execId).exec();
          return Boolean.TRUE.equals(r.isRunning()) && r.getPidLong() != null ? r.getPidLong() : 0;
        } catch (RuntimeException e) {
          return 0;
        }
      }

      @Override
      public ExecResult await(Duration timeout) throws InterruptedException {
        if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new RuntimeTimeout("command still running after " + timeout.toMillis() + " ms", null, output.toString());
        }
        var exit = call("inspect exec", () -> commands.inspectExecCmd(execId).exec().getExitCodeLong());
        return new ExecResult(exit == null ? null : exit.intValue(), output.toString());
      }
    };
  }

  @Override
  public Closeable events(Collection<String> swarmServices, Consumer<RuntimeEvent> sink) {
    var wanted = new HashSet<>(swarmServices);
    var callback = new ResultCallback.Adapter<Event>() {
      @Override
      public void onNext(Event e) {
        var attrs = e.getActor() == null || e.getActor().getAttributes() == null ? Map.<String, String>of() : e.getActor().getAttributes();
        var service = attrs.get(SERVICE_LABEL);
        if (!wanted.contains(service)) return;
        var action = e.getAction() == null ? e.getStatus() : e.getAction();
        if (action == null) return;
        // exec_create/exec_start carry ": <command>" after the action name; keep the name only.
        int colon = action.indexOf(':');
        if (colon > 0) action = action.substring(0, colon).strip();
        Instant time = e.getTimeNano() != null ? Instant.ofEpochSecond(0, e.getTimeNano())
            : Instant.ofEpochSecond(e.getTime() == null ? 0 : e.getTime());
        Integer exit = null;
        if (attrs.get("exitCode") != null) {
          try {
            exit = Integer.parseInt(attrs.get("exitCode"));
          } catch (NumberFormatException ignored) {
            // not a number: leave it out
          }
        }
        var signal = attrs.get("signal");
        sink.accept(new RuntimeEvent(time, action, e.getId() != null ? e.getId() : e.getActor().getId(), service,
            RunContainer.slotOf(attrs.get(TASK_NAME_LABEL), service), exit, signal == null ? null : signalName(signal)));
      }
    };
    // since=1 (epoch second 1): replay every event the engine still holds (a bounded recent buffer),
    // because the deploy happened before the agent was armed.
    String since = "1";
    return call("follow events", () -> streams.eventsCmd().withEventTypeFilter(EventType.CONTAINER)
        .withLabelFilter(SERVICE_LABEL).withSince(since).exec(callback));
  }

  /** Docker reports a kill's signal as a number; records use the name. */
  static String signalName(String signal) {
    try {
      int n = Integer.parseInt(signal);
      return switch (n) {
        case 1 -> "SIGHUP"; case 2 -> "SIGINT"; case 3 -> "SIGQUIT"; case 6 -> "SIGABRT"; case 9 -> "SIGKILL";
        case 10 -> "SIGUSR1"; case 12 -> "SIGUSR2"; case 14 -> "SIGALRM"; case 15 -> "SIGTERM";
        case 17 -> "SIGCHLD"; case 18 -> "SIGCONT"; case 19 -> "SIGSTOP"; case 20 -> "SIGTSTP";
        default -> "SIG" + n;
      };
    } catch (NumberFormatException e) {
      return signal;
    }
  }

  @Override
  public Closeable logs(String containerId, Consumer<LogLine> sink, Runnable onEnd) {
    var callback = logCallback(sink, onEnd);
    return call("follow logs of " + containerId, () -> streams.logContainerCmd(containerId).withStdOut(true)
        .withStdErr(true).withTimestamps(true).withFollowStream(true).exec(callback));
  }

  @Override
  public void logsSince(String containerId, Instant since, Consumer<LogLine> sink) {
    var callback = logCallback(sink, () -> { });
    var cmd = streams.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTimestamps(true)
        .withFollowStream(false);
    if (since != null) cmd = cmd.withSince((int) since.getEpochSecond());
    var running = cmd.exec(callback);
    try {
      if (!running.awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new RuntimeTimeout("reading the log of " + containerId + " took over 30 s", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        running.close();
      } catch (java.io.IOException ignored) {
        // done either way
      }
    }
  }

  /** Splits the engine's multiplexed frames into timestamped lines, per stream. */
  private static ResultCallback.Adapter<Frame> logCallback(Consumer<LogLine> sink, Runnable onEnd) {
    return new ResultCallback.Adapter<Frame>() {
      private final StringBuilder out = new StringBuilder();
      private final StringBuilder err = new StringBuilder();

      @Override
      public void onNext(Frame frame) {
        boolean isErr = frame.getStreamType() == StreamType.STDERR;
        var buf = isErr ? err : out;
        buf.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
        int nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          emit(buf.substring(0, nl), isErr);
          buf.delete(0, nl + 1);
        }
      }

      private void emit(String raw, boolean isErr) {
        int sp = raw.indexOf(' ');
        Instant time = null;
        String text = raw;
        if (sp > 0) {
          try {
            time = Instant.parse(raw.substring(0, sp));
            text = raw.substring(sp + 1);
          } catch (RuntimeException e) {
            // no timestamp prefix: keep the whole line
          }
        }
        sink.accept(new LogLine(time, isErr ? "stderr" : "stdout", text));
      }

      private void flushPartial() {
        if (out.length() > 0) emit(out.toString(), false);
        if (err.length() > 0) emit(err.toString(), true);
        out.setLength(0);
        err.setLength(0);
      }

      @Override
      public void onComplete() {
        flushPartial();
        super.onComplete();
        onEnd.run();
      }

      @Override
      public void onError(Throwable t) {
        flushPartial();
        super.onError(t);
        onEnd.run();
      }
    };
  }


  /** Where container cgroups and processes are read for stats (the engine's own host). */
  private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  private static final Path PROC = Path.of("/proc");
  private CgroupStatsPoller cgroupPoller;

  private synchronized CgroupStatsPoller cgroupPoller() {
    if (cgroupPoller == null) cgroupPoller = new CgroupStatsPoller(Duration.ofSeconds(1));
    return cgroupPoller;
  }

  /**
   * Once a second, like the engine's stats stream: read from the container's cgroup files when the
   * engine is local and they are readable ({@link CgroupStats}: no engine request per sample, one
   * thread for all containers), else the engine's stats stream (one held connection per container).
   */
  @Override
  public Closeable stats(String containerId, Consumer<StatsSample> sink) {
    if (engineIsLocal()) {
      var c = container(containerId);
      var reader = c == null ? null : CgroupStats.locate(c.pid(), CGROUP_ROOT, PROC, Instant::now);
      if (reader != null) return cgroupPoller().follow(reader, sink);
    }
    return engineStats(containerId, sink);
  }

  /** The engine is on this host (a unix socket): its containers' cgroups are this host's. */
  private boolean engineIsLocal() {
    return localEngine;
  }

  /** The engine's stats stream of one container. */
  Closeable engineStats(String containerId, Consumer<StatsSample> sink) {
    var callback = new ResultCallback.Adapter<Statistics>() {
      @Override
      public void onNext(Statistics s) {
        var sample = toSample(s);
        if (sample != null) sink.accept(sample);
      }
    };
    return call("follow stats of " + containerId, () -> streams.statsCmd(containerId).exec(callback));
  }

  private static StatsSample toSample(Statistics s) {
    if (s.getRead() == null || s.getRead().startsWith("0001-")) return null;
    var cpu = s.getCpuStats();
    var pre = s.getPreCpuStats();
    long cpuTotal = cpu == null || cpu.getCpuUsage() == null ? 0 : nz(cpu.getCpuUsage().getTotalUsage());
    long preTotal = pre == null || pre.getCpuUsage() == null ? 0 : nz(pre.getCpuUsage().getTotalUsage());
    int online = cpu == null || cpu.getOnlineCpus() == null ? 0 : cpu.getOnlineCpus().intValue();
    if (online == 0 && cpu != null && cpu.getCpuUsage() != null && cpu.getCpuUsage().getPercpuUsage() != null) {
      online = cpu.getCpuUsage().getPercpuUsage().size();
    }
    var mem = s.getMemoryStats();
    long usage = mem == null ? 0 : nz(mem.getUsage());
    long cache = 0;
    if (mem != null && mem.getStats() != null) {
      var ms = mem.getStats();
      // As docker CLI: v1 subtracts total_inactive_file, v2 inactive_file.
      cache = ms.getTotalInactiveFile() != null ? ms.getTotalInactiveFile() : nz(ms.getInactiveFile());
    }
    long rx = 0, tx = 0;
    if (s.getNetworks() != null) {
      for (var n : s.getNetworks().values()) {
        rx += nz(n.getRxBytes());
        tx += nz(n.getTxBytes());
      }
    }
    long read = 0, write = 0;
    if (s.getBlkioStats() != null && s.getBlkioStats().getIoServiceBytesRecursive() != null) {
      for (var e : s.getBlkioStats().getIoServiceBytesRecursive()) {
        if ("read".equalsIgnoreCase(e.getOp())) read += nz(e.getValue());
        else if ("write".equalsIgnoreCase(e.getOp())) write += nz(e.getValue());
      }
    }
    return new StatsSample(Instant.parse(s.getRead()), cpuTotal, preTotal,
        cpu == null ? 0 : nz(cpu.getSystemCpuUsage()), pre == null ? 0 : nz(pre.getSystemCpuUsage()), online,
        Math.max(0, usage - cache), mem == null ? 0 : nz(mem.getLimit()), rx, tx, read, write);
  }

  private static long nz(Long v) {
    return v == null ? 0 : v;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (cgroupPoller != null) cgroupPoller.close();
    }
    for (var c : List.of(commands, streams, firing, firingStops)) {
      try {
        c.close();
      } catch (IOException e) {
        // closing connections: nothing left to do
      }
    }
  }
}
