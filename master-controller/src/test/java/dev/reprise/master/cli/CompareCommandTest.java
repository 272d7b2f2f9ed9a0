package dev.reprise.master.cli;

import static dev.reprise.master.cli.ExportCommandTest.execute;
import static dev.reprise.master.cli.ExportCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {
  @Test
  void printsTheComparisonAsJsonAndWritesItNextToTheRun(@TempDir Path tmp) throws IOException {
    Path baseline = run(tmp, "baseline", s -> 1000, -1);
    // kill at 12 s: 3 seconds at 10 % of the baseline, then back
    Path faulty = run(tmp, "faulty", s -> s >= 12 && s < 15 ? 100 : 1000, 12);
    ExportCommandTest.Execution e = execute(new CompareCommand(), baseline.toString(), faulty.toString(), "--json");
    assertThat(e.exit()).as(e.err()).isEqualTo(ExitCodes.OK);
    JsonNode json = new ObjectMapper().readTree(e.out());
    assertThat(json.path("reference_throughput").asDouble()).isEqualTo(1000.0);
    assertThat(json.path("anomalies")).hasSize(1);
    assertThat(json.path("anomalies").get(0).path("from").asInt()).isEqualTo(12);
    assertThat(json.path("anomalies").get(0).path("to").asInt()).isEqualTo(15);
    assertThat(json.path("recoveries").get(0).path("recovery_seconds").asDouble()).isEqualTo(2.996);
    assertThat(faulty.resolve("comparison/comparison.json")).isNotEmptyFile();
    assertThat(Files.readString(faulty.resolve("comparison/comparison.html"))).contains("chart-compare-throughput");
  }

  @Test
  void thresholdsAndOutputFolderAreOptions(@TempDir Path tmp) throws IOException {
    Path baseline = run(tmp, "baseline", s -> 1000, -1);
    Path faulty = run(tmp, "faulty", s -> s >= 12 && s < 15 ? 850 : 1000, 12);
    ExportCommandTest.Execution loose = execute(new CompareCommand(), baseline.toString(), faulty.toString(),
        "--out", tmp.resolve("cmp").toString());
    assertThat(loose.exit()).isEqualTo(ExitCodes.OK);
    assertThat(loose.out()).contains("anomaly windows").contains(": 0").contains("recovered after 0.000 s");
    assertThat(tmp.resolve("cmp/comparison.html")).isNotEmptyFile();
    ExportCommandTest.Execution strict = execute(new CompareCommand(), baseline.toString(), faulty.toString(),
        "--out", tmp.resolve("cmp2").toString(), "--drop-threshold", "0.1", "--warmup", "5", "--min-anomaly", "2");
    assertThat(strict.exit()).isEqualTo(ExitCodes.OK);
    assertThat(strict.out()).contains("12 s – 15 s (3 s, throughput)");
  }

  @Test
  void badInputIsExitCodeTwoWithTheReason(@TempDir Path tmp) throws IOException {
    Path baseline = run(tmp, "baseline", s -> 1000, -1);
    ExportCommandTest.Execution notARun = execute(new CompareCommand(), baseline.toString(),
        Files.createDirectories(tmp.resolve("x")).toString());
    assertThat(notARun.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(notARun.err()).contains("run.json");
    ExportCommandTest.Execution badThreshold = execute(new CompareCommand(), baseline.toString(), baseline.toString(),
        "--drop-threshold", "20");
    assertThat(badThreshold.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(badThreshold.err()).contains("between 0 and 1");
  }
}
