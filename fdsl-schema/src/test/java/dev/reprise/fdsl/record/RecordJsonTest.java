package dev.reprise.fdsl.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

  @Test
  void writesSnakeCaseFixedPrecisionInstantsAndOmitsNulls() {
    var rec = new StatsRecord(Instant.parse("2026-11-22T10:15:30Z"), "web", 1, "abc", "h1",
        12.5, 100, 200, 1, 2, 3, 4);
    String line = RecordJson.line(rec);
    assertThat(line).contains("\"time\":\"2026-11-22T10:15:30.000000Z\"", "\"cpu_percent\":12.5",
        "\"mem_bytes\":100", "\"net_rx_bytes\":1", "\"blk_write_bytes\":4");
    var mark = new TimelineRecord("mark", 0, null, null, null, null, null, null, null,
        Instant.EPOCH, Instant.EPOCH, "h1", "ok", null, "hello", null, null);
    assertThat(RecordJson.line(mark)).doesNotContain("null").contains("\"text\":\"hello\"");
  }

  @Test
  void roundTripsAndIgnoresUnknownFields() {
    var rec = new TimelineRecord("action", 3, "fault", "kill", "kill", "web", List.of(1), List.of("c1"), List.of("n1"),
        Instant.parse("2026-11-22T10:15:30.000001Z"), Instant.parse("2026-11-22T10:15:30.002Z"),
        "h1", "ok", null, null, null, null);
    assertThat(RecordJson.parse(RecordJson.line(rec), TimelineRecord.class)).isEqualTo(rec);
    assertThat(RecordJson.parse("{\"kind\":\"mark\",\"future_field\":1}", TimelineRecord.class).kind())
        .isEqualTo("mark");
  }

  @Test
  void timelineRecordsCarryIssuedAndAcknowledgedAndOlderLinesStillRead() {
    var planned = Instant.parse("2026-11-22T10:15:30Z");
    var issued = Instant.parse("2026-11-22T10:15:30.000400Z");
    var acked = Instant.parse("2026-11-22T10:15:30.012000Z");
    var rec = new TimelineRecord("action", 3, "fault", "kill", "kill", "web", List.of(1), List.of("c1"), List.of("n1"),
        planned, issued, "h1", "ok", null, null, null, null, issued, acked);
    var line = RecordJson.line(rec);
    assertThat(line).contains("\"issued\":\"2026-11-22T10:15:30.000400Z\"", "\"acknowledged\":\"2026-11-22T10:15:30.012000Z\"");
    assertThat(RecordJson.parse(line, TimelineRecord.class)).isEqualTo(rec);
    var older = RecordJson.parse("{\"kind\":\"action\",\"seq\":1,\"planned\":\"2026-11-22T10:15:30.000000Z\","
        + "\"actual\":\"2026-11-22T10:15:30.000400Z\"}", TimelineRecord.class);
    assertThat(older.actual()).isEqualTo(issued);
    assertThat(older.issued()).isNull();
    assertThat(older.acknowledged()).isNull();
  }
}
