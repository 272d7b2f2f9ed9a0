package dev.reprise.fdsl.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunManifestTest {
  static final Instant T = Instant.parse("2026-11-23T12:00:00Z");

  static ClockRecord resync(String status, Double offset) {
    return new ClockRecord(T, "h1", "ntp", ClockRecord.RESYNC, status, offset, offset == null ? null : 0.1, 3, null);
  }

  static RunManifest.HostInfo host(String ntp) {
    return new RunManifest.HostInfo("h1", "n1", "20.10", "6.1", 2, 1L << 30, ntp, ntp == null ? 0.0 : 3.0,
        ntp == null ? null : 0.1, null, null, null);
  }

  @Test void resyncSummaryCountsAppliedAndNotAppliedAndKeepsTheLargestDrift() {
    var h = host("ntp").withResyncs(List.of(
        new ClockRecord(T, "h1", "ntp", ClockRecord.ARM, ClockRecord.STEPPED, 3.0, 0.1, 3, null),
        resync(ClockRecord.SLEWING, 0.4),
        resync(ClockRecord.SLEWING, -1.7),
        resync(ClockRecord.REJECTED, 12.0),
        resync(ClockRecord.FAILED, null)));
    assertThat(h.clockResyncs()).isEqualTo(2);
    assertThat(h.clockResyncsNotApplied()).isEqualTo(2);
    assertThat(h.clockMaxDriftMillis()).isEqualTo(1.7);
    assertThat(h.clockOffsetMillis()).isEqualTo(3.0);
  }

  @Test void aRunTooShortForAResyncHasZeroCountsAndNoDrift() {
    var h = host("ntp").withResyncs(List.of());
    assertThat(h.clockResyncs()).isZero();
    assertThat(h.clockMaxDriftMillis()).isNull();
  }

  @Test void withoutClockSyncTheSummaryStaysEmpty() {
    var h = host(null).withResyncs(List.of());
    assertThat(h.clockResyncs()).isNull();
    assertThat(RecordJson.line(h)).doesNotContain("clock_resyncs");
  }

  @Test void preflightFiguresSurviveTheJsonRoundTripAndTheResyncSummary() throws Exception {
    var h = host("ntp").withPreflight(java.util.Map.of("shell", "ok", "cgroup_procs", "ok"),
        new RunManifest.Preflight("manager", 2.5, 0.2)).withResyncs(List.of());
    String json = RecordJson.line(h);
    assertThat(json).contains("\"features\":{\"cgroup_procs\":\"ok\",\"shell\":\"ok\"}")
        .contains("\"preflight\":{\"swarm_state\":\"manager\",\"clock_offset_millis\":2.5");
    var back = RecordJson.mapper().readValue(json, RunManifest.HostInfo.class);
    assertThat(back).isEqualTo(h);
    assertThat(RecordJson.line(host(null))).doesNotContain("features").doesNotContain("preflight");
  }
}
