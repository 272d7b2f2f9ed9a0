package dev.reprise.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WorkloadParserTest {
  static final Instant LOG_TIME = Instant.parse("2026-11-23T10:00:10.500Z");

  @Test
  void readsTheTrafficGeneratorsPerSecondLine() {
    String line = "{\"type\":\"traffic\",\"time\":\"2026-11-23T10:00:01.000Z\",\"interval_ms\":1000,\"ops_ok\":500,"
        + "\"ops\":{\"read\":250,\"write\":250},\"errors\":{\"timeout\":3,\"unavailable\":1,\"no_host\":0,\"other\":0},"
        + "\"latency_ms\":{\"p50\":1.2,\"p95\":3.4,\"p99\":8.0,\"max\":12.5},\"in_flight\":3,\"open_connections\":2,"
        + "\"ops_failed\":4,\"behind_ms\":0}";
    WorkloadSample s = new WorkloadParser().parse(line, LOG_TIME).orElseThrow();
    assertThat(s.time()).isEqualTo(Instant.parse("2026-11-23T10:00:01Z"));
    assertThat(s.okPerSecond()).isEqualTo(500);
    assertThat(s.errors()).containsEntry("timeout", 3L).containsEntry("unavailable", 1L).hasSize(4);
    assertThat(s.errorCount()).isEqualTo(4);
    assertThat(s.p50()).isEqualTo(1.2);
    assertThat(s.p99()).isEqualTo(8.0);
    assertThat(s.max()).isEqualTo(12.5);
    assertThat(s.inFlight()).isEqualTo(3);
    assertThat(s.openConnections()).isEqualTo(2);
  }

  @Test
  void nullLatenciesOfAnIdleSecondStayUnknown() {
    String line = "{\"type\":\"traffic\",\"time\":\"2026-11-23T10:00:01.000Z\",\"interval_ms\":1000,\"ops_ok\":0,"
        + "\"errors\":{\"timeout\":0},\"latency_ms\":{\"p50\":null,\"p95\":null,\"p99\":null,\"max\":null}}";
    WorkloadSample s = new WorkloadParser().parse(line, LOG_TIME).orElseThrow();
    assertThat(s.okPerSecond()).isZero();
    assertThat(s.p50()).isNull();
  }

  @Test
  void readsYcsbStatusLinesInMicrosecondsOverTheirInterval() {
    WorkloadParser p = new WorkloadParser();
    String first = "2026-11-23 10:00:10:123 10 sec: 9800 operations; 980.2 current ops/sec; est completion in 1 hour "
        + "[READ: Count=4900, Max=12543, Min=201, Avg=950.3, 90=1500, 99=4100, 99.9=9000, 99.99=12000] "
        + "[UPDATE: Count=4880, Max=22000, Min=300, Avg=1100, 90=1800, 99=5200, 99.9=15000, 99.99=21000] "
        + "[UPDATE-FAILED: Count=20, Max=1000, Min=500, Avg=700, 90=900, 99=1000]";
    WorkloadSample s = p.parse(first, LOG_TIME).orElseThrow();
    assertThat(s.source()).isEqualTo("ycsb");
    assertThat(s.intervalSeconds()).isEqualTo(10);
    assertThat(s.errorCount()).isEqualTo(20);
    assertThat(s.okPerSecond()).isEqualTo(978.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.p99()).isEqualTo(5.2);
    assertThat(s.max()).isEqualTo(22.0);
    assertThat(s.p50()).isNull();
    WorkloadSample next = p.parse("2026-11-23 10:00:15:123 15 sec: 14800 operations; 1000 current ops/sec; "
        + "[READ: Count=5000, Max=1000, Min=100, Avg=500, 90=700, 99=900]", LOG_TIME).orElseThrow();
    assertThat(next.intervalSeconds()).isEqualTo(5);
  }

  @Test
  void ignoresOrdinaryLogLines() {
    WorkloadParser p = new WorkloadParser();
    assertThat(p.parse("INFO  [main] StorageService.java: state jump to NORMAL", LOG_TIME)).isEmpty();
    assertThat(p.parse("{\"level\":\"info\",\"msg\":\"started\"}", LOG_TIME)).isEmpty();
    assertThat(p.parse("{not json", LOG_TIME)).isEmpty();
  }
}
