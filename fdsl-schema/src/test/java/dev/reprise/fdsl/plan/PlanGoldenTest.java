package dev.reprise.fdsl.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.ScenarioParser;
import dev.reprise.fdsl.parse.ParseContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The plan's bytes do not change: {@code golden/plan.json} was printed by {@code master plan --json}
 * of {@code golden/scenario.yaml} before the planning paths were reworked for speed (issue 18), and
 * both ways of writing a plan must still give exactly those bytes.
 */
class PlanGoldenTest {
  private static String resource(String name) throws IOException {
    try (InputStream in = PlanGoldenTest.class.getResourceAsStream("golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Plan goldenPlan() throws IOException {
    var parsed = ScenarioParser.parse(resource("scenario.yaml"), ParseContext.textOnly());
    assertThat(parsed.problems()).isEmpty();
    var scenario = parsed.scenario().orElseThrow();
    var result = Planner.plan(scenario, scenario.environment().seed());
    assertThat(result.problems()).isEmpty();
    return result.plan().orElseThrow();
  }

  @Test
  void theWholePlanIsTheGoldenOne() throws IOException {
    assertThat(PlanJson.write(goldenPlan()) + "\n").isEqualTo(resource("plan.json"));
  }

  @Test
  void theStreamedPlanIsTheGoldenOne() throws IOException {
    var out = new StringWriter();
    PlanJson.write(goldenPlan(), out);
    assertThat(out + "\n").isEqualTo(resource("plan.json"));
  }

  @Test
  void theGoldenPlanReadsBackToAnEqualPlan() throws IOException {
    var plan = goldenPlan();
    assertThat(PlanJson.read(resource("plan.json"))).isEqualTo(plan);
  }

  @Test
  void secondsAreWhatTheFormatterWrote() {
    for (long millis = 0; millis < 200_000; millis += 7) {
      String formatted = millis % 1000 == 0 ? (millis / 1000) + "s" : String.format(Locale.ROOT, "%.3fs", millis / 1000.0);
      assertThat(Planner.seconds(millis)).isEqualTo(formatted);
    }
    assertThat(Planner.seconds(30L * 24 * 3600 * 1000 - 1)).isEqualTo("2591999.999s");
  }
}
