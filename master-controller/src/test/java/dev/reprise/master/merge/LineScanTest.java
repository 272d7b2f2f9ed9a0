package dev.reprise.master.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.StatsRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The scan vouches for what the agent writes (the merge's fast path) and hands the rest to Jackson. */
class LineScanTest {
  private final LineScan scan = new LineScan();
  private static final Instant T = Instant.parse("2026-11-23T10:00:01.250Z");

  private boolean scan(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return scan.scan(b, b.length);
  }

  @Test
  void agentRecordsAreScannedCanonicalWithTheirKeysFound() {
    String log = RecordJson.line(new LogRecord(T, "web", 0, "abc", "stdout", "GET \"/\" \t\u001b[0m ünï → 😀 \\"));
    assertThat(scan(log)).isTrue();
    assertThat(scan.canonical()).isTrue();
    assertThat(scan.hostStart).isEqualTo(-1);
    assertThat(new String(scan.bytes, scan.valueStart[0], scan.valueEnd[0] - scan.valueStart[0], StandardCharsets.UTF_8))
        .isEqualTo("2026-11-23T10:00:01.250000Z");

    String stats = RecordJson.line(new StatsRecord(T, "web", 0, "abc", "n1", 12.5, 1, 2, 3, 4, 5, 6));
    assertThat(scan(stats)).isTrue();
    assertThat(scan.hostStart).isPositive();
    assertThat(scan.hostNull).isFalse();
  }

  @Test
  void formsJacksonWouldRewriteAreNotCanonical() {
    for (String l : new String[] {"{\"a\": 1}", "{\"a\":\"\\u00e9\"}", "{\"a\":\"\\u001b\"}", "{\"a\":1e3}", "{\"a\":1.50}",
        "{\"a\":-0}", "{\"a\":1,\"a\":2}", "{\"a\":\"\\/\"}", "{\"o\":{\"k\":1,\"k\":2}}"}) {
      assertThat(scan(l)).as(l).isTrue();
      assertThat(scan.canonical()).as(l).isFalse();
    }
    for (String l : new String[] {"{\"a\":1}", "{\"a\":1.5,\"b\":[true,null,{}]}", "{\"a\":\"\\u001B\"}", "{}"}) {
      assertThat(scan(l)).as(l).isTrue();
      assertThat(scan.canonical()).as(l).isTrue();
    }
  }

  @Test
  void linesItCannotVouchForAreLeftToJackson() {
    for (String l : new String[] {"not json", "[1]", " {\"a\":1}", "{\"a\":1} ", "{\"a\":1}x", "{\"a\":01}", "{\"a\":1,}",
        "{\"a\":tru}", "{\"a\":\"\u0001\"}", "{\"a\":\"\\q\"}", "{\"time\":1,\"time\":2}", "{\"\\u0074ime\":1}", "{\"a\":"}) {
      assertThat(scan(l)).as(l).isFalse();
    }
  }
}
