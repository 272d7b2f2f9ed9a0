package dev.reprise.export;

import static dev.reprise.export.VerdictFixtures.budgets;
import static dev.reprise.export.VerdictFixtures.comparison;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** summary.md from fixed facts: golden text. */
class SummaryTextTest {
  static ComparisonFacts facts(DataLoss loss, String... budgets) {
    Comparison c = comparison();
    return new ComparisonFacts(c, VerdictFixtures.faults(), 0.5, loss, Verdict.of(budgets(budgets), c, 0.5, loss));
  }

  @Test void matchesTheGoldenText() {
    String md = SummaryText.markdown(facts(new DataLoss(false, 0L, 1), "recovery_seconds < 15", "error_rate < 0.1%",
        "data_loss: none"));
    assertThat(md).isEqualTo(golden());
  }

  @Test void notJudgedAndDataLossUnknown() {
    String md = SummaryText.markdown(facts(DataLoss.UNKNOWN));
    assertThat(md).contains("**Verdict: not judged** — the scenario sets no budgets (`environment.expect`).")
        .contains("Not known: the workload did not verify its writes").doesNotContain("## Budgets");
  }

  @Test void allMet() {
    assertThat(SummaryText.markdown(facts(DataLoss.UNKNOWN, "recovery_seconds < 15"))).contains("**Verdict: PASS** — all 1 budget met.");
  }

  static String golden() {
    try (var in = SummaryTextTest.class.getResourceAsStream("/summary/golden.md")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
