package dev.reprise.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunComparisonTest {
  @Test
  void comparesTheFaultRunWithItsBaselineAndWritesJsonAndHtml(@TempDir Path tmp) throws Exception {
    RunComparison.Result r = new RunComparison().compare(Fixtures.source("baseline-run"), Fixtures.source("fault-run"),
        Thresholds.DEFAULTS, tmp.resolve("cmp"));
    Comparison c = r.comparison();
    assertThat(c.referenceThroughput()).isEqualTo(500.0);
    assertThat(c.anomalies()).containsExactly(
        new Comparison.AnomalyWindow(20, 25, "throughput+errors"),
        new Comparison.AnomalyWindow(35, 45, "throughput"));
    assertThat(c.recoveries()).extracting(Comparison.Recovery::fault).containsExactly("kill", "cpu");
    assertThat(c.recoveries().get(0).recoverySeconds()).isCloseTo(25 - 20.0031, offset(1e-6));
    assertThat(c.recoveries().get(1).recoverySeconds()).isCloseTo(45 - 35.0024, offset(1e-6));
    assertThat(c.baselineSummary().throughput()).isEqualTo(500.0);
    assertThat(c.runSummary().throughput()).isLessThan(500.0);
    assertThat(c.runSummary().errorRate()).isGreaterThan(0.0);
    assertThat(r.warnings()).isEmpty();

    JsonNode json = new ObjectMapper().readTree(r.json().toFile());
    assertThat(json.path("reference_throughput").asDouble()).isEqualTo(500.0);
    assertThat(json.path("anomalies")).hasSize(2);
    assertThat(json.path("recoveries").get(0).path("recovery_seconds").asDouble()).isCloseTo(4.9969, offset(1e-6));
    assertThat(json.path("thresholds").path("drop_fraction").asDouble()).isEqualTo(0.2);
    String html = Files.readString(r.html());
    assertThat(html).contains("id=\"chart-compare-throughput\"").contains("id=\"chart-compare-anomalies\"")
        .contains("Recovery per fault");
    assertThat(RunComparison.text(c)).contains("recovered after 4.997 s").contains("20 s – 25 s");
  }
}
