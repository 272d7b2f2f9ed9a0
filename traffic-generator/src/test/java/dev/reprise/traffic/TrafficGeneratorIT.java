package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.time.SystemTime;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The generator in-process against the shared real Cassandra node. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrafficGeneratorIT {

  /** A run: the generator, its stdout lines and its final logs (checkpoints and the last). */
  private record Run(TrafficGenerator generator, LineCollector out, List<Map<String, Object>> logs) {
    Map<String, Object> finalLog() {
      return logs.get(logs.size() - 1);
    }
  }

  private static Run start(String... args) throws Exception {
    TrafficOptions[] parsed = new TrafficOptions[1];
    int code = TrafficGenCommand.execute(args, System.out, System.err, o -> {
      parsed[0] = o;
      return 0;
    });
    assertThat(code).as("arguments %s", List.of(args)).isZero();
    LineCollector out = new LineCollector();
    List<Map<String, Object>> logs = new ArrayList<>();
    CassandraTarget target = new CassandraTarget(parsed[0], SystemTime.INSTANCE);
    TrafficGenerator g = new TrafficGenerator(parsed[0], target, target, SystemTime.INSTANCE,
        new PrintStream(out, true, StandardCharsets.UTF_8), (log, complete) -> {
          synchronized (logs) {
            logs.add(log);
          }
        });
    g.start();
    return new Run(g, out, logs);
  }

  @SuppressWarnings("unchecked")
  private static long get(Map<String, Object> log, String... path) {
    Object o = log;
    for (String p : path) {
      o = ((Map<String, Object>) o).get(p);
    }
    return ((Number) o).longValue();
  }

  /** Waits (up to {@code seconds}) until some line satisfies {@code p}; returns that line. */
  private static JsonNode awaitLine(Run run, int seconds, String what, Predicate<JsonNode> p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int seen = 0;
    while (System.nanoTime() < deadline) {
      List<JsonNode> lines = run.out().lines();
      for (int i = seen; i < lines.size(); i++) {
        if (p.test(lines.get(i))) {
          return lines.get(i);
        }
      }
      seen = lines.size();
      SystemTime.INSTANCE.sleepUntilNanos(System.nanoTime() + 200_000_000L);
    }
    throw new AssertionError("no per-second line " + what + " within " + seconds + " s; last lines: "
        + run.out().lines().subList(Math.max(0, run.out().lines().size() - 5), run.out().lines().size()));
  }

  @Test
  @Order(1)
  void aModestRateExecutesNearlyEveryScheduledOperationWithoutErrors() throws Exception {
    SharedCassandra c = SharedCassandra.get();
    Run run = start("--hosts", c.hosts(), "--mode", "mixed", "--threads", "2", "--rate", "100",
        "--duration-minutes", "0.15", "--keyspace", "tg_it_modest", "--cluster-timeout", "10000", "--verify-writes");
    run.generator().finish(run.generator().awaitEnd());

    Map<String, Object> log = run.finalLog();
    assertThat(log.get("complete")).isEqualTo(true);
    assertThat(log.get("stop_reason")).isEqualTo("duration");
    // 100 ops/s for 9 s: at least 90 % executed, none failed.
    assertThat(get(log, "operations", "ok")).isGreaterThanOrEqualTo(810);
    assertThat(get(log, "operations", "failed")).isZero();
    assertThat(get(log, "operations", "read", "ok")).isPositive();
    assertThat(get(log, "operations", "write", "ok")).isPositive();
    List<JsonNode> lines = run.out().lines();
    assertThat(lines).hasSizeBetween(9, 12);
    assertThat(lines).allSatisfy(l -> {
      assertThat(LineCollector.errors(l)).isZero();
      assertThat(l.get("type").asText()).isEqualTo("traffic");
    });
    assertThat(lines.stream().mapToLong(l -> l.get("ops_ok").asLong()).sum()).isEqualTo(get(log, "operations", "ok"));
    assertThat(lines.get(2).get("open_connections").asInt()).isPositive();
    assertThat(lines.get(2).get("latency_ms").get("p50").asDouble()).isPositive();
    assertThat(((Map<?, ?>) log.get("driver"))).isNotEmpty();
    // Setup is not load; every acknowledged write is read back.
    assertThat(((Map<?, ?>) log.get("setup")).get("ready")).isEqualTo(true);
    assertThat(get(log, "verification", "checked")).isEqualTo(get(log, "operations", "write", "ok"));
    assertThat(log.get("data_loss_detected")).isEqualTo(false);
  }

  @Test
  @Order(2)
  void leakRaisesOpenConnectionsOnBothSides() throws Exception {
    SharedCassandra c = SharedCassandra.get();
    int before = c.serverConnections();
    Run run = start("--hosts", c.hosts(), "--mode", "read", "--threads", "1", "--rate", "20",
        "--keyspace", "tg_it_modest", "--leak", "--leak-rate", "40");
    try {
      JsonNode line = awaitLine(run, 30, "with open_connections >= 60", l -> l.get("open_connections").asInt() >= 60);
      assertThat(line.get("open_connections").asInt()).isGreaterThanOrEqualTo(60);
      assertThat(c.serverConnections()).as("connections Cassandra sees").isGreaterThanOrEqualTo(before + 50);
    } finally {
      run.generator().stop("test");
      run.generator().finish("test");
    }
    assertThat(get(run.finalLog(), "stress", "leaked_connections")).isGreaterThanOrEqualTo(60);
  }

  @Test
  @Order(3)
  void keepsGoingThroughAnOutageCountsErrorsAndRecovers() throws Exception {
    SharedCassandra c = SharedCassandra.get();
    Run run = start("--hosts", c.hosts(), "--mode", "mixed", "--threads", "2", "--rate", "50",
        "--keyspace", "tg_it_outage", "--cluster-timeout", "1000");
    try {
      awaitLine(run, 30, "with successes before the outage", l -> l.get("ops_ok").asLong() > 0);
      c.stop();
      JsonNode failing = awaitLine(run, 30, "with errors and no success during the outage",
          l -> LineCollector.errors(l) > 0 && l.get("ops_ok").asLong() == 0);
      assertThat(failing.get("errors").get("no_host").asLong() + failing.get("errors").get("timeout").asLong())
          .isPositive();
      int linesDuringOutage = run.out().lines().size();
      c.start();
      awaitLine(run, 90, "with successes and no errors after Cassandra is back",
          l -> l.get("ops_ok").asLong() > 0 && LineCollector.errors(l) == 0);
      assertThat(run.out().lines().size()).as("a line every second throughout").isGreaterThan(linesDuringOutage);
    } finally {
      run.generator().stop("test");
      run.generator().finish("test");
    }
    Map<String, Object> log = run.finalLog();
    assertThat(get(log, "operations", "failed")).isPositive();
    assertThat(get(log, "operations", "ok")).isPositive();
    assertThat((Map<?, ?>) log.get("exceptions")).isNotEmpty();
  }
}
