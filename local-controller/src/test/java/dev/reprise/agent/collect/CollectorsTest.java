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
}
