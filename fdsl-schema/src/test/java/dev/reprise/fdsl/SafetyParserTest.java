package dev.reprise.fdsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.model.AbortCondition;
import dev.reprise.fdsl.model.AbortCondition.Comparison;
import dev.reprise.fdsl.model.AbortCondition.IfUnavailable;
import dev.reprise.fdsl.model.AbortCondition.WorkloadMetric;
import dev.reprise.fdsl.model.Grafana;
import dev.reprise.fdsl.model.Safety;
import dev.reprise.fdsl.model.Scenario;
import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.source.SourcePos;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code environment.safety} and {@code environment.grafana}: every form, every default, every problem with its position. */
class SafetyParserTest {
  private static final ParseContext CONTEXT = new ParseContext(List.of("web", "db"), Set.of("ok.sh")::contains, "faults/");
  private static final String EVENTS = "events:\n  - beginning: {web: 3, db: 2}\n  - end: 60\n";

  /** {@code environment:} with {@code body} (indented by the caller as under it), then {@link #EVENTS}. */
  static String withEnvironment(String body) {
    return "environment:\n" + body + EVENTS;
  }

  static List<String> problems(String yaml) {
    return problems(yaml, CONTEXT);
  }

  static List<String> problems(String yaml, ParseContext context) {
    return ScenarioParser.parse(yaml, context).problems().stream()
        .map(p -> p.pos().line() + ":" + p.pos().column() + ": " + p.message()).toList();
  }

  static Scenario valid(String yaml) {
    var result = ScenarioParser.parse(yaml, CONTEXT);
    assertThat(result.problems()).isEmpty();
    return result.scenario().orElseThrow();
  }

  static Safety safety(String body) {
    return valid(withEnvironment(body)).environment().safety();
  }

  @Test void withoutTheSectionsThereAreNoGuardrailsAndNoGrafana() {
    var env = valid(EVENTS).environment();
    assertThat(env.safety()).isEqualTo(Safety.none());
    assertThat(env.safety().isEmpty()).isTrue();
    assertThat(env.grafana()).isNull();
    var empty = valid(withEnvironment("  safety:\n  grafana:\n")).environment();
    assertThat(empty.safety()).isEqualTo(Safety.none());
    assertThat(empty.grafana()).isNull();
  }

  @Test void defaults() {
    var s = safety("  safety:\n    max_fault_duration: 30s\n");
    assertThat(s.maxFaultDurationMillis()).isEqualTo(30_000);
    assertThat(s.checkIntervalMillis()).isEqualTo(1_000);
    assertThat(s.prometheusUrl()).isNull();
    assertThat(s.maxAffected()).isEmpty();
    assertThat(s.abortWhen()).isEmpty();
    assertThat(s.pos()).isEqualTo(new SourcePos(2, 3));
  }

  @Test void everyForm() {
    var s = safety("""
          safety:
            max_fault_duration: 1m30s
            max_affected: {all: 3, db: 1, web: 30%}
            prometheus: http://127.0.0.1:9090
            check_interval: 500ms
            abort_when:
              - name: client errors
                workload: {metric: error_rate, above: 0.5%, window: 5s}
              - workload: {metric: p99_latency, above: 200ms, window: 5s, for: 2s, service: web}
              - workload: {metric: throughput_drop, above: 50%, window: 5s, warmup: 10s}
              - prometheus: {query: 'sum(rate(http_requests_total{code=~"5.."}[5s]))', above: 5, for: 3s}
              - http: {url: http://127.0.0.1:8080/healthz, timeout: 2s, for: 2s}
                if_unavailable: abort
              - workload: {metric: error_rate, below: 0.01, window: 1s, if_unavailable: abort}
              - workload: {metric: p99_latency, below: 150, window: 1.5}
              - prometheus: {query: up, below: 1, url: 'https://prom.lan/'}
              - http: {url: 'https://127.0.0.1/ready'}
          grafana: {url: http://127.0.0.1:3000, token_file: grafana.token, dashboard: abc123}
        """);
    assertThat(s.maxFaultDurationMillis()).isEqualTo(90_000);
    assertThat(s.maxAffected()).containsExactly(
        new Safety.MaxAffected(null, 3, null, new SourcePos(4, 25)),
        new Safety.MaxAffected("db", 1, null, new SourcePos(4, 32)),
        new Safety.MaxAffected("web", null, 0.3, new SourcePos(4, 40)));
    assertThat(s.prometheusUrl()).isEqualTo("http://127.0.0.1:9090");
    assertThat(s.checkIntervalMillis()).isEqualTo(500);
    assertThat(s.abortWhen()).containsExactly(
        new AbortCondition.Workload("client errors", null, WorkloadMetric.ERROR_RATE, Comparison.ABOVE, 0.005, 5_000, 0, 0,
            IfUnavailable.WARN, new SourcePos(9, 9)),
        new AbortCondition.Workload("workload p99_latency of web > 200ms over 5s for 2s", "web", WorkloadMetric.P99_LATENCY,
            Comparison.ABOVE, 200, 5_000, 0, 2_000, IfUnavailable.WARN, new SourcePos(10, 9)),
        new AbortCondition.Workload("workload throughput_drop > 50% over 5s", null, WorkloadMetric.THROUGHPUT_DROP,
            Comparison.ABOVE, 0.5, 5_000, 10_000, 0, IfUnavailable.WARN, new SourcePos(11, 9)),
        new AbortCondition.PrometheusQuery("prometheus sum(rate(http_requests_total{code=~\"5..\"}[5s])) > 5 for 3s",
            "http://127.0.0.1:9090", "sum(rate(http_requests_total{code=~\"5..\"}[5s]))", Comparison.ABOVE, 5, 3_000,
            IfUnavailable.WARN, new SourcePos(12, 9)),
        new AbortCondition.HttpCheck("http http://127.0.0.1:8080/healthz not 2xx for 2s", "http://127.0.0.1:8080/healthz",
            2_000, 2_000, IfUnavailable.ABORT, new SourcePos(13, 9)),
        new AbortCondition.Workload("workload error_rate < 1% over 1s", null, WorkloadMetric.ERROR_RATE, Comparison.BELOW, 0.01,
            1_000, 0, 0, IfUnavailable.ABORT, new SourcePos(15, 9)),
        new AbortCondition.Workload("workload p99_latency < 150ms over 1s500ms", null, WorkloadMetric.P99_LATENCY,
            Comparison.BELOW, 150, 1_500, 0, 0, IfUnavailable.WARN, new SourcePos(16, 9)),
        new AbortCondition.PrometheusQuery("prometheus up < 1", "https://prom.lan/", "up", Comparison.BELOW, 1, 0,
            IfUnavailable.WARN, new SourcePos(17, 9)),
        new AbortCondition.HttpCheck("http https://127.0.0.1/ready not 2xx", "https://127.0.0.1/ready", 2_000, 0,
            IfUnavailable.WARN, new SourcePos(18, 9)));
  }

  @Test void grafanaWithOnlyAUrl() {
    assertThat(valid(withEnvironment("  grafana:\n    url: https://grafana.lan\n")).environment().grafana())
        .isEqualTo(new Grafana("https://grafana.lan", null, null));
    assertThat(valid(withEnvironment("  grafana: {url: http://127.0.0.1:3000, token_file: g.token, dashboard: abc123}\n"))
        .environment().grafana()).isEqualTo(new Grafana("http://127.0.0.1:3000", "g.token", "abc123"));
  }

  @Test void maxAffectedAsAPercentOrACount() {
    assertThat(safety("  safety:\n    max_affected: 50%\n").maxAffected())
        .containsExactly(new Safety.MaxAffected(null, null, 0.5, new SourcePos(3, 19)));
    assertThat(safety("  safety:\n    max_affected: 2\n").maxAffected())
        .containsExactly(new Safety.MaxAffected(null, 2, null, new SourcePos(3, 19)));
    assertThat(safety("  safety:\n    max_affected: 100%\n").maxAffected().get(0).fraction()).isEqualTo(1.0);
  }

  @Test void unknownKeysEverywhereAreSuggested() {
    assertThat(problems("""
        environment:
          safty: {}
          safety:
            max_fault_duraton: 30s
            abort_when:
              - nmae: x
                workload: {metric: error_rate, abov: 1%, above: 1%, window: 5s}
              - prometheus: {query: up, above: 1, url: 'http://p:9090', fro: 1s}
              - http: {url: 'http://h/', timout: 1s}
          grafana: {url: 'http://g/', dashbord: x}
        """ + EVENTS)).containsExactly(
        "2:3: environment.safty: unknown key 'safty' (did you mean 'safety'?)",
        "4:5: environment.safety.max_fault_duraton: unknown key 'max_fault_duraton' (did you mean 'max_fault_duration'?)",
        "6:9: environment.safety.abort_when[0].nmae: unknown key 'nmae' (did you mean 'name'?)",
        "7:40: environment.safety.abort_when[0].workload.abov: unknown key 'abov' (did you mean 'above'?)",
        "8:65: environment.safety.abort_when[1].prometheus.fro: unknown key 'fro' (did you mean 'for'?)",
        "9:34: environment.safety.abort_when[2].http.timout: unknown key 'timout' (did you mean 'timeout'?)",
        "10:31: environment.grafana.dashbord: unknown key 'dashbord' (did you mean 'dashboard'?)");
  }

  @Test void everyValueProblemIsReportedAtOnceWithItsPosition() {
    assertThat(problems("""
        environment:
          safety:
            max_fault_duration: 0
            max_affected: {all: 0, db: 150%, cache: 1, web: half}
            prometheus: ftp://127.0.0.1:9090
            check_interval: 50ms
            abort_when:
              - workload: {metric: eror_rate, above: 1%, window: 5s}
              - workload: {metric: error_rate, above: 150%, window: 5s}
              - workload: {metric: error_rate, above: lots, below: 1%, window: 5s}
              - workload: {metric: p99_latency, above: fast, window: 5s, warmup: 10s}
              - workload: {metric: throughput_drop, above: 50%}
              - workload: {metric: error_rate, above: 1%, window: 5s, service: wbe}
              - prometheus: {query: up, above: high}
              - http: {url: '127.0.0.1:8080/healthz', timeout: 0}
              - http: {}
                workload: {}
              - {name: nothing}
              - workload: {metric: error_rate, above: 1%, window: 5s, if_unavailable: maybe}
        """ + EVENTS)).containsExactly(
        "3:25: environment.safety.max_fault_duration: must be more than 0 (remove it for no cap)",
        "6:21: environment.safety.check_interval: must be at least 100ms, got 50ms",
        "5:17: environment.safety.prometheus: 'ftp://127.0.0.1:9090' is not an http(s) URL with a host (write e.g. http://127.0.0.1:9090)",
        "4:25: environment.safety.max_affected.all: must be at least 1 container (or a percentage such as 50%), got 0",
        "4:32: environment.safety.max_affected.db: 150% is out of range: a percentage must be more than 0% and at most 100%",
        "4:53: environment.safety.max_affected.web: expected a number of containers (2) or a percentage (50%), got 'half'",
        "8:28: environment.safety.abort_when[0].workload.metric: unknown metric 'eror_rate' (did you mean 'error_rate'?)",
        "9:47: environment.safety.abort_when[1].workload.above: 150% is out of range: must be between 0% and 100% (a fraction between 0 and 1)",
        "10:9: environment.safety.abort_when[2].workload: give exactly one of above, below; found above and below",
        "11:48: environment.safety.abort_when[3].workload.above: expected a latency in milliseconds (200, 200ms, 1.5s), got 'fast'",
        "11:66: environment.safety.abort_when[3].workload.warmup: only throughput_drop has a warm-up (remove it)",
        "12:9: environment.safety.abort_when[4].workload: missing 'window' (how far back each check looks, e.g. 5s)",
        "12:9: environment.safety.abort_when[4].workload: missing 'warmup' (throughput_drop compares against the throughput over the"
            + " warm-up at the start of the workload, e.g. 10s)",
        "14:40: environment.safety.abort_when[6].prometheus.above: expected a number, got 'high'",
        "15:21: environment.safety.abort_when[7].http.url: '127.0.0.1:8080/healthz' is not an http(s) URL with a host"
            + " (write e.g. http://127.0.0.1:8080/healthz)",
        "15:56: environment.safety.abort_when[7].http.timeout: must be more than 0",
        "16:9: environment.safety.abort_when[8]: give exactly one of workload, prometheus, http; found http and workload"
            + " (write one condition each)",
        "18:9: environment.safety.abort_when[9]: give exactly one of workload, prometheus, http",
        "19:79: environment.safety.abort_when[10].workload.if_unavailable: expected warn or abort, got 'maybe'",
        "4:38: environment.safety.max_affected.cache: service 'cache' is not in the compose file (it defines: web, db)",
        "13:72: environment.safety.abort_when[5].workload.service: service 'wbe' is not in the compose file (did you mean 'web'?)");
  }

  /** (The invalid environment.safety.prometheus above is reported once: its conditions do not add "no Prometheus server".) */
  @Test void aPrometheusConditionNeedsAUrlOnlyWhenTheSectionHasNone() {
    assertThat(problems(withEnvironment("  safety:\n    abort_when:\n      - prometheus: {query: up, below: 1}\n")))
        .containsExactly("4:9: environment.safety.abort_when[0].prometheus: no Prometheus server to ask: give this condition a"
            + " 'url', or set environment.safety.prometheus (e.g. http://127.0.0.1:9090)");
  }

  @Test void aWindowShorterThanTheCheckIntervalIsRefused() {
    assertThat(problems(withEnvironment(
        "  safety:\n    check_interval: 2s\n    abort_when:\n      - workload: {metric: error_rate, above: 1%, window: 1s}\n")))
        .containsExactly("5:59: environment.safety.abort_when[0].workload.window: 1s is shorter than"
            + " environment.safety.check_interval (2s)");
  }

  @Test void ifUnavailableOnlyOnce() {
    assertThat(problems(withEnvironment("  safety:\n    abort_when:\n      - if_unavailable: abort\n"
        + "        http: {url: 'http://h/', if_unavailable: warn}\n")))
        .containsExactly("5:34: environment.safety.abort_when[0].http.if_unavailable: given twice (also at line 4); keep one");
  }

  @Test void grafanaNeedsAnHttpUrl() {
    assertThat(problems(withEnvironment("  grafana: {token_file: ''}\n")))
        .containsExactly("2:3: environment.grafana: missing 'url' (the Grafana server, e.g. http://127.0.0.1:3000)",
            "2:25: environment.grafana.token_file: empty; give a file name, e.g. grafana.token");
    assertThat(problems(withEnvironment("  grafana: {url: 'http:///x'}\n")))
        .containsExactly("2:18: environment.grafana.url: 'http:///x' is not an http(s) URL with a host (write e.g. http://127.0.0.1:3000)");
  }

  @Test void withoutAComposeFileServicesAreCheckedAgainstTheEvents() {
    var textOnly = ParseContext.textOnly();
    assertThat(problems(withEnvironment("  safety:\n    max_affected: {wbe: 1, db: 1}\n"), textOnly))
        .containsExactly("3:20: environment.safety.max_affected.wbe: the scenario has no service 'wbe' (did you mean 'web'?)");
  }

  @Test void urlsMayNameComposeServicesAndMultiLineQueriesGiveOneLineNames() {
    var s = safety("""
          safety:
            prometheus: http://prom_server:9090
            abort_when:
              - prometheus:
                  query: |
                    sum(rate(errors_total[5s]))
                      / sum(rate(requests_total[5s]))
                  above: 0.01
              - http: {url: 'https://user@web_1:8443/health?full=1'}
        """);
    assertThat(s.prometheusUrl()).isEqualTo("http://prom_server:9090");
    assertThat(s.abortWhen().get(0).name()).isEqualTo("prometheus sum(rate(errors_total[5s])) / sum(rate(requests_total[5s])) > 0.01");
    assertThat(((AbortCondition.HttpCheck) s.abortWhen().get(1)).url()).isEqualTo("https://user@web_1:8443/health?full=1");
    assertThat(problems(withEnvironment("  safety:\n    prometheus: 'http://:9090'\n")))
        .containsExactly("3:17: environment.safety.prometheus: 'http://:9090' is not an http(s) URL with a host (write e.g. http://127.0.0.1:9090)");
  }
}
