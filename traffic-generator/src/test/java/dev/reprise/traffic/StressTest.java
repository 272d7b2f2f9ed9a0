package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

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

/** --storm and --cpu-spike against a fake target: what each does is counted, not timed. */
class StressTest {

  private static TrafficOptions options(Duration duration, boolean storm, boolean cpuSpike) {
    return new TrafficOptions(List.of(new HostAndPort("fake", 9042)), Mode.MIXED, 1, 50, Optional.of(duration),
        storm, cpuSpike, Duration.ofMillis(500), Optional.empty(), false, 20, false, 0.5, "ks", Replication.parse("1"),
        "ONE", 10, 100, "dc1", 1, 64);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> run(TrafficOptions o, FakeTarget target) throws Exception {
    target.completeImmediately = true;
    List<Map<String, Object>> logs = new ArrayList<>();
    TrafficGenerator g = new TrafficGenerator(o, target, target, SystemTime.INSTANCE,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), (log, complete) -> logs.add(log));
    g.start();
    g.finish(g.awaitEnd());
    return (Map<String, Object>) logs.get(logs.size() - 1).get("stress");
  }

  @Test
  void stormOpensAndClosesSessionsBackToBackAndReportsThemPerSecond() throws Exception {
    FakeTarget target = new FakeTarget(SystemTime.INSTANCE);
    Map<String, Object> stress = run(options(Duration.ofMillis(1200), true, false), target);
    long cycles = target.calls.stream().filter("cycleSession"::equals).count();
    assertThat(cycles).isPositive();
    assertThat(((Number) stress.get("storm_cycles")).longValue()).isEqualTo(cycles);
    assertThat(((Number) stress.get("storm_cycles_per_s")).doubleValue()).isPositive();

    FakeTarget quiet = new FakeTarget(SystemTime.INSTANCE);
    Map<String, Object> none = run(options(Duration.ofMillis(300), false, false), quiet);
    assertThat(quiet.calls).doesNotContain("cycleSession");
    assertThat(((Number) none.get("storm_cycles")).longValue()).isZero();
  }

  @Test
  void cpuSpikeBurnsCpuOnTheClientInBursts() throws Exception {
    Map<String, Object> stress = run(options(Duration.ofMillis(2600), false, true), new FakeTarget(SystemTime.INSTANCE));
    assertThat(((Number) stress.get("cpu_bursts")).longValue()).isPositive();
    // Each burner spins for 2 s of wall time, measured on its own thread's CPU clock. How much CPU
    // that gets depends on what else the machine runs (29 ms was seen at a load average of 60), so
    // only that it burned is required: without --cpu-spike it is exactly 0.
    assertThat(((Number) stress.get("cpu_burned_ms")).longValue()).isPositive();

    Map<String, Object> none = run(options(Duration.ofMillis(300), false, false), new FakeTarget(SystemTime.INSTANCE));
    assertThat(((Number) none.get("cpu_burned_ms")).longValue()).isZero();
  }
}
