package dev.reprise.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.testing.ManualClock;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.StatsRecord;
import dev.reprise.fdsl.record.TimelineRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFilesTest {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  @TempDir Path dir;

  StatsRecord stats(int second) {
    return new StatsRecord(START.plusSeconds(second), "web", 0, "c1", "h1", 1.5, 100, 200, 0, 0, 0, 0);
  }

  @Test
  void aRecordIsOnDiskWithinOneFlushIntervalWithoutAnyoneCallingFlush() throws Exception {
    var clock = new ManualClock(START);
    var flushes = new java.util.ArrayList<String>();
    try (var records = new RecordFiles(dir)) {
      records.flushEvery(Duration.ofMillis(500), clock, clock, task -> {
        flushes.add("flush at " + clock.now());
        task.run();
      });
      records.stats(stats(0));
      clock.advance(Duration.ofMillis(500));
      assertThat(Files.readAllLines(dir.resolve("stats.jsonl"))).containsExactly(RecordJson.line(stats(0)));
      records.stats(stats(1));
      clock.advance(Duration.ofMillis(500));
      assertThat(Files.readAllLines(dir.resolve("stats.jsonl"))).hasSize(2);
      // The flushes keep to absolute deadlines, one per interval.
      assertThat(flushes).containsExactly("flush at 2030-01-01T00:00:00.500Z", "flush at 2030-01-01T00:00:01Z");
    }
  }

  @Test
  void aRecordWrittenAfterCloseIsAppendedNotDropped() throws Exception {
    var records = new RecordFiles(dir);
    var action = new TimelineRecord("action", 0, "fault", "cpu", "cpu", "web", List.of(0), List.of("c1"), List.of("n1"),
        START, START, "h1", "ok", null, null, null, null);
    records.timeline(action);
    records.close();
    var lateHeal = new TimelineRecord("heal", 0, "fault", "cpu", "cpu", "web", List.of(0), List.of("c1"), null,
        null, START.plusSeconds(3), "h1", "ok", null, null, null, null);
    records.timeline(lateHeal);
    records.stats(stats(3));
    records.logFile("web", 7);
    assertThat(Files.readAllLines(dir.resolve("timeline.jsonl"))).containsExactly(RecordJson.line(action), RecordJson.line(lateHeal));
    assertThat(Files.readAllLines(dir.resolve("stats.jsonl"))).containsExactly(RecordJson.line(stats(3)));
    assertThat(dir.resolve("logs/web.7.jsonl")).exists();
  }
}
