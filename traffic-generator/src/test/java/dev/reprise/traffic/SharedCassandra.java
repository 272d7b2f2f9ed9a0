package dev.reprise.traffic;

import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One reprise/cassandra:4.1.7 container shared by every IT of this module (a node takes 10-40 s
 * to start here). Started on first use with the docker CLI (no registry, no Ryuk), CQL published on
 * a fixed loopback port so it survives {@link #stop()}/{@link #start()}; removed by a JVM shutdown
 * hook. The image comes from images/cassandra/build.sh (scripts/build-images.sh).
 */
final class SharedCassandra {

  static final String IMAGE = "reprise/cassandra:4.1.7";
  private static final String READY_LINE = "Starting listening for CQL clients";
  private static SharedCassandra instance;

  final String name;
  final int port;
  private int starts;

  private SharedCassandra(String name, int port) {
    this.name = name;
    this.port = port;
  }

  /** The running shared node, started (and waited for) on first call. */
  static synchronized SharedCassandra get() throws Exception {
    if (instance == null) {
      if (docker("image", "inspect", IMAGE).exitCode != 0) {
        throw new IllegalStateException(IMAGE + " is not built; run images/cassandra/build.sh (or scripts/build-images.sh)");
      }
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      SharedCassandra c = new SharedCassandra("traffic-generator-it-" + ProcessHandle.current().pid(), port);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          docker("rm", "-f", "-v", c.name);
        } catch (Exception ignored) {
          // Best effort on JVM exit.
        }
      }));
      Result run = docker("run", "-d", "--name", c.name, "-p", "127.0.0.1:" + port + ":9042", IMAGE);
      if (run.exitCode != 0) {
        throw new IllegalStateException("docker run " + IMAGE + " failed: " + run.output);
      }
      c.awaitReady(1);
      instance = c;
    }
    return instance;
  }

  /** The contact point to give {@code --hosts}. */
  String hosts() {
    return "127.0.0.1:" + port;
  }

  /** Stops the container (Cassandra gets SIGTERM, then SIGKILL after 5 s). */
  void stop() throws Exception {
    Result r = docker("stop", "-t", "5", name);
    if (r.exitCode != 0) {
      throw new IllegalStateException("docker stop " + name + " failed: " + r.output);
    }
  }

  /** Starts the stopped container again and waits until it serves CQL. */
  void start() throws Exception {
    Result r = docker("start", name);
    if (r.exitCode != 0) {
      throw new IllegalStateException("docker start " + name + " failed: " + r.output);
    }
    awaitReady(starts + 1);
  }

  /** Established CQL connections the server sees (counted inside the container). */
  int serverConnections() throws Exception {
    Result r = docker("exec", name, "ss", "-Htn", "state", "established", "( sport = :9042 )");
    return (int) r.output.lines().filter(l -> !l.isBlank()).count();
  }

  private void awaitReady(int expectedStarts) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    while (System.nanoTime() < deadline) {
      Result logs = docker("logs", name);
      long ready = logs.output.lines().filter(l -> l.contains(READY_LINE)).count();
      if (ready >= expectedStarts) {
        starts = expectedStarts;
        return;
      }
      Result state = docker("inspect", "-f", "{{.State.Running}} {{.State.OOMKilled}} {{.State.ExitCode}}", name);
      if (state.output.startsWith("false")) {
        throw new IllegalStateException(diagnosis("exited before serving CQL (running, oomkilled, exit code: "
            + state.output.trim() + ")"));
      }
      SystemTime.INSTANCE.sleepUntilNanos(System.nanoTime() + 500_000_000L);
    }
    throw new IllegalStateException(diagnosis("did not log '" + READY_LINE + "' within 150 s"));
  }

  private String diagnosis(String what) throws Exception {
    List<String> lines = docker("logs", "--tail", "40", name).output.lines().toList();
    return "Cassandra container " + name + " " + what + "; last log lines:\n  " + String.join("\n  ", lines);
  }

  record Result(int exitCode, String output) {}

  static Result docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("docker");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, "docker " + String.join(" ", args) + " timed out\n" + out);
    }
    return new Result(p.exitValue(), out);
  }
}
