package dev.reprise.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.runtime.LogLine;
import dev.reprise.agent.testing.FakeContainerRuntime;
import dev.reprise.agent.testing.ManualClock;
import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Collectors on the fake runtime: logs complete and without duplicates after the end-of-run read, engine times corrected. */
class CollectorsTest {
  static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  static final String SVC = "run1_web";
  @TempDir Path dir;
  final FakeContainerRuntime runtime = new FakeContainerRuntime();
  final ManualClock clock = new ManualClock(T);
  final List<String> warnings = new ArrayList<>();
  double correctionMillis;

  Collectors collectors(RecordFiles records) {
    return new Collectors(runtime, new ContainerDirectory(Map.of("web", SVC), runtime), records, clock, () -> correctionMillis, "host1",
        List.of(SVC), Duration.ofSeconds(1), null, warnings::add, Runnable::run);
  }

  static LogLine line(double secondsAfterT, String text) {
    return new LogLine(T.plusNanos((long) (secondsAfterT * 1e9)), "stdout", text);
  }

  List<LogRecord> logs(String file) throws IOException {
    var f = dir.resolve("logs").resolve(file);
    if (!Files.exists(f)) return List.of();
    return Files.readAllLines(f).stream().map(l -> RecordJson.parse(l, LogRecord.class)).toList();
  }

  @Test void theEndOfRunReadAddsOnlyTheLinesAfterTheLastOneKept() throws Exception {
    var records = new RecordFiles(dir);
    var c = collectors(records);
    runtime.deploy(SVC, 1);
    var id = FakeContainerRuntime.cid(SVC, 1);
    runtime.setLog(id, List.of(line(0.1, "a"), line(1.2, "b")));
    c.start();
    // Lines the follow stream never delivered, one in the same second as "b" (docker's since is per second).
    runtime.setLog(id, List.of(line(0.1, "a"), line(1.2, "b"), line(1.7, "c"), line(2.5, "d")));
    c.close();
    records.close();
    assertThat(logs("web.0.jsonl")).extracting(LogRecord::line).containsExactly("a", "b", "c", "d");
    assertThat(runtime.calls("logs-since ")).containsExactly("logs-since " + id);
  }

  @Test void aContainerWhoseFollowFailedStillGetsItsWholeLogAtTheEnd() throws Exception {
    var records = new RecordFiles(dir);
    var c = collectors(records);
    c.start();
    runtime.failNext("logs " + FakeContainerRuntime.cid(SVC, 1));
    runtime.deploy(SVC, 1);
    var id = FakeContainerRuntime.cid(SVC, 1);
    runtime.setLog(id, List.of(line(3, "started late"), line(3.5, "and printed")));
    c.close();
    records.close();
    assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("cannot follow the log of web.0"));
    assertThat(logs("web.0.jsonl")).extracting(LogRecord::line).containsExactly("started late", "and printed");
  }

  @Test void aStartedContainerThatNeverPrintsHasAnEmptyLogFile() throws Exception {
    var records = new RecordFiles(dir);
    var c = collectors(records);
    c.start();
    runtime.deploy(SVC, 2);
    c.close();
    records.close();
    assertThat(dir.resolve("logs/web.0.jsonl")).exists().isEmptyFile();
    assertThat(dir.resolve("logs/web.1.jsonl")).exists().isEmptyFile();
  }

  @Test void linesWithoutEngineTimesAreNotReadTwice() throws Exception {
    var records = new RecordFiles(dir);
    var c = collectors(records);
    runtime.deploy(SVC, 1);
    var id = FakeContainerRuntime.cid(SVC, 1);
    runtime.setLog(id, List.of(new LogLine(null, "stdout", "untimed")));
    c.start();
    c.close();
    records.close();
    assertThat(logs("web.0.jsonl")).extracting(LogRecord::line).containsExactly("untimed");
  }

  @Test void engineTimesAreShiftedByTheCorrectionInForceWhenRecorded() throws Exception {
    var records = new RecordFiles(dir);
    var c = collectors(records);
    c.start();
    correctionMillis = 2.5;
    runtime.deploy(SVC, 1);
    correctionMillis = -1;
    runtime.deploy(SVC, 1);
    c.close();
    records.close();
    var events = Files.readAllLines(dir.resolve("container-events.jsonl")).stream()
        .map(l -> RecordJson.parse(l, ContainerEventRecord.class)).toList();
    assertThat(events).extracting(ContainerEventRecord::time)
        .containsExactly(T.plusNanos(2_500_000), T.plusNanos(2_500_000), T.minusMillis(1), T.minusMillis(1));
  }

  static final String TRAFFIC = "{\"type\":\"traffic\",\"time\":\"2030-01-01T00:00:02Z\",\"interval_ms\":1000,\"ops_ok\":480,"
      + "\"ops\":{\"read\":400,\"write\":80},\"errors\":{\"timeout\":15,\"refused\":5,\"other\":0},"
      + "\"latency_ms\":{\"p50\":1.5,\"p95\":8.0,\"p99\":12.5,\"max\":40.0},\"in_flight\":3,\"open_connections\":8,"
      + "\"ops_failed\":20,\"behind_ms\":0}";

  @Test void aWorkloadLineIsPassedOnOnceAsASampleOnTheCorrectedClockAndStillLogged() throws Exception {
    var records = new RecordFiles(dir);
    var c = collectors(records);
    var samples = new java.util.concurrent.CopyOnWriteArrayList<dev.reprise.agent.protocol.AgentMessage.WorkloadSample>();
    c.onWorkloadSample(samples::add);
    correctionMillis = 2.5;
    runtime.deploy(SVC, 1);
    var id = FakeContainerRuntime.cid(SVC, 1);
    runtime.setLog(id, List.of(line(0.5, "connecting to the cluster"), line(2.01, TRAFFIC),
        line(2.02, "{\"type\":\"traffic\",\"time\":\"soon\",\"interval_ms\":1000,\"ops_ok\":1}"),
        line(2.03, "{\"type\":\"traffic\",\"interval_ms\":1000,"), new LogLine(T.plusSeconds(3), "stderr", TRAFFIC)));
    c.start();
    c.close();
    records.close();
    assertThat(samples).as("the malformed workload lines and the stderr line are no samples; the end-of-run read passes none on")
        .containsExactly(new dev.reprise.agent.protocol.AgentMessage.WorkloadSample("web", 0,
            Instant.parse("2030-01-01T00:00:02Z").plusNanos(2_500_000), 1000L, 480L, 20L, 12.5));
    assertThat(logs("web.0.jsonl")).extracting(LogRecord::line).hasSize(5).contains(TRAFFIC, "connecting to the cluster");
    assertThat(warnings).isEmpty();
  }

  @Test void workloadLinesOfTheHistoryBeforeStartAreNoSamplesAndAThrowingListenerBreaksNothing() throws Exception {
    var records = new RecordFiles(dir);
    var c = collectors(records);
    var seen = new java.util.concurrent.atomic.AtomicInteger();
    c.onWorkloadSample(s -> {
      seen.incrementAndGet();
      throw new IllegalStateException("the master is gone");
    });
    clock.advance(Duration.ofSeconds(1));
    runtime.deploy(SVC, 1);
    var id = FakeContainerRuntime.cid(SVC, 1);
    runtime.setLog(id, List.of(line(0.5, TRAFFIC), line(1.5, TRAFFIC), line(1.6, TRAFFIC.replace("12.5", "null"))));
    c.start();
    c.close();
    records.close();
    assertThat(seen).as("only the lines after start").hasValue(2);
    assertThat(logs("web.0.jsonl")).hasSize(3);
  }

  @Test void workloadLinesAreReadByTheirFields() {
    var w = WorkloadLines.parse("  " + TRAFFIC.replace("\"p99\":12.5", "\"p99\":null"));
    assertThat(w).isEqualTo(new WorkloadLines.Line(Instant.parse("2030-01-01T00:00:02Z"), 1000, 480, 20, null));
    assertThat(WorkloadLines.parse("{\"type\": \"traffic\", \"interval_ms\": 500, \"ops_ok\": 7, \"ops_failed\": 3}"))
        .as("no time, no errors object, spaces").isEqualTo(new WorkloadLines.Line(null, 500, 7, 3, null));
    for (var notOne : List.of("plain text mentioning \"traffic\"", "{\"type\":\"metrics\",\"name\":\"traffic\"}",
        "{\"type\":\"traffic\",\"interval_ms\":1000}", "{\"type\":\"traffic\",\"interval_ms\":0,\"ops_ok\":1}",
        "{\"type\":\"traffic\",\"interval_ms\":1000,\"ops_ok\":-1}", "{\"type\":\"traffic\",\"interval_ms\":1000,\"ops_ok\":1.5}",
        "{\"type\":\"traffic\",\"interval_ms\":1000,\"ops_ok\":1,\"errors\":{\"timeout\":\"many\"}}",
        "{\"type\":\"traffic\",\"interval_ms\":1000,\"ops_ok\":1,\"errors\":3}",
        "{\"type\":\"traffic\",\"time\":7,\"interval_ms\":1000,\"ops_ok\":1}", "[\"traffic\"]", "")) {
      assertThat(WorkloadLines.parse(notOne)).as(notOne).isNull();
    }
    assertThat(WorkloadLines.parse(null)).isNull();
  }
}
