package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.time.SystemTime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as a child process: SIGTERM must still produce the final log. */
class TrafficGenProcessIT {

  private static final Path JAR = Path.of("target", "traffic-gen.jar");

  @TempDir
  Path dir;

  private record Child(Process process, LineCollector out, StringBuilder err) {}

  private static Child launch(List<String> args) throws Exception {
    assertThat(JAR).as("the package phase builds %s", JAR).exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).start();
    LineCollector out = new LineCollector();
    StringBuilder err = new StringBuilder();
    pump(p.getInputStream(), out::add);
    pump(p.getErrorStream(), l -> {
      synchronized (err) {
        err.append(l).append('\n');
      }
    });
    return new Child(p, out, err);
  }

  private static void pump(java.io.InputStream in, java.util.function.Consumer<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          sink.accept(l);
        }
      } catch (Exception ignored) {
        // The child exited.
      }
    });
    t.setDaemon(true);
    t.start();
  }

  private static void awaitLines(Child c, int count, Predicate<JsonNode> p, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (c.out().lines().stream().filter(p).count() < count) {
      if (System.nanoTime() > deadline || !c.process().isAlive()) {
        c.process().destroyForcibly();
        throw new AssertionError("expected " + count + " matching lines within " + seconds + " s; stdout "
            + c.out().lines() + "\nstderr:\n" + c.err());
      }
      SystemTime.INSTANCE.sleepUntilNanos(System.nanoTime() + 100_000_000L);
    }
  }

  private static void awaitStderr(Child c, String text, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      synchronized (c.err()) {
        if (c.err().indexOf(text) >= 0) {
          return;
        }
      }
      if (System.nanoTime() > deadline || !c.process().isAlive()) {
        c.process().destroyForcibly();
        throw new AssertionError("expected '" + text + "' on stderr within " + seconds + " s; stderr:\n" + c.err());
      }
      SystemTime.INSTANCE.sleepUntilNanos(System.nanoTime() + 100_000_000L);
    }
  }

  @Test
  void aClusterNeverReadyWithinTheDurationEndsNotReadyWithTheLogWritten() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Path log = dir.resolve("not-ready.json");
    Child c = launch(List.of("--target", "redis", "--hosts", "127.0.0.1:" + closedPort, "--mode", "write",
        "--threads", "1", "--rate", "20", "--duration-minutes", "0.05", "--log", log.toString(),
        "--cluster-timeout", "300"));
    assertThat(c.process().waitFor(60, TimeUnit.SECONDS)).as("ends after its duration").isTrue();
    assertThat(c.process().exitValue()).isZero();
    JsonNode finalLog = new ObjectMapper().readTree(Files.readString(log));
    assertThat(finalLog.get("stop_reason").asText()).isEqualTo("not_ready");
    assertThat(finalLog.get("setup").get("ready").asBoolean()).isFalse();
    assertThat(finalLog.get("setup").get("failed_attempts").asLong()).isPositive();
    assertThat(finalLog.get("operations").get("failed").asLong()).isZero();
  }

  private static JsonNode sigterm(Child c, Path log) throws Exception {
    c.process().destroy(); // SIGTERM on Unix
    assertThat(c.process().waitFor(20, TimeUnit.SECONDS)).as("exits within 20 s of SIGTERM").isTrue();
    assertThat(log).as("final log after SIGTERM; stderr:\n%s", c.err()).exists();
    return new ObjectMapper().readTree(Files.readString(log));
  }

  @Test
  void sigtermWritesTheFinalLog() throws Exception {
    SharedCassandra cassandra = SharedCassandra.get();
    Path log = dir.resolve("run.json");
    Child c = launch(List.of("--hosts", cassandra.hosts(), "--mode", "write", "--threads", "1", "--rate", "50",
        "--keyspace", "tg_it_process", "--log", log.toString(), "--cluster-timeout", "10000"));
    awaitLines(c, 2, l -> l.get("ops_ok").asLong() > 0, 60);
    JsonNode finalLog = sigterm(c, log);
    assertThat(finalLog.get("complete").asBoolean()).isTrue();
    assertThat(finalLog.get("stop_reason").asText()).isEqualTo("signal");
    assertThat(finalLog.get("operations").get("write").get("ok").asLong()).isPositive();
    assertThat(finalLog.get("parameters").get("rate").asLong()).isEqualTo(50);
    assertThat(finalLog.get("latency_ms").get("p99").asDouble()).isPositive();
    assertThat(finalLog.get("start").asText()).isNotEmpty();
    assertThat(finalLog.get("stop").asText()).isNotEmpty();
    assertThat(c.out().lines()).allSatisfy(l -> assertThat(l.get("type").asText()).isEqualTo("traffic"));
  }

  @Test
  void sigtermWritesTheFinalLogEvenWhenNeverConnected() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Path log = dir.resolve("never.json");
    Child c = launch(List.of("--hosts", "127.0.0.1:" + closedPort, "--mode", "read", "--threads", "1", "--rate", "20",
        "--log", log.toString(), "--cluster-timeout", "300"));
    // Setup is not load: no line and no failed operation while the cluster is not ready.
    awaitStderr(c, "cannot connect", 30);
    JsonNode finalLog = sigterm(c, log);
    assertThat(finalLog.get("complete").asBoolean()).isTrue();
    assertThat(finalLog.get("stop_reason").asText()).isEqualTo("signal");
    assertThat(finalLog.get("operations").get("ok").asLong()).isZero();
    assertThat(finalLog.get("operations").get("failed").asLong()).isZero();
    assertThat(finalLog.get("setup").get("ready").asBoolean()).isFalse();
    assertThat(finalLog.get("setup").get("last_error").asText()).isNotEmpty();
    assertThat(finalLog.get("connection").get("connected").asBoolean()).isFalse();
    assertThat(c.out().lines()).isEmpty();
    // SIGTERM may arrive while the first attempt (a fresh driver session, ~2 s here) is still running.
    assertThat(finalLog.get("connection").get("attempts").asLong()).isPositive();
  }
}
