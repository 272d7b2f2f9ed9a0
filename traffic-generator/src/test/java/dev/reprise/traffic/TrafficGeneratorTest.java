package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.time.SystemTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The whole engine against a fake target on the real clock; only counts are asserted, never timing. */
class TrafficGeneratorTest {

  private static TrafficOptions options(Duration duration, boolean leak) {
    return new TrafficOptions(List.of(new HostAndPort("fake", 9042)), Mode.MIXED, 2, 200, Optional.of(duration),
        false, false, Duration.ofMillis(500), Optional.empty(), leak, 20, false, 0.5, "ks", Replication.parse("1"),
        "ONE", 10, 100, "dc1", 1, 64);
  }

  @Test
  void printsOneContractLinePerIntervalAndAFinalLogWithEveryOperation() throws Exception {
    FakeTarget target = new FakeTarget(SystemTime.INSTANCE);
    target.completeImmediately = true;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Map<String, Object>> logs = new ArrayList<>();
    TrafficGenerator g = new TrafficGenerator(options(Duration.ofMillis(2500), false), target, target,
        SystemTime.INSTANCE, new PrintStream(out, true, StandardCharsets.UTF_8), (log, complete) -> {
          if (complete) {
            logs.add(log);
          }
        });
    g.start();
    assertThat(g.awaitEnd()).isEqualTo("duration");
    g.finish("duration");

    ObjectMapper json = new ObjectMapper();
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines.length).isBetween(2, 5);
    long ok = 0;
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      assertThat(n.get("type").asText()).isEqualTo("traffic");
      assertThat(n.get("errors").get("no_host").asLong()).isZero();
      assertThat(n.get("ops").get("read").asLong() + n.get("ops").get("write").asLong())
          .isEqualTo(n.get("ops_ok").asLong());
      ok += n.get("ops_ok").asLong();
    }
    assertThat(logs).hasSize(1);
    Map<String, Object> log = logs.get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> ops = (Map<String, Object>) log.get("operations");
    assertThat(ops.get("ok")).isEqualTo(ok);
    // 2.5 s at 200 ops/s: never more than the schedule's 500, however late the stop comes
    assertThat(ok).isBetween(400L, 500L);
    assertThat(log.get("stop_reason")).isEqualTo("duration");
    assertThat(target.calls).first().isEqualTo("start");
    assertThat(target.calls).last().isEqualTo("close");
  }

  @Test
  void stopEndsAnOpenEndedRunAndLeakOpensConnections() throws Exception {
    FakeTarget target = new FakeTarget(SystemTime.INSTANCE);
    target.completeImmediately = true;
    List<Map<String, Object>> logs = new ArrayList<>();
    TrafficOptions o = options(Duration.ofDays(1), true);
    TrafficGenerator g = new TrafficGenerator(o, target, target, SystemTime.INSTANCE,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), (log, complete) -> logs.add(log));
    g.start();
    Thread stopper = new Thread(() -> {
      try {
        SystemTime.INSTANCE.sleepUntilNanos(System.nanoTime() + 600_000_000L);
      } catch (InterruptedException e) {
        return;
      }
      g.stop("signal");
    });
    stopper.start();
    assertThat(g.awaitEnd()).isEqualTo("signal");
    g.finish("signal");
    assertThat(g.awaitFinished(Duration.ofSeconds(1))).isTrue();
    assertThat(target.leaked).isPositive();
    assertThat(logs).last().satisfies(l -> assertThat(l.get("stop_reason")).isEqualTo("signal"));
  }
}
