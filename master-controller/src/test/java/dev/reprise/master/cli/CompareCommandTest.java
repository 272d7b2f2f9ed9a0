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

  static Path withBudgets(Path run, String... budgets) throws IOException {
    var m = new ObjectMapper();
    var json = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(run.resolve("run.json").toFile());
    StringBuilder text = new StringBuilder("environment:\n  expect:\n");
    for (String b : budgets) text.append("    - ").append(b).append('\n');
    json.putObject("scenario").put("path", "scenario.yaml").put("content", text.append("events: []\n").toString());
    m.writeValue(run.resolve("run.json").toFile(), json);
    return run;
  }

  @Test
  void budgetsTurnTheComparisonIntoPassOrFail(@TempDir Path tmp) throws IOException {
    Path baseline = run(tmp, "baseline", s -> 1000, -1);
    Path faulty = withBudgets(run(tmp, "faulty", s -> s >= 12 && s < 15 ? 100 : 1000, 12),
        "recovery_seconds < 15", "throughput_dip < 95%");
    ExportCommandTest.Execution pass = execute(new CompareCommand(), baseline.toString(), faulty.toString());
    assertThat(pass.exit()).as(pass.err()).isEqualTo(ExitCodes.OK);
    assertThat(pass.out()).contains("PASS    recovery_seconds < 15        measured 3.0 s")
        .contains("PASS    throughput_dip < 95%         measured 90.00%").contains("verdict: PASS (2 of 2 budgets met)");
    assertThat(faulty.resolve("comparison/summary.md")).isNotEmptyFile();
    assertThat(faulty.resolve("comparison/compare-throughput.png")).isNotEmptyFile();
    assertThat(faulty.resolve("comparison/compare-bars.svg")).isNotEmptyFile();

    withBudgets(faulty, "recovery_seconds < 2", "data_loss: none");
    ExportCommandTest.Execution miss = execute(new CompareCommand(), baseline.toString(), faulty.toString(), "--json");
    assertThat(miss.exit()).isEqualTo(ExitCodes.RUN_FAILED);
    JsonNode json = new ObjectMapper().readTree(miss.out());
    assertThat(json.path("verdict").path("passed").asBoolean()).isFalse();
    assertThat(json.path("verdict").path("checks").get(0).path("status").asText()).isEqualTo("FAIL");
    assertThat(json.path("verdict").path("checks").get(1).path("status").asText()).isEqualTo("UNKNOWN");
    assertThat(json.path("data_loss").path("detected").isBoolean()).as("unknown: not written").isFalse();
  }

  @Test
  void unreadableBudgetsAreExitCodeTwoWithPositions(@TempDir Path tmp) throws IOException {
    Path baseline = run(tmp, "baseline", s -> 1000, -1);
    Path faulty = withBudgets(run(tmp, "faulty", s -> 1000, 12), "recovery_secs < 15", "error_rate < lots");
    ExportCommandTest.Execution e = execute(new CompareCommand(), baseline.toString(), faulty.toString());
    assertThat(e.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(e.err()).contains("scenario.yaml (the copy in " + faulty.resolve("run.json") + "):3:7: environment.expect[0]: unknown metric")
        .contains("):4:20: environment.expect[1]: error_rate takes a percentage").contains("2 problem(s)");
    ExportCommandTest.Execution badUrl = execute(new CompareCommand(), baseline.toString(), faulty.toString(),
        "--summary-endpoint", "ftp://x");
    assertThat(badUrl.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
  }
}
