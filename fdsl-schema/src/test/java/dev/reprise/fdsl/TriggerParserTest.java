package dev.reprise.fdsl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.fdsl.model.AbortCondition.Comparison;
import dev.reprise.fdsl.model.Trigger;
import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.parse.TriggerParser;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One test per rule of {@code when:}, each with its YAML inline; problems as "LINE:COL: message". */
class TriggerParserTest {
  private static final ParseContext CONTEXT = new ParseContext(List.of("web", "db"), Set.of()::contains, "faults/");

  static List<String> problems(String yaml) {
    return ScenarioParser.parse(yaml, CONTEXT).problems().stream()
        .map(p -> p.pos().line() + ":" + p.pos().column() + ": " + p.message()).toList();
  }

  static Trigger trigger(String yaml) {
    var r = ScenarioParser.parse(yaml, CONTEXT);
    assertThat(r.problems()).isEmpty();
    return r.scenario().orElseThrow().moments().get(0).trigger();
  }

  /** A scenario whose one moment (line 4) has {@code when} (line 5, the text given) and kills web 0. */
  static String withWhen(String when) {
    return "events:\n  - beginning: {web: 3}\n  - moment:\n      mark: go\n      when: " + when
        + "\n      services:\n        web:\n          - fault: {target: {specific: [0]}, kill: }\n  - end: 300\n";
  }

  @Test void aLogTriggerReadsServicePatternCountAndTimeout() {
    var t = trigger(withWhen("{log: {service: web, pattern: 'Startup complete', count: 2}, timeout: 2m, on_timeout: skip}"));
    assertThat(t.condition()).isEqualTo(new Trigger.Log("web", "Startup complete", 2,
        new dev.reprise.fdsl.source.SourcePos(5, 29), new dev.reprise.fdsl.source.SourcePos(5, 70)));
    assertThat(t.timeoutMillis()).isEqualTo(120_000);
    assertThat(t.onTimeout()).isEqualTo(Trigger.OnTimeout.SKIP);
  }

  @Test void aWhenWithoutTimeIsJudgedFromT0AndOnTimeoutDefaultsToFail() {
    var r = ScenarioParser.parse(withWhen("{running: {service: web}, timeout: 60s}"), CONTEXT);
    var m = r.scenario().orElseThrow().moments().get(0);
    assertThat(m.timeMillis()).isZero();
    assertThat(m.trigger().onTimeout()).isEqualTo(Trigger.OnTimeout.FAIL);
    assertThat(((Trigger.Running) m.trigger().condition()).count()).isNull(); // all
  }

  @Test void countAllIsEveryContainer() {
    assertThat(((Trigger.Log) trigger(withWhen("{log: {service: web, pattern: x, count: all}, timeout: 5}")).condition()).count())
        .isNull();
  }

  @Test void aWorkloadTriggerReadsItsMetricAndThreshold() {
    var w = (Trigger.Workload) trigger(withWhen("{workload: {metric: throughput, above: 100/s}, timeout: 30s}")).condition();
    assertThat(w.metric()).isEqualTo(Trigger.Metric.THROUGHPUT);
    assertThat(w.comparison()).isEqualTo(Comparison.ABOVE);
    assertThat(w.threshold()).isEqualTo(100.0);
    var e = (Trigger.Workload) trigger(withWhen("{workload: {metric: error_rate, below: 0.5%, service: web}, timeout: 30s}")).condition();
    assertThat(e.threshold()).isEqualTo(0.005);
    assertThat(e.service()).isEqualTo("web");
    var p = (Trigger.Workload) trigger(withWhen("{workload: {metric: p99_latency, above: 200ms}, timeout: 30s}")).condition();
    assertThat(p.threshold()).isEqualTo(200.0);
  }

  @Test void anUnknownServiceIsAnErrorAtItsName() {
    assertThat(problems(withWhen("{log: {service: wbe, pattern: x}, timeout: 5}")))
        .containsExactly("5:29: events[1].moment.when.log.service: service 'wbe' is not in the compose file (did you mean 'web'?)");
  }

  @Test void aBadRegexIsAnErrorAtTheCharacterThatBreaksIt() {
    // 'Start(up' opens at column 43; the unclosed group is reported at its last character (8): 43 + 1 quote + 7
    assertThat(problems(withWhen("{log: {service: web, pattern: 'Start(up'}, timeout: 5}")))
        .containsExactly("5:51: events[1].moment.when.log.pattern: not a regular expression: Unclosed group at character 8");
  }

  @Test void anEmptyPatternIsAnError() {
    assertThat(problems(withWhen("{log: {service: web, pattern: ''}, timeout: 5}")))
        .containsExactly("5:43: events[1].moment.when.log.pattern: empty; give a regular expression (every line would match)");
  }

  @Test void aMissingTimeoutIsAnErrorAtWhen() {
    assertThat(problems(withWhen("{log: {service: web, pattern: x}}")))
        .containsExactly("5:7: events[1].moment.when: missing 'timeout' (how long to wait for the condition, e.g. timeout: 120s)");
  }

  @Test void aNegativeTimeoutIsAnError() {
    assertThat(problems(withWhen("{log: {service: web, pattern: x}, timeout: -5}")))
        .containsExactly("5:56: events[1].moment.when.timeout: must be >= 0, got -5");
  }

  @Test void aZeroTimeoutIsAnError() {
    assertThat(problems(withWhen("{log: {service: web, pattern: x}, timeout: 0s}")))
        .containsExactly("5:56: events[1].moment.when.timeout: must be more than 0");
  }

  @Test void aTimeoutPastTheEndIsAnError() {
    assertThat(problems(withWhen("{log: {service: web, pattern: x}, timeout: 400s}")))
        .containsExactly("5:7: events: this moment may wait until 400s (timeout 400s), after the end at 300s (line 9);"
            + " shorten the timeout or move the end");
  }

  @Test void anUnknownMetricIsAnErrorWithASuggestion() {
    assertThat(problems(withWhen("{workload: {metric: througput, above: 5}, timeout: 5}")))
        .containsExactly("5:33: events[1].moment.when.workload.metric: unknown metric 'througput' (did you mean 'throughput'?)");
  }

  @Test void aWorkloadTriggerNeedsExactlyOneThreshold() {
    assertThat(problems(withWhen("{workload: {metric: throughput}, timeout: 5}")))
        .containsExactly("5:14: events[1].moment.when.workload: give exactly one of above, below (the threshold)");
  }

  @Test void anErrorRateOutOfRangeIsAnError() {
    assertThat(problems(withWhen("{workload: {metric: error_rate, above: 150%}, timeout: 5}")))
        .containsExactly("5:52: events[1].moment.when.workload.above: expected a percentage (0.5%) or a fraction (0.005) between 0 and 1, got '150%'");
  }

  @Test void twoConditionsAreAnError() {
    assertThat(problems(withWhen("{log: {service: web, pattern: x}, running: {service: web}, timeout: 5}")))
        .containsExactly("5:47: events[1].moment.when: give exactly one of log, running, workload; found log and running"
            + " (a moment waits for one condition)");
  }

  @Test void noConditionIsAnError() {
    assertThat(problems(withWhen("{timeout: 5}")))
        .containsExactly("5:7: events[1].moment.when: give exactly one of log, running, workload (what must hold for the moment to fire)");
  }

  @Test void aBadCountIsAnError() {
    assertThat(problems(withWhen("{running: {service: web, count: 0}, timeout: 5}")))
        .containsExactly("5:45: events[1].moment.when.running.count: 0 is out of range: must be between 1 and 10000");
    assertThat(problems(withWhen("{running: {service: web, count: most}, timeout: 5}")))
        .containsExactly("5:45: events[1].moment.when.running.count: expected a number of containers (1, 3) or 'all', got 'most'");
  }

  @Test void aBadOnTimeoutIsAnError() {
    assertThat(problems(withWhen("{running: {service: web}, timeout: 5, on_timeout: retry}")))
        .containsExactly("5:63: events[1].moment.when.on_timeout: 'retry' is not one of skip (the moment is not fired;"
            + " the run goes on), fail (the run fails, the default)");
  }

  @Test void anUnknownKeyIsAnErrorWithASuggestion() {
    assertThat(problems(withWhen("{running: {service: web}, timeuot: 5, timeout: 5}")))
        .anyMatch(p -> p.startsWith("5:39: ") && p.contains("timeuot") && p.contains("did you mean 'timeout'"));
  }

  @Test void everyProblemIsReportedAtOnce() {
    assertThat(problems(withWhen("{log: {service: wbe, pattern: '('}, timeout: 0}"))).hasSize(3);
  }

  @Test void aMomentWithNeitherTimeNorWhenIsAnError() {
    assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {mark: x}\n  - end: 5\n"))
        .containsExactly("3:5: events[1].moment: missing 'time' (the second, after the start, at which the moment happens)"
            + " or 'when' (the state that fires it)");
  }

  /** The JSON Schema's keys for when: and its conditions are exactly the parser's. */
  @Test void theSchemaHasExactlyTheParsersKeys() throws Exception {
    JsonNode defs = new ObjectMapper().readTree(FdslSchema.text()).get("definitions");
    assertThat(names(defs.at("/moment/properties"))).containsExactlyInAnyOrderElementsOf(ScenarioParser.MOMENT_KEYS);
    assertThat(names(defs.at("/when/properties"))).containsExactlyInAnyOrderElementsOf(TriggerParser.WHEN_KEYS);
    assertThat(names(defs.at("/when/properties/log/properties"))).containsExactlyInAnyOrderElementsOf(TriggerParser.LOG_KEYS);
    assertThat(names(defs.at("/when/properties/running/properties"))).containsExactlyInAnyOrderElementsOf(TriggerParser.RUNNING_KEYS);
    assertThat(names(defs.at("/when/properties/workload/properties"))).containsExactlyInAnyOrderElementsOf(TriggerParser.WORKLOAD_KEYS);
    var metrics = new ArrayList<String>();
    defs.at("/when/properties/workload/properties/metric/enum").forEach(n -> metrics.add(n.asText()));
    assertThat(metrics).containsExactlyInAnyOrderElementsOf(TriggerParser.METRICS);
  }

  @Test void theSchemaAcceptsAWhenAndFlagsWhatTheParserRefuses() {
    assertThat(FdslSchemaTest.validate(withWhen("{log: {service: web, pattern: x, count: all}, timeout: 2m, on_timeout: skip}")))
        .isEmpty();
    assertThat(FdslSchemaTest.validate(withWhen("{workload: {metric: throughput, above: 5}, timeout: 5}"))).isEmpty();
    for (String bad : List.of("{log: {service: web, pattern: x}}", "{log: {service: web}, timeout: 5}",
        "{running: {service: web}, timeout: 5, on_timeout: retry}", "{workload: {metric: thruput, above: 5}, timeout: 5}",
        "{log: {service: web, pattern: x}, running: {service: web}, timeout: 5}", "{running: {service: web, count: 0}, timeout: 5}")) {
      assertThat(FdslSchemaTest.validate(withWhen(bad))).as(bad).isNotEmpty();
    }
  }

  private static List<String> names(JsonNode object) {
    var out = new ArrayList<String>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) out.add(it.next());
    return out;
  }
}
