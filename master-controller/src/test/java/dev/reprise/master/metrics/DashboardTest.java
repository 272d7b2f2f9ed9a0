package dev.reprise.master.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.time.ManualTime;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana/reprise-run-dashboard.json cannot drift from RunMetrics: every panel query names only
 * series RunMetrics exposes (read from a registry it registered on), and only its labels.
 */
class DashboardTest {
  static final Path DASHBOARD = Path.of("..", "docs", "grafana", "reprise-run-dashboard.json");
  /** Every label RunMetrics' series carry ({@code le}: the histogram's buckets). */
  static final Set<String> LABELS = Set.of("run", "state", "type", "service", "host", "action", "outcome", "le");
  /** The PromQL the dashboard may use besides metric and label names. */
  static final Set<String> PROMQL = Set.of("sum", "max", "min", "avg", "count", "by", "without", "rate", "increase",
      "irate", "histogram_quantile", "clamp_min", "and", "or", "unless", "on", "ignoring", "group_left", "group_right",
      "label_values", "last_over_time", "max_over_time", "bool");
  static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static final Pattern LABEL_MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"");

  /** The names a scrape of RunMetrics' registry can contain: counters with _total, histograms' _bucket/_sum/_count. */
  static Set<String> exposedNames() {
    var registry = new PrometheusRegistry();
    new RunMetrics(registry, new Plan(1, 1000, new TreeMap<>(Map.of("web", 1)), List.of(), List.of()), "x",
        new ManualTime(Instant.EPOCH));
    var names = new TreeSet<String>();
    for (MetricSnapshot s : registry.scrape()) {
      String n = s.getMetadata().getPrometheusName();
      if (s instanceof CounterSnapshot) {
        names.add(n + "_total");
      } else if (s instanceof HistogramSnapshot) {
        names.add(n + "_bucket");
        names.add(n + "_sum");
        names.add(n + "_count");
      } else {
        names.add(n);
      }
    }
    return names;
  }

  static List<JsonNode> panels(JsonNode node) {
    var all = new ArrayList<JsonNode>();
    if (node.has("panels")) {
      for (JsonNode p : node.get("panels")) {
        all.add(p);
        all.addAll(panels(p)); // rows hold panels of their own
      }
    }
    return all;
  }

  @Test
  void every_panel_query_uses_only_what_run_metrics_exposes() throws Exception {
    Set<String> exposed = exposedNames();
    assertThat(exposed).contains("reprise_run_state", "reprise_faults_active", "reprise_actions_fired_total",
        "reprise_firing_error_milliseconds_bucket", "reprise_heals_total", "reprise_aborts_total",
        "reprise_alive_containers", "reprise_clock_offset_milliseconds", "reprise_clock_uncertainty_milliseconds",
        "reprise_workload_ops_total", "reprise_workload_p99_milliseconds");
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    assertThat(dashboard.get("schemaVersion").asInt()).isBetween(36, 41);

    var used = new TreeSet<String>();
    var panels = panels(dashboard);
    assertThat(panels).hasSizeGreaterThanOrEqualTo(9);
    for (JsonNode panel : panels) {
      if (!panel.has("targets")) continue;
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        String expr = target.get("expr").asText();
        String where = panel.get("title").asText() + ": " + expr;
        assertThat(balanced(expr)).as("brackets and quotes balance in " + where).isTrue();
        Matcher lm = LABEL_MATCHER.matcher(expr);
        while (lm.find()) assertThat(LABELS).as("label in " + where).contains(lm.group(1));
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string contents
            .replaceAll("\\[[^\\]]*\\]", "") // range selectors ([$__rate_interval])
            .replaceAll("\\$\\w+", ""); // dashboard variables
        Matcher m = IDENT.matcher(bare.replaceAll("\\{[^}]*\\}", "{}"));
        boolean anyMetric = false;
        while (m.find()) {
          String word = m.group();
          if (word.startsWith("reprise_")) {
            assertThat(exposed).as("metric in " + where).contains(word);
            used.add(word);
            anyMetric = true;
          } else {
            assertThat(word).as("word in " + where).isIn(union(PROMQL, LABELS));
          }
        }
        assertThat(anyMetric).as("a Reprise metric in " + where).isTrue();
      }
    }
    // the dashboard shows every kind of figure the brief asked for
    assertThat(used).contains("reprise_run_state", "reprise_faults_active", "reprise_actions_fired_total",
        "reprise_firing_error_milliseconds_bucket", "reprise_workload_ops_total", "reprise_workload_p99_milliseconds",
        "reprise_alive_containers", "reprise_clock_offset_milliseconds");
    // the run variable reads the run label of a series RunMetrics exposes
    String runQuery = null;
    for (JsonNode v : dashboard.get("templating").get("list")) {
      if (v.get("name").asText().equals("run")) runQuery = v.get("definition").asText();
    }
    assertThat(runQuery).isEqualTo("label_values(reprise_run_state, run)");
  }

  @Test
  void it_shows_reprise_annotations_and_asks_for_a_prometheus_data_source() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    boolean reprise = false;
    for (JsonNode a : dashboard.get("annotations").get("list")) {
      JsonNode t = a.get("target");
      if (t != null && "tags".equals(t.path("type").asText())) {
        var tags = new ArrayList<String>();
        t.get("tags").forEach(x -> tags.add(x.asText()));
        reprise |= tags.contains("reprise") && a.get("enable").asBoolean();
      }
    }
    assertThat(reprise).as("an enabled annotation query on tag reprise").isTrue();
    JsonNode ds = null;
    for (JsonNode v : dashboard.get("templating").get("list")) if (v.get("type").asText().equals("datasource")) ds = v;
    assertThat(ds).isNotNull();
    assertThat(ds.get("query").asText()).isEqualTo("prometheus");
    for (JsonNode panel : panels(dashboard)) {
      if (panel.has("targets")) assertThat(panel.get("datasource").get("uid").asText()).isEqualTo("${" + ds.get("name").asText() + "}");
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    var u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  private static boolean balanced(String expr) {
    var stack = new ArrayList<Character>();
    boolean inString = false;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
        continue;
      }
      if (c == '"') inString = true;
      else if (c == '(' || c == '{' || c == '[') stack.add(c);
      else if (c == ')' || c == '}' || c == ']') {
        if (stack.isEmpty()) return false;
        char open = stack.remove(stack.size() - 1);
        if ("({[".indexOf(open) != ")}]".indexOf(c)) return false;
      }
    }
    return stack.isEmpty() && !inString;
  }
}
