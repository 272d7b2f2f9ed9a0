package dev.reprise.fdsl;

import static dev.reprise.fdsl.SafetyParserTest.problems;
import static dev.reprise.fdsl.SafetyParserTest.valid;
import static dev.reprise.fdsl.SafetyParserTest.withEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.fdsl.model.Budget;
import dev.reprise.fdsl.model.Budget.Metric;
import dev.reprise.fdsl.model.Budget.Op;
import dev.reprise.fdsl.model.Expectations;
import dev.reprise.fdsl.parse.ExpectParser;
import dev.reprise.fdsl.source.SourcePos;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code environment.expect} and {@code environment.baseline}: every form, one test per rule, exact line:col. */
class ExpectParserTest {

  static Expectations expectations(String body) {
    return valid(withEnvironment(body)).environment().expectations();
  }

  @Test void withoutTheKeysThereAreNoBudgetsAndNoBaseline() {
    assertThat(valid(withEnvironment("  seed: 1\n")).environment().expectations()).isEqualTo(Expectations.none());
    assertThat(expectations("  expect:\n").budgets()).isEmpty();
  }

  @Test void everyMetricInItsUnit() {
    var e = expectations("""
          expect:
            - recovery_seconds < 15
            - recovery_seconds <= 1m30s
            - error_rate < 0.5%
            - error_rate <= 0.01
            - throughput_dip < 20%
            - p50_latency < 20
            - p95_latency < 200ms
            - p99_latency <= 1.5s
            - writes_lost <= 0
            - data_loss: none
            - {error_rate: '< 1%'}
          baseline: faults-off
        """);
    assertThat(e.budgets()).extracting(Budget::metric, Budget::op, Budget::limit).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Metric.RECOVERY_SECONDS, Op.LT, 15.0),
        org.assertj.core.groups.Tuple.tuple(Metric.RECOVERY_SECONDS, Op.LE, 90.0),
        org.assertj.core.groups.Tuple.tuple(Metric.ERROR_RATE, Op.LT, 0.005),
        org.assertj.core.groups.Tuple.tuple(Metric.ERROR_RATE, Op.LE, 0.01),
        org.assertj.core.groups.Tuple.tuple(Metric.THROUGHPUT_DIP, Op.LT, 0.2),
        org.assertj.core.groups.Tuple.tuple(Metric.P50_LATENCY, Op.LT, 20.0),
        org.assertj.core.groups.Tuple.tuple(Metric.P95_LATENCY, Op.LT, 200.0),
        org.assertj.core.groups.Tuple.tuple(Metric.P99_LATENCY, Op.LE, 1500.0),
        org.assertj.core.groups.Tuple.tuple(Metric.WRITES_LOST, Op.LE, 0.0),
        org.assertj.core.groups.Tuple.tuple(Metric.DATA_LOSS, null, 0.0),
        org.assertj.core.groups.Tuple.tuple(Metric.ERROR_RATE, Op.LT, 0.01));
    assertThat(e.budgets().get(0).text()).isEqualTo("recovery_seconds < 15");
    assertThat(e.budgets().get(0).pos()).isEqualTo(new SourcePos(3, 7));
    assertThat(e.budgets().get(9).text()).isEqualTo("data_loss: none");
    assertThat(e.budgets().get(2).limitText()).isEqualTo("0.5%");
    assertThat(e.baseline().faultsOff()).isTrue();
    assertThat(e.baseline().pos()).isEqualTo(new SourcePos(14, 13));
  }

  @Test void spacesAroundTheOperatorAreOptional() {
    assertThat(expectations("  expect: [recovery_seconds<15, 'error_rate  >=  0.1%']\n").budgets())
        .extracting(Budget::op).containsExactly(Op.LT, Op.GE);
  }

  @Test void aBaselineScenarioPath() {
    var b = expectations("  baseline: calm.yaml\n").baseline();
    assertThat(b.text()).isEqualTo("calm.yaml");
    assertThat(b.faultsOff()).isFalse();
  }

  @Test void unknownMetricAtItsFirstCharacterWithASuggestion() {
    assertThat(problems(withEnvironment("  expect:\n    - recovery_secs < 15\n"))).containsExactly(
        "3:7: environment.expect[0]: unknown metric 'recovery_secs' (did you mean 'recovery_seconds'?)");
  }

  @Test void badOperatorAtTheOperator() {
    assertThat(problems(withEnvironment("  expect:\n    - error_rate =< 1%\n"))).containsExactly(
        "3:18: environment.expect[0]: expected an operator (<, <=, >, >=) after error_rate, got '=<'");
  }

  @Test void missingOperator() {
    assertThat(problems(withEnvironment("  expect:\n    - error_rate 1%\n"))).containsExactly(
        "3:18: environment.expect[0]: expected an operator (<, <=, >, >=) after error_rate, got '1%'");
  }

  @Test void badPercentageAtTheValue() {
    assertThat(problems(withEnvironment("  expect:\n    - error_rate < half\n"))).containsExactly(
        "3:20: environment.expect[0]: error_rate takes a percentage (0.5%) or a fraction (0.005), got 'half'");
  }

  @Test void percentageOutOfRange() {
    assertThat(problems(withEnvironment("  expect:\n    - throughput_dip < 120%\n"))).containsExactly(
        "3:24: environment.expect[0]: throughput_dip: 120% is out of range: must be between 0% and 100% (a fraction between 0 and 1)");
  }

  @Test void badSecondsAtTheValue() {
    assertThat(problems(withEnvironment("  expect:\n    - recovery_seconds < soon\n"))).containsExactly(
        "3:26: environment.expect[0]: recovery_seconds takes seconds (15, 1.5) or a duration (15s, 1m30s), got 'soon'");
  }

  @Test void badLatencyAtTheValue() {
    assertThat(problems(withEnvironment("  expect:\n    - p95_latency < fast\n"))).containsExactly(
        "3:21: environment.expect[0]: p95_latency takes a latency in milliseconds (200, 200ms, 1.5s), got 'fast'");
  }

  @Test void missingValue() {
    assertThat(problems(withEnvironment("  expect:\n    - p95_latency <\n"))).containsExactly(
        "3:20: environment.expect[0]: p95_latency takes a latency in milliseconds (200, 200ms, 1.5s), got nothing");
  }

  @Test void writesLostIsAWholeNumber() {
    assertThat(problems(withEnvironment("  expect:\n    - writes_lost <= 1.5\n"))).containsExactly(
        "3:22: environment.expect[0]: writes_lost takes a whole number of writes (0, 10), got '1.5'");
  }

  @Test void dataLossTakesOnlyNone() {
    assertThat(problems(withEnvironment("  expect:\n    - data_loss: some\n"))).containsExactly(
        "3:18: environment.expect[0]: data_loss takes only 'none' (no acknowledged write lost), got 'some'; to allow some, write writes_lost <= N");
  }

  @Test void aQuotedBudgetPointsInsideTheQuotes() {
    assertThat(problems(withEnvironment("  expect:\n    - \"error_rate < lots\"\n"))).containsExactly(
        "3:21: environment.expect[0]: error_rate takes a percentage (0.5%) or a fraction (0.005), got 'lots'");
  }

  @Test void aMappingWithTwoBudgets() {
    assertThat(problems(withEnvironment("  expect:\n    - {error_rate: '< 1%', p95_latency: '< 2'}\n"))).containsExactly(
        "3:7: environment.expect[0]: one budget per item, e.g. - recovery_seconds < 15 or - data_loss: none");
  }

  @Test void notAList() {
    assertThat(problems(withEnvironment("  expect: error_rate < 1%\n"))).containsExactly(
        "2:11: environment.expect: expected a list (lines starting with '- '), got 'error_rate < 1%'");
  }

  @Test void aListItemThatIsAList() {
    assertThat(problems(withEnvironment("  expect:\n    - [error_rate]\n"))).containsExactly(
        "3:7: environment.expect[0]: expected a budget such as recovery_seconds < 15, error_rate < 0.5% or data_loss: none, got a list");
  }

  @Test void blankBaseline() {
    assertThat(problems(withEnvironment("  baseline: ' '\n"))).containsExactly(
        "2:13: environment.baseline: write faults-off (the same timeline without its faults) or a scenario file, relative to this scenario's folder");
  }

  @Test void everyProblemAtOnce() {
    assertThat(problems(withEnvironment("""
          expect:
            - recovery_secs < 15
            - error_rate =< 1%
            - p95_latency < fast
            - data_loss: maybe
          baseline: [x]
        """))).containsExactly(
        "3:7: environment.expect[0]: unknown metric 'recovery_secs' (did you mean 'recovery_seconds'?)",
        "4:18: environment.expect[1]: expected an operator (<, <=, >, >=) after error_rate, got '=<'",
        "5:21: environment.expect[2]: p95_latency takes a latency in milliseconds (200, 200ms, 1.5s), got 'fast'",
        "6:18: environment.expect[3]: data_loss takes only 'none' (no acknowledged write lost), got 'maybe'; to allow some, write writes_lost <= N",
        "7:13: environment.baseline: expected a text value, got a list");
  }

  @Test void anUnknownMetricStillHasItsOperatorChecked() {
    assertThat(problems(withEnvironment("  expect:\n    - latency ~ 5\n"))).containsExactly(
        "3:7: environment.expect[0]: unknown metric 'latency' (expected one of: recovery_seconds, error_rate, throughput_dip,"
            + " p50_latency, p95_latency, p99_latency, data_loss, writes_lost)",
        "3:15: environment.expect[0]: expected an operator (<, <=, >, >=) after latency, got '~'");
  }

  @Test void readOnlyTheExpectationsOfARunFoldersCopy() {
    var read = ExpectParser.read("environment:\n  expect: [error_rate < 1%]\n  bogus: 1\nevents: nonsense\n");
    assertThat(read.problems()).isEmpty();
    assertThat(read.expectations().orElseThrow().budgets()).hasSize(1);
    var bad = ExpectParser.read("environment:\n  expect: [error_rat < 1%]\n");
    assertThat(bad.expectations()).isEmpty();
    assertThat(bad.problems()).hasSize(1);
    assertThat(ExpectParser.read("events: []\n").expectations()).contains(Expectations.none());
  }

  @Test void theSchemaKnowsTheParsersEnvironmentKeysAndMetrics() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(FdslSchema.text());
    var keys = new ArrayList<String>();
    schema.at("/properties/environment/properties").fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyInAnyOrderElementsOf(ScenarioParser.ENVIRONMENT_KEYS);
    var metrics = new ArrayList<String>();
    schema.at("/definitions/budget/oneOf/2/properties").fieldNames().forEachRemaining(metrics::add);
    assertThat(metrics).containsExactlyInAnyOrderElementsOf(Metric.words());
    String pattern = schema.at("/definitions/budget/oneOf/0/pattern").asText();
    for (String m : Metric.words()) {
      if (m.equals("data_loss")) continue;
      assertThat(pattern).contains(m);
    }
  }

  @Test void theSchemaAcceptsWhatTheParserAcceptsAndFlagsWhatItRefuses() {
    String ok = withEnvironment("  expect:\n    - recovery_seconds < 15\n    - error_rate <= 0.5%\n    - data_loss: none\n"
        + "    - {p95_latency: '< 200ms'}\n  baseline: faults-off\n");
    assertThat(FdslSchemaTest.validate(ok)).isEmpty();
    for (String env : List.of("  expect:\n    - recovery_secs < 15\n", "  expect:\n    - error_rate =< 1%\n",
        "  expect:\n    - data_loss: some\n", "  expect: error_rate < 1%\n", "  baseline: ''\n")) {
      assertThat(FdslSchemaTest.validate(withEnvironment(env))).as(env).isNotEmpty();
      assertThat(problems(withEnvironment(env))).as(env).isNotEmpty();
    }
  }
}
