package dev.reprise.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.agent.runtime.LinuxHostOps;
import dev.reprise.fdsl.model.DiskFillFault;
import dev.reprise.fdsl.model.IoFault;
import dev.reprise.fdsl.model.MemoryFault;
import dev.reprise.fdsl.model.PauseFault;
import dev.reprise.fdsl.model.RestartFault;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.TimelineRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resource faults (pause, restart, memory, disk_fill, io) applied by the real agent, as its own
 * process with its own on-disk heal journal, to task containers of a single-node swarm (services of
 * {@code reprise/hello:latest} with restart condition none, as runs deploy them): each effect is
 * there during its window and gone after it; and after a SIGKILL of the agent that applied them, its
 * watchdog ({@code LeftoverHealer} over the heal journal) undoes them within seconds: no paused
 * container, a stopped one started again, no helper process, no filler file.
 */
class ResourceFaultsIT {
  static final String PREFIX = "rf-it-" + Long.toHexString(System.nanoTime() & 0xffffffL);
  static final long MIB = 1024L * 1024;
  static final List<String> services = new ArrayList<>();
  static final List<String> volumes = new ArrayList<>();
  @TempDir Path dir;

  @BeforeAll
  static void swarm() throws Exception {
    AgentIT.swarm();
  }

  @AfterAll
  static void removeServices() throws Exception {
    for (var s : services) {
      try {
        AgentIT.docker("service", "rm", s);
      } catch (IOException e) {
        // already gone
      }
    }
    for (var v : volumes) {
      // the service's containers go away asynchronously
      await("volume " + v + " removable", Duration.ofSeconds(30), () -> {
        try {
          AgentIT.docker("volume", "rm", "-f", v);
          return true;
        } catch (Exception e) {
          return false;
        }
      });
    }
  }

  /** A one-container service of hello printing a line every 0.2 s, optionally with a named volume at {@code /data}. */
  static String service(String name, boolean volume) throws Exception {
    return service(name, volume, false);
  }

  /** {@code ignoresSigterm}: a shell loop that ignores SIGTERM instead of hello, so a stop takes its whole grace. */
  static String service(String name, boolean volume, boolean ignoresSigterm) throws Exception {
    var full = PREFIX + "_" + name;
    var args = new ArrayList<>(List.of("service", "create", "-d", "--name", full, "--restart-condition", "none",
        "--endpoint-mode", "dnsrr", "--replicas", "1", "--stop-grace-period", "2s", "--env", "HELLO_INTERVAL=0.2"));
    if (volume) {
      volumes.add(full + "_vol");
      args.addAll(List.of("--mount", "type=volume,source=" + full + "_vol,target=/data"));
    }
    if (ignoresSigterm) args.addAll(List.of("--entrypoint", "/bin/sh"));
    args.add("reprise/hello:latest");
    if (ignoresSigterm) args.addAll(List.of("-c", "trap '' TERM; while :; do echo tick; sleep 0.2; done"));
    services.add(full);
    AgentIT.docker(args.toArray(String[]::new));
    await(full + " running", Duration.ofSeconds(60), () -> !containersOf(full).isEmpty());
    return full;
  }

  static List<String> containersOf(String swarmService) {
    try {
      var out = AgentIT.docker("ps", "-q", "--no-trunc", "--filter", "label=com.docker.swarm.service.name=" + swarmService);
      return out.isEmpty() ? List.of() : out.lines().toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String inspect(String container, String format) {
    try {
      return AgentIT.docker("inspect", "-f", format, container);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long pidOf(String container) {
    return Long.parseLong(inspect(container, "{{.State.Pid}}"));
  }

  static long logLines(String container) {
    try {
      return AgentIT.docker("logs", container).lines().count();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The container's memory charge: cgroup v2 {@code memory.current}, else v1 {@code memory.usage_in_bytes}. */
  static long memoryUsage(long pid) throws IOException {
    for (var line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
      var parts = line.split(":", 3);
      if (parts[1].equals("memory")) {
        return Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup/memory" + parts[2], "memory.usage_in_bytes")).strip());
      }
    }
    for (var line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
      if (line.startsWith("0::")) return Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup" + line.substring(3), "memory.current")).strip());
    }
    throw new IllegalStateException("no memory cgroup for " + pid);
  }

  /** {@code statvfs} of {@code path} as {@code stat -f} reports it: total, free and available bytes. */
  static long[] statfs(Path path) throws Exception {
    var p = new ProcessBuilder("stat", "-f", "-c", "%S %b %f %a", path.toString()).redirectErrorStream(true).start();
    var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split(" ");
    p.waitFor(10, TimeUnit.SECONDS);
    long block = Long.parseLong(out[0]);
    return new long[] {block * Long.parseLong(out[1]), block * Long.parseLong(out[2]), block * Long.parseLong(out[3])};
  }

  /** Allocated bytes of a file ({@code stat -c '%b %B'}: blocks × block size; a sparse file has few). */
  static long allocated(Path file) throws Exception {
    var p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
    var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split(" ");
    p.waitFor(10, TimeUnit.SECONDS);
    return Long.parseLong(out[0]) * Long.parseLong(out[1]);
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** The agent as its own process (as over SSH) with its heal journal in {@code state}, heartbeated every 500 ms. */
  static final class AgentProcess implements AutoCloseable {
    final Process process;
    final BlockingQueue<AgentMessage> messages = new LinkedBlockingQueue<>();
    private final OutputStream in;
    private volatile boolean beating = true;

    AgentProcess(Path state) throws IOException {
      var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      var pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AgentMain.class.getName())
          .redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put("REPRISE_STATE_DIR", state.toString());
      process = pb.start();
      in = process.getOutputStream();
      var reader = new Thread(() -> {
        try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = out.readLine()) != null) messages.add(ProtocolCodec.decodeAgent(line));
        } catch (IOException | ProtocolCodec.ProtocolException e) {
          // the agent ended (or wrote what is not a message: expect reports the silence)
        }
      }, "agent-output");
      reader.setDaemon(true);
      reader.start();
      var beat = new Thread(() -> {
        try {
          while (beating) {
            send(new MasterMessage.Heartbeat(Instant.now()));
            TimeUnit.MILLISECONDS.sleep(500);
          }
        } catch (Exception e) {
          // the agent ended
        }
      }, "heartbeat");
      beat.setDaemon(true);
      beat.start();
    }

    synchronized void send(MasterMessage m) throws IOException {
      in.write((ProtocolCodec.encode(m) + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    /** The next message of {@code type}, skipping others; an agent {@code error} fails the test. */
    <T extends AgentMessage> T expect(Class<T> type, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (true) {
        var m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (m == null) throw new AssertionError("no " + type.getSimpleName() + " from the agent within " + seconds + " s");
        assertThat(m).as("agent message").isNotInstanceOf(AgentMessage.Error.class);
        if (type.isInstance(m)) return type.cast(m);
      }
    }

    Instant arm(String runId, Plan plan, Map<String, String> swarmServices, Path records) throws Exception {
      send(new MasterMessage.Hello(1, runId, "it"));
      expect(AgentMessage.Hello.class, 20);
      var t0 = Instant.now().plusSeconds(2);
      send(ProtocolCodec.arm(runId, plan, t0, PREFIX, swarmServices, true, records.toString(), null, null, 1000, 2000));
      expect(AgentMessage.Armed.class, 20);
      return t0;
    }

    @Override
    public void close() {
      beating = false;
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static List<TimelineRecord> timeline(Path records) throws IOException {
    var file = records.resolve("timeline.jsonl");
    if (!Files.exists(file)) return List.of();
    return Files.readAllLines(file).stream().map(l -> RecordJson.parse(l, TimelineRecord.class)).toList();
  }

  static void untilInstant(Instant t) throws InterruptedException {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) TimeUnit.MILLISECONDS.sleep(ms);
  }

  /** How long the window test's pause, memory, disk and io faults last. */
  static final int WINDOW_MS = 12_000;

  @Test
  void eachEffectIsThereDuringItsWindowAndGoneAfter() throws Exception {
    var paused = service("paused", false);
    var restarted = service("restarted", true);
    var loaded = service("loaded", true);
    var pausedC = containersOf(paused).get(0);
    var restartedC = containersOf(restarted).get(0);
    var loadedC = containersOf(loaded).get(0);
    AgentIT.docker("exec", restartedC, "sh", "-c", "echo kept > /data/keep");
    long loadedPid = pidOf(loadedC);
    long memoryBefore = memoryUsage(loadedPid);
    // disk_fill by percent, on the volume: 64 MiB fuller than the file system is now, as df counts
    var percentFiller = Path.of("/proc/" + loadedPid + "/root/data/.reprise-fill-5");
    var df = statfs(Path.of("/proc/" + loadedPid + "/root/data"));
    double percent = 100.0 * (df[0] - df[1] + 64 * MIB) / (df[0] - df[1] + df[2]);
    var filler = Path.of("/proc/" + loadedPid + "/root/tmp/.reprise-fill-3");
    var ioFolder = Path.of("/proc/" + loadedPid + "/root/tmp/.reprise-io-4-0");
    var runId = PREFIX + "-window";
    var host = new LinuxHostOps();
    var marker = "reprise-burner/" + runId;
    var records = dir.resolve("window");
    // windows of 12 s, so every check below happens inside them even when a loaded machine makes
    // each docker call take a second or more; the restart's 3 s down time is checked as a lower bound
    var plan = TestPlans.plan(26_000, Map.of("paused", 1, "restarted", 1, "loaded", 1),
        TestPlans.fault(0, 1000, "paused", new PauseFault(WINDOW_MS), 0),
        TestPlans.fault(1, 1000, "restarted", new RestartFault(3000, 1000L), 0),
        TestPlans.fault(2, 1000, "loaded", new MemoryFault(WINDOW_MS, 96 * MIB, null), 0),
        TestPlans.fault(3, 1000, "loaded", new DiskFillFault(WINDOW_MS, "/tmp", 16 * MIB, null), 0),
        TestPlans.fault(4, 1000, "loaded", new IoFault(WINDOW_MS, "/tmp", IoFault.Mode.WRITE, 1, 8 * MIB), 0),
        TestPlans.fault(5, 1000, "loaded", new DiskFillFault(WINDOW_MS, "/data", null, percent), 0));
    try (var agent = new AgentProcess(dir.resolve("state"))) {
      var t0 = agent.arm(runId, plan, Map.of("paused", paused, "restarted", restarted, "loaded", loaded), records);
      var downTimeEnd = t0.plusMillis(1000 + 3000); // the restart's down time
      var faultWindowEnd = t0.plusMillis(1000 + WINDOW_MS);

      // pause: frozen, no log line for a second and a half, thawed after its window, logging again
      await("paused is paused", Duration.ofSeconds(10), () -> inspect(pausedC, "{{.State.Paused}}").equals("true"));
      long linesPaused = logLines(pausedC);
      // restart: stopped
      await("restarted is stopped", Duration.ofSeconds(10), () -> inspect(restartedC, "{{.State.Running}}").equals("false"));
      // memory: the container is charged ~96 MiB more
      await("loaded holds the memory", Duration.ofSeconds(10), () -> {
        try {
          return memoryUsage(loadedPid) > memoryBefore + 80 * MIB;
        } catch (IOException e) {
          return false;
        }
      });
      assertThat(Instant.now()).as("memory seen within the window").isBefore(faultWindowEnd);
      // disk_fill: the whole 16 MiB, allocated (not sparse), inside the container
      await("the filler is complete", Duration.ofSeconds(10), () -> {
        try {
          return Files.exists(filler) && Files.size(filler) == 16 * MIB;
        } catch (IOException e) {
          return false;
        }
      });
      assertThat(allocated(filler)).isGreaterThanOrEqualTo(16 * MIB);
      await("the percent filler is there", Duration.ofSeconds(10), () -> Files.exists(percentFiller));
      // other writers on the host's disk move the starting point a little
      await("the percent filler is about 64 MiB", Duration.ofSeconds(10), () -> {
        try {
          long size = Files.size(percentFiller);
          return size >= 16 * MIB && size <= 256 * MIB;
        } catch (IOException e) {
          return false;
        }
      });
      // io: its worker writes in its folder, in the container's cgroups
      await("the io worker runs", Duration.ofSeconds(10), () -> host.findMarked(marker).size() == 2 && Files.isDirectory(ioFolder));
      TimeUnit.MILLISECONDS.sleep(1500);
      long linesLater = logLines(pausedC);
      assertThat(inspect(pausedC, "{{.State.Paused}}")).as("still paused (within its window)").isEqualTo("true");
      assertThat(linesLater).as("no log line while paused").isEqualTo(linesPaused);

      await("restarted runs again", Duration.ofSeconds(15), () -> inspect(restartedC, "{{.State.Running}}").equals("true"));
      assertThat(Instant.now()).as("not started before its down time").isAfterOrEqualTo(downTimeEnd.minusMillis(500));
      await("paused is thawed", Duration.ofSeconds(30), () -> inspect(pausedC, "{{.State.Paused}}").equals("false"));
      await("paused logs again", Duration.ofSeconds(20), () -> logLines(pausedC) > linesPaused);
      await("the helpers are gone", Duration.ofSeconds(30), () -> host.findMarked(marker).isEmpty());
      await("the memory is freed", Duration.ofSeconds(30), () -> {
        try {
          return memoryUsage(loadedPid) < memoryBefore + 40 * MIB;
        } catch (IOException e) {
          return false;
        }
      });
      // heals run one after another (a restart's start may wait for its stop): wait for the last ones
      await("the fillers and the io folder are deleted", Duration.ofSeconds(40),
          () -> !Files.exists(filler) && !Files.exists(percentFiller) && !Files.exists(ioFolder));
      // Swarm left the restarted task alone: the same container, its volume's file, nothing new
      assertThat(containersOf(restarted)).containsExactly(restartedC);
      assertThat(AgentIT.docker("exec", restartedC, "cat", "/data/keep")).isEqualTo("kept");
      TimeUnit.SECONDS.sleep(3);
      assertThat(containersOf(restarted)).as("Swarm still has not replaced or stopped it").containsExactly(restartedC);

      var ended = agent.expect(AgentMessage.Ended.class, 40);
      assertThat(ended.outcome()).isEqualTo("ok");
    }
    var lines = timeline(records);
    var actions = lines.stream().filter(r -> r.kind().equals("action")).sorted(java.util.Comparator.comparing(TimelineRecord::seq)).toList();
    assertThat(actions).extracting(TimelineRecord::seq, TimelineRecord::outcome, TimelineRecord::mechanism).containsExactly(
        org.assertj.core.groups.Tuple.tuple(0, "ok", "engine-pause"), org.assertj.core.groups.Tuple.tuple(1, "ok", "engine-stop-start"),
        org.assertj.core.groups.Tuple.tuple(2, "ok", "cgroup-helper"), org.assertj.core.groups.Tuple.tuple(3, "ok", "filler-file"),
        org.assertj.core.groups.Tuple.tuple(4, "ok", "cgroup-helper"), org.assertj.core.groups.Tuple.tuple(5, "ok", "filler-file"));
    assertThat(actions.get(3).output()).isEqualTo("wrote 16 MiB to /tmp/.reprise-fill-3");
    assertThat(actions.get(5).output()).startsWith("wrote ").contains(" to /data/.reprise-fill-5 to reach " + percent + "% used");
    var heals = lines.stream().filter(r -> r.kind().equals("heal")).toList();
    assertThat(heals).extracting(TimelineRecord::seq).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    assertThat(heals).allSatisfy(h -> assertThat(h.outcome()).as("heal of %d: %s", h.seq(), h.error()).isEqualTo("ok"));
    assertThat(journalEntries(dir.resolve("state"))).as("heal journal entries left").isZero();
  }

  static long journalEntries(Path root) {
    try (var nodes = Files.list(root)) {
      return nodes.flatMap(ResourceFaultsIT::jsonEntries).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static java.util.stream.Stream<Path> jsonEntries(Path nodeDir) {
    try {
      return Files.isDirectory(nodeDir) ? Files.list(nodeDir).filter(f -> f.getFileName().toString().endsWith(".json")).toList().stream()
          : java.util.stream.Stream.empty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theWatchdogOfAKilledAgentUndoesWhatItApplied() throws Exception {
    var paused = service("orphan-paused", false);
    var restarted = service("orphan-restarted", true);
    var loaded = service("orphan-loaded", false);
    var stubborn = service("orphan-stubborn", false, true);
    var stubbornC = containersOf(stubborn).get(0);
    var pausedC = containersOf(paused).get(0);
    var restartedC = containersOf(restarted).get(0);
    var loadedC = containersOf(loaded).get(0);
    AgentIT.docker("exec", restartedC, "sh", "-c", "echo kept > /data/keep");
    long loadedPid = pidOf(loadedC);
    var filler = Path.of("/proc/" + loadedPid + "/root/tmp/.reprise-fill-3");
    var ioFolder = Path.of("/proc/" + loadedPid + "/root/tmp/.reprise-io-4-0");
    var runId = PREFIX + "-orphan";
    var host = new LinuxHostOps();
    var marker = "reprise-burner/" + runId;
    var state = dir.resolve("state");
    var plan = TestPlans.plan(180_000, Map.of("orphan-paused", 1, "orphan-restarted", 1, "orphan-loaded", 1, "orphan-stubborn", 1),
        // its stop takes the whole 8 s grace: the agent dies while it is under way
        TestPlans.fault(5, 1000, "orphan-stubborn", new RestartFault(120_000, 8000L), 0),
        TestPlans.fault(0, 1000, "orphan-paused", new PauseFault(120_000), 0),
        TestPlans.fault(1, 1000, "orphan-restarted", new RestartFault(120_000, 1000L), 0),
        TestPlans.fault(2, 1000, "orphan-loaded", new MemoryFault(120_000, 32 * MIB, null), 0),
        TestPlans.fault(3, 1000, "orphan-loaded", new DiskFillFault(120_000, "/tmp", 8 * MIB, null), 0),
        TestPlans.fault(4, 1000, "orphan-loaded", new IoFault(120_000, "/tmp", IoFault.Mode.READWRITE, 1, 4 * MIB), 0));
    var agent = new AgentProcess(state);
    try {
      agent.arm(runId, plan, Map.of("orphan-paused", paused, "orphan-restarted", restarted, "orphan-loaded", loaded,
          "orphan-stubborn", stubborn), dir.resolve("orphan"));
      await("paused is paused", Duration.ofSeconds(10), () -> inspect(pausedC, "{{.State.Paused}}").equals("true"));
      await("restarted is stopped", Duration.ofSeconds(10), () -> inspect(restartedC, "{{.State.Running}}").equals("false"));
      await("the filler is complete", Duration.ofSeconds(10), () -> {
        try {
          return Files.exists(filler) && Files.size(filler) == 8 * MIB;
        } catch (IOException e) {
          return false;
        }
      });
      await("memory and io helpers run", Duration.ofSeconds(10), () -> host.findMarked(marker).size() == 2 && Files.isDirectory(ioFolder));
      assertThat(journalEntries(state)).as("one journal entry per effect").isEqualTo(6);
      assertThat(inspect(stubbornC, "{{.State.Running}}")).as("stubborn's stop is still under way").isEqualTo("true");

      agent.process.destroyForcibly(); // SIGKILL: no heal of its own
      assertThat(agent.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      var killed = Instant.now();

      // the engine finishes the stop the dead agent asked for; the watchdog waits for it, then starts it
      await("stubborn stopped by the engine", Duration.ofSeconds(15), () -> inspect(stubbornC, "{{.State.Running}}").equals("false"));
      await("the watchdog started stubborn after its stop", Duration.ofSeconds(20),
          () -> inspect(stubbornC, "{{.State.Running}}").equals("true"));
      assertThat(containersOf(stubborn)).containsExactly(stubbornC);

      await("the watchdog thawed paused", Duration.ofSeconds(30), () -> inspect(pausedC, "{{.State.Paused}}").equals("false"));
      await("the watchdog started restarted", Duration.ofSeconds(30), () -> inspect(restartedC, "{{.State.Running}}").equals("true"));
      await("the watchdog killed the helpers", Duration.ofSeconds(30), () -> host.findMarked(marker).isEmpty());
      await("the watchdog deleted the filler and the io folder", Duration.ofSeconds(30),
          () -> !Files.exists(filler) && !Files.exists(ioFolder));
      await("the journal is empty", Duration.ofSeconds(30), () -> journalEntries(state) == 0);
      assertThat(Duration.between(killed, Instant.now())).as("healed within seconds of the kill, long before the faults' end")
          .isLessThan(Duration.ofSeconds(30));
      assertThat(containersOf(restarted)).containsExactly(restartedC);
      assertThat(AgentIT.docker("exec", restartedC, "cat", "/data/keep")).isEqualTo("kept");
    } finally {
      agent.close();
      host.findMarked(marker).forEach(host::kill);
      try {
        AgentIT.docker("unpause", pausedC);
      } catch (IOException e) {
        // not paused
      }
      Files.deleteIfExists(filler);
    }
  }
}
