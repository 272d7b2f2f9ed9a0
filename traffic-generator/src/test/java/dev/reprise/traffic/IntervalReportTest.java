package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntervalReportTest {

  @Test
  void printsTheContractLineWithFieldsInOrder() {
    IntervalReport r = new IntervalReport(Instant.parse("2026-11-23T10:00:01Z"), 1000,
        Map.of(OpKind.READ, 250L, OpKind.WRITE, 250L),
        Map.of(ErrorKind.TIMEOUT, 2L, ErrorKind.UNAVAILABLE, 0L, ErrorKind.NO_HOST, 1L, ErrorKind.OTHER, 0L),
        1.2, 3.4, 8.0, 12.5, 3, 2, 0);
    assertThat(r.toJsonLine()).isEqualTo("{\"type\":\"traffic\",\"time\":\"2026-11-23T10:00:01Z\",\"interval_ms\":1000,"
        + "\"ops_ok\":500,\"ops\":{\"read\":250,\"write\":250},"
        + "\"errors\":{\"timeout\":2,\"unavailable\":0,\"no_host\":1,\"other\":0},"
        + "\"latency_ms\":{\"p50\":1.2,\"p95\":3.4,\"p99\":8.0,\"max\":12.5},\"in_flight\":3,\"open_connections\":2,"
        + "\"ops_failed\":3,\"behind_ms\":0}");
  }

  @Test
  void latenciesAreNullWhenNothingSucceededAndMissingKindsAreZero() throws Exception {
    IntervalReport r = new IntervalReport(Instant.parse("2026-11-23T10:00:01.500Z"), 500, Map.of(),
        Map.of(ErrorKind.NO_HOST, 40L), null, null, null, null, 0, 0, 120);
    JsonNode n = new ObjectMapper().readTree(r.toJsonLine());
    assertThat(n.get("time").asText()).isEqualTo("2026-11-23T10:00:01.500Z");
    assertThat(n.get("ops_ok").asLong()).isZero();
    assertThat(n.get("ops").get("write").asLong()).isZero();
    assertThat(n.get("errors").get("no_host").asLong()).isEqualTo(40);
    assertThat(n.get("errors").get("timeout").asLong()).isZero();
    assertThat(n.get("latency_ms").get("p99").isNull()).isTrue();
    assertThat(n.get("behind_ms").asLong()).isEqualTo(120);
  }

  @Test
  void roundsLatenciesToMicroseconds() {
    IntervalReport r = new IntervalReport(Instant.EPOCH, 1000, Map.of(OpKind.READ, 1L), Map.of(),
        0.1234567, 1.0, 2.0005, 3.0, 0, 0, 0);
    assertThat(r.toJsonLine()).contains("\"p50\":0.123,").contains("\"p99\":2.001,");
  }
}
