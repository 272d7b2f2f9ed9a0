package dev.reprise.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare on the fixture run folders with budgets in the run's recorded scenario and a verifying workload. */
class RunComparisonVerdictTest {
  static Path withScenario(Path run, String scenario) throws Exception {
    var m = new ObjectMapper();
    ObjectNode json = (ObjectNode) m.readTree(run.resolve("run.json").toFile());
    ((ObjectNode) json.path("scenario")).put("content", scenario);
    m.writeValue(run.resolve("run.json").toFile(), json);
    return run;
  }

  @Test void judgesTheBudgetsOfTheRunsScenarioAndWritesEveryFile(@TempDir Path tmp) throws Exception {
    Path run = withScenario(Fixtures.copy("fault-run", tmp), "environment:\n  expect:\n    - recovery_seconds < 15\n"
        + "    - error_rate < 0.01%\n    - data_loss: none\nevents: []\n");
    Files.writeString(run.resolve("logs/client.0.jsonl"), "{\"time\":\"2026-11-23T10:01:00Z\",\"service\":\"client\",\"id\":0,"
        + "\"container\":\"c100\",\"stream\":\"stderr\",\"line\":\"{\\\"type\\\":\\\"traffic_summary\\\",\\\"complete\\\":true,"
        + "\\\"data_loss_detected\\\":false,\\\"writes_lost\\\":0}\"}\n", StandardOpenOption.APPEND);
    var r = new RunComparison().compare(Fixtures.source("baseline-run"), run, Thresholds.DEFAULTS, tmp.resolve("out"));
    assertThat(r.facts().dataLoss()).isEqualTo(new DataLoss(false, 0L, 1));
    assertThat(r.verdict().checks()).extracting(Verdict.Check::status)
        .containsExactly(Verdict.Status.PASS, Verdict.Status.FAIL, Verdict.Status.PASS);
    assertThat(r.verdict().passed()).isFalse();
    for (String f : new String[] {"comparison.json", "comparison.html", "summary.md", "compare-throughput.png",
        "compare-throughput.svg", "compare-bars.png", "compare-bars.svg"}) {
      assertThat(tmp.resolve("out").resolve(f)).exists();
    }
    assertThat(tmp.resolve("out/summary.ai.md")).doesNotExist();
    JsonNode json = new ObjectMapper().readTree(r.json().toFile());
    assertThat(json.path("verdict").path("passed").asBoolean()).isFalse();
    assertThat(json.path("verdict").path("checks").get(1).path("status").asText()).isEqualTo("FAIL");
    assertThat(json.path("data_loss").path("detected").asBoolean()).isFalse();
    assertThat(json.path("throughput_dip").isNumber()).isTrue();
    assertThat(json.path("reference_throughput").asDouble()).isEqualTo(500.0);
    assertThat(Files.readString(r.summary())).contains("**Verdict: FAIL**").contains("No acknowledged write was lost");
  }

  @Test void aRunWithoutBudgetsIsNotJudged(@TempDir Path tmp) throws Exception {
    var r = new RunComparison().compare(Fixtures.source("baseline-run"), Fixtures.source("fault-run"), Thresholds.DEFAULTS,
        tmp.resolve("out"));
    assertThat(r.verdict().judged()).isFalse();
    assertThat(r.facts().dataLoss()).isEqualTo(DataLoss.UNKNOWN);
  }

  @Test void badBudgetsInTheRecordedScenarioArePositioned(@TempDir Path tmp) throws Exception {
    Path run = withScenario(Fixtures.copy("fault-run", tmp), "environment:\n  expect:\n    - recovery_secs < 15\n    - error_rate ~ 1%\n");
    assertThatThrownBy(() -> new RunComparison().compare(Fixtures.source("baseline-run"), run, Thresholds.DEFAULTS, tmp.resolve("o")))
        .isInstanceOfSatisfying(InvalidBudgetsException.class, e -> assertThat(e.problems()).containsExactly(
            "scenario.yaml (the copy in " + run.resolve("run.json") + "):3:7: environment.expect[0]: unknown metric 'recovery_secs'"
                + " (did you mean 'recovery_seconds'?)",
            "scenario.yaml (the copy in " + run.resolve("run.json") + "):4:18: environment.expect[1]: expected an operator"
                + " (<, <=, >, >=) after error_rate, got '~'"));
  }
}
