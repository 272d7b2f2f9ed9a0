package dev.reprise.fdsl.parse;

import dev.reprise.fdsl.model.AbortCondition;
import dev.reprise.fdsl.model.AbortCondition.Comparison;
import dev.reprise.fdsl.model.AbortCondition.IfUnavailable;
import dev.reprise.fdsl.model.AbortCondition.WorkloadMetric;
import dev.reprise.fdsl.model.Durations;
import dev.reprise.fdsl.model.Grafana;
import dev.reprise.fdsl.model.Safety;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.fdsl.source.Suggestions;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code environment.safety} and {@code environment.grafana} → {@link Safety} and {@link Grafana},
 * every problem recorded through the {@link YamlReader} (so all of them are reported at once). Service
 * names cannot be checked here (the {@code events} are parsed later): each one read is handed back in
 * {@link #services()} for the scenario parser to check. One instance per parse; not thread-safe.
 */
public final class SafetyParser {
  public static final List<String> SAFETY_KEYS =
      List.of("max_fault_duration", "max_affected", "prometheus", "check_interval", "abort_when");
  public static final List<String> CONDITION_KEYS = List.of("name", "workload", "prometheus", "http", "if_unavailable");
  public static final List<String> CONDITION_KINDS = List.of("workload", "prometheus", "http");
  public static final List<String> WORKLOAD_KEYS =
      List.of("metric", "service", "above", "below", "window", "for", "warmup", "if_unavailable");
  public static final List<String> PROMETHEUS_KEYS = List.of("query", "url", "above", "below", "for", "if_unavailable");
  public static final List<String> HTTP_KEYS = List.of("url", "timeout", "for", "if_unavailable");
  public static final List<String> GRAFANA_KEYS = List.of("url", "token_file", "dashboard");
  public static final List<String> METRICS = List.of("error_rate", "p99_latency", "throughput_drop");
  /** The key of {@code max_affected}'s mapping form that stands for every container of the run. */
  public static final String ALL = "all";
  /** The shortest {@code check_interval} accepted. */
  public static final long MIN_CHECK_INTERVAL_MILLIS = 100;
  /** An {@code http} condition's {@code timeout} when none is written. */
  public static final long DEFAULT_HTTP_TIMEOUT_MILLIS = 2_000;

  /** A service name read from the section, to be checked against the scenario's services. */
  public record ServiceRef(String service, SourcePos pos, String path) {}

  private final YamlReader yaml;
  private final List<ServiceRef> services = new ArrayList<>();

  public SafetyParser(YamlReader yaml) {
    this.yaml = yaml;
  }

  /** Every service name read so far, in file order. */
  public List<ServiceRef> services() {
    return List.copyOf(services);
  }

  /** {@code environment.safety}: {@link Safety#none()} when absent or empty; empty (with problems) when invalid. */
  public Optional<Safety> safety(YamlReader.Entry entry) {
    if (entry == null || YamlReader.isNull(entry.value())) return Optional.of(Safety.none());
    String path = "environment.safety";
    var m = yaml.mapping(entry.value(), path);
    if (m.isEmpty()) return Optional.empty();
    var e = m.get();
    yaml.rejectUnknownKeys(e, path, SAFETY_KEYS);
    boolean ok = true;

    Long maxDuration = null;
    if (e.containsKey("max_fault_duration")) {
      Node n = e.get("max_fault_duration").value();
      var d = yaml.millis(n, path + ".max_fault_duration");
      if (d.isPresent() && d.get() == 0) {
        yaml.problem(YamlReader.pos(n), path + ".max_fault_duration: must be more than 0 (remove it for no cap)");
        d = Optional.empty();
      }
      ok &= d.isPresent();
      maxDuration = d.orElse(null);
    }

    long interval = Safety.DEFAULT_CHECK_INTERVAL_MILLIS;
    boolean intervalOk = true;
    if (e.containsKey("check_interval")) {
      Node n = e.get("check_interval").value();
      var d = yaml.millis(n, path + ".check_interval");
      if (d.isPresent() && d.get() < MIN_CHECK_INTERVAL_MILLIS) {
        yaml.problem(YamlReader.pos(n), path + ".check_interval: must be at least 100ms, got " + Durations.format(d.get()));
        d = Optional.empty();
      }
      intervalOk = d.isPresent();
      interval = d.orElse(interval);
    }
    ok &= intervalOk;

    String prometheus = null;
    boolean prometheusOk = true;
    if (e.containsKey("prometheus")) {
      prometheus = url(e.get("prometheus").value(), path + ".prometheus", "http://127.0.0.1:9090").orElse(null);
      prometheusOk = prometheus != null;
    }
    ok &= prometheusOk;

    var caps = new ArrayList<Safety.MaxAffected>();
    if (e.containsKey("max_affected")) ok &= maxAffected(e.get("max_affected"), path + ".max_affected", caps);

    var conditions = new ArrayList<AbortCondition>();
    if (e.containsKey("abort_when")) {
      var items = yaml.sequence(e.get("abort_when").value(), path + ".abort_when");
      if (items.isEmpty()) {
        ok = false;
      } else {
        var context = new ConditionContext(interval, intervalOk, prometheus, prometheusOk);
        for (int i = 0; i < items.get().size(); i++) {
          var c = condition(items.get().get(i), path + ".abort_when[" + i + "]", context);
          if (c.isPresent()) conditions.add(c.get()); else ok = false;
        }
      }
    }
    if (!ok) return Optional.empty();
    return Optional.of(new Safety(maxDuration, caps, conditions, prometheus, interval, entry.keyPos()));
  }

  /** {@code environment.grafana}: null when absent; empty (with problems) when invalid. */
  public Optional<Optional<Grafana>> grafana(YamlReader.Entry entry) {
    if (entry == null || YamlReader.isNull(entry.value())) return Optional.of(Optional.empty());
    String path = "environment.grafana";
    var m = yaml.mapping(entry.value(), path);
    if (m.isEmpty()) return Optional.empty();
    var e = m.get();
    yaml.rejectUnknownKeys(e, path, GRAFANA_KEYS);
    boolean ok = true;
    String url = null;
    if (!e.containsKey("url")) {
      yaml.problem(entry.keyPos(), path + ": missing 'url' (the Grafana server, e.g. http://127.0.0.1:3000)");
      ok = false;
    } else {
      url = url(e.get("url").value(), path + ".url", "http://127.0.0.1:3000").orElse(null);
      ok &= url != null;
    }
    String tokenFile = null;
    if (e.containsKey("token_file")) {
      tokenFile = nonBlank(e.get("token_file").value(), path + ".token_file", "a file name, e.g. grafana.token").orElse(null);
      ok &= tokenFile != null;
    }
    String dashboard = null;
    if (e.containsKey("dashboard")) {
      dashboard = nonBlank(e.get("dashboard").value(), path + ".dashboard", "the dashboard's UID").orElse(null);
      ok &= dashboard != null;
    }
    return ok ? Optional.of(Optional.of(new Grafana(url, tokenFile, dashboard))) : Optional.empty();
  }

  // ---- max_affected ----

  private boolean maxAffected(YamlReader.Entry entry, String path, List<Safety.MaxAffected> out) {
    Node node = entry.value();
    if (node instanceof ScalarNode) {
      var cap = cap(node, path, null);
      cap.ifPresent(out::add);
      return cap.isPresent();
    }
    var m = yaml.mapping(node, path);
    if (m.isEmpty()) return false;
    if (m.get().isEmpty()) {
      yaml.problem(entry.keyPos(), path + ": empty; give a cap for 'all' or for a service, e.g. {all: 3, db: 1}");
      return false;
    }
    boolean ok = true;
    for (var e : m.get().values()) {
      String service = e.key().equals(ALL) ? null : e.key();
      if (service != null) services.add(new ServiceRef(service, e.keyPos(), path + "." + service));
      var cap = cap(e.value(), path + "." + e.key(), service);
      cap.ifPresent(out::add);
      ok &= cap.isPresent();
    }
    return ok;
  }

  /** A count (an integer &ge; 1) or a percentage in (0%, 100%]. */
  private Optional<Safety.MaxAffected> cap(Node node, String path, String service) {
    SourcePos pos = YamlReader.pos(node);
    if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
      String v = s.getValue().strip();
      if (v.endsWith("%")) {
        Double percent = number(v.substring(0, v.length() - 1).strip());
        if (percent != null) {
          if (percent <= 0 || percent > 100) {
            yaml.problem(pos, path + ": " + v + " is out of range: a percentage must be more than 0% and at most 100%");
            return Optional.empty();
          }
          return Optional.of(new Safety.MaxAffected(service, null, percent / 100, pos));
        }
      } else if (v.matches("-?\\d+")) {
        long count;
        try {
          count = Long.parseLong(v);
        } catch (NumberFormatException e) {
          count = Long.MAX_VALUE;
        }
        if (count < 1) {
          yaml.problem(pos, path + ": must be at least 1 container (or a percentage such as 50%), got " + v);
          return Optional.empty();
        }
        return Optional.of(new Safety.MaxAffected(service, (int) Math.min(count, Integer.MAX_VALUE), null, pos));
      }
    }
    yaml.problem(pos, path + ": expected a number of containers (2) or a percentage (50%), got " + YamlReader.describe(node));
    return Optional.empty();
  }

  // ---- abort_when ----

  /** What a condition is checked against: the section's settings, and whether they were valid (to avoid follow-on errors). */
  private record ConditionContext(long checkIntervalMillis, boolean intervalOk, String prometheusUrl, boolean prometheusOk) {}

  private Optional<AbortCondition> condition(Node node, String path, ConditionContext context) {
    var m = yaml.mapping(node, path);
    if (m.isEmpty()) return Optional.empty();
    var e = m.get();
    yaml.rejectUnknownKeys(e, path, CONDITION_KEYS);
    boolean ok = true;
    String name = null;
    if (e.containsKey("name")) {
      name = nonBlank(e.get("name").value(), path + ".name", "a short name, e.g. client errors").orElse(null);
      ok &= name != null;
    }
    IfUnavailable outer = null;
    if (e.containsKey("if_unavailable")) {
      outer = ifUnavailable(e.get("if_unavailable").value(), path + ".if_unavailable").orElse(null);
      ok &= outer != null;
    }
    var kinds = e.values().stream().filter(x -> CONDITION_KINDS.contains(x.key())).toList();
    if (kinds.size() != 1) {
      yaml.problem(YamlReader.pos(node), path + ": give exactly one of workload, prometheus, http"
          + (kinds.isEmpty() ? "" : "; found " + String.join(" and ", kinds.stream().map(YamlReader.Entry::key).toList())
              + " (write one condition each)"));
      return Optional.empty();
    }
    var kind = kinds.get(0);
    String kindPath = path + "." + kind.key();
    var inner = yaml.mapping(kind.value(), kindPath);
    if (inner.isEmpty()) return Optional.empty();
    var c = inner.get();
    var common = common(c, kindPath, outer, e.get("if_unavailable"));
    ok &= common.isPresent();
    Optional<AbortCondition> condition = switch (kind.key()) {
      case "workload" -> workload(kind, c, kindPath, name, common.orElse(null), context);
      case "prometheus" -> prometheus(kind, c, kindPath, name, common.orElse(null), context);
      default -> http(kind, c, kindPath, name, common.orElse(null));
    };
    return ok ? condition : Optional.empty();
  }

  /** {@code for} and {@code if_unavailable}, valid for every kind. */
  private record Common(long forMillis, IfUnavailable ifUnavailable) {}

  private Optional<Common> common(Map<String, YamlReader.Entry> c, String path, IfUnavailable outer, YamlReader.Entry outerEntry) {
    boolean ok = true;
    long forMillis = 0;
    if (c.containsKey("for")) {
      var f = yaml.millis(c.get("for").value(), path + ".for");
      ok &= f.isPresent();
      forMillis = f.orElse(0L);
    }
    IfUnavailable ifUnavailable = outer != null ? outer : IfUnavailable.WARN;
    if (c.containsKey("if_unavailable")) {
      var entry = c.get("if_unavailable");
      if (outerEntry != null) {
        yaml.problem(entry.keyPos(), path + ".if_unavailable: given twice (also at line " + outerEntry.keyPos().line()
            + "); keep one");
        ok = false;
      } else {
        var u = ifUnavailable(entry.value(), path + ".if_unavailable");
        ok &= u.isPresent();
        ifUnavailable = u.orElse(ifUnavailable);
      }
    }
    return ok ? Optional.of(new Common(forMillis, ifUnavailable)) : Optional.empty();
  }

  private Optional<IfUnavailable> ifUnavailable(Node node, String path) {
    if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
      switch (s.getValue().strip().toLowerCase(Locale.ROOT)) {
        case "warn" -> { return Optional.of(IfUnavailable.WARN); }
        case "abort" -> { return Optional.of(IfUnavailable.ABORT); }
        default -> { }
      }
    }
    yaml.problem(YamlReader.pos(node), path + ": expected warn or abort, got " + YamlReader.describe(node));
    return Optional.empty();
  }

  private Optional<AbortCondition> workload(YamlReader.Entry kind, Map<String, YamlReader.Entry> c, String path, String name,
      Common common, ConditionContext context) {
    yaml.rejectUnknownKeys(c, path, WORKLOAD_KEYS);
    boolean ok = true;
    WorkloadMetric metric = null;
    if (!c.containsKey("metric")) {
      yaml.problem(kind.keyPos(), path + ": missing 'metric' (error_rate, p99_latency or throughput_drop)");
      ok = false;
    } else {
      Node n = c.get("metric").value();
      var word = yaml.string(n, path + ".metric");
      if (word.isPresent()) {
        String w = word.get().strip();
        if (METRICS.contains(w)) {
          metric = WorkloadMetric.valueOf(w.toUpperCase(Locale.ROOT));
        } else {
          yaml.problem(YamlReader.pos(n), path + ".metric: unknown metric '" + w + "'"
              + Suggestions.closest(w, METRICS).map(s -> " (did you mean '" + s + "'?)")
                  .orElse(" (expected error_rate, p99_latency or throughput_drop)"));
        }
      }
      ok &= metric != null;
    }
    String service = null;
    if (c.containsKey("service")) {
      var s = c.get("service");
      service = nonBlank(s.value(), path + ".service", "a service of the scenario").orElse(null);
      if (service != null) services.add(new ServiceRef(service, YamlReader.pos(s.value()), path + ".service"));
      ok &= service != null;
    }
    // with an unknown metric, only the shape of the threshold can be checked
    var threshold = threshold(kind, c, path, metric, metric == null);
    ok &= threshold.isPresent();
    long window = 0;
    if (!c.containsKey("window")) {
      yaml.problem(kind.keyPos(), path + ": missing 'window' (how far back each check looks, e.g. 5s)");
      ok = false;
    } else {
      Node n = c.get("window").value();
      var w = yaml.millis(n, path + ".window");
      if (w.isPresent() && context.intervalOk() && w.get() < context.checkIntervalMillis()) {
        yaml.problem(YamlReader.pos(n), path + ".window: " + Durations.format(w.get())
            + " is shorter than environment.safety.check_interval (" + Durations.format(context.checkIntervalMillis()) + ")");
        w = Optional.empty();
      }
      ok &= w.isPresent();
      window = w.orElse(0L);
    }
    long warmup = 0;
    if (c.containsKey("warmup")) {
      var entry = c.get("warmup");
      if (metric != null && metric != WorkloadMetric.THROUGHPUT_DROP) {
        yaml.problem(entry.keyPos(), path + ".warmup: only throughput_drop has a warm-up (remove it)");
        ok = false;
      } else {
        var w = yaml.millis(entry.value(), path + ".warmup");
        if (w.isPresent() && w.get() == 0) {
          yaml.problem(YamlReader.pos(entry.value()), path + ".warmup: must be more than 0");
          w = Optional.empty();
        }
        ok &= w.isPresent();
        warmup = w.orElse(0L);
      }
    } else if (metric == WorkloadMetric.THROUGHPUT_DROP) {
      yaml.problem(kind.keyPos(), path + ": missing 'warmup' (throughput_drop compares against the throughput over the"
          + " warm-up at the start of the workload, e.g. 10s)");
      ok = false;
    }
    if (!ok || common == null) return Optional.empty();
    var t = threshold.get();
    String derived = "workload " + metric.name().toLowerCase(Locale.ROOT) + (service == null ? "" : " of " + service)
        + " " + t.sign() + " " + t.text() + " over " + Durations.format(window) + forText(common.forMillis());
    return Optional.of(new AbortCondition.Workload(name != null ? name : derived, service, metric, t.comparison(), t.value(),
        window, warmup, common.forMillis(), common.ifUnavailable(), kind.keyPos()));
  }

  private Optional<AbortCondition> prometheus(YamlReader.Entry kind, Map<String, YamlReader.Entry> c, String path, String name,
      Common common, ConditionContext context) {
    yaml.rejectUnknownKeys(c, path, PROMETHEUS_KEYS);
    boolean ok = true;
    String query = null;
    if (!c.containsKey("query")) {
      yaml.problem(kind.keyPos(), path + ": missing 'query' (a PromQL expression, as an alerting rule's expr)");
      ok = false;
    } else {
      query = nonBlank(c.get("query").value(), path + ".query", "a PromQL expression").orElse(null);
      ok &= query != null;
    }
    var threshold = threshold(kind, c, path, null, false);
    ok &= threshold.isPresent();
    String url = null;
    if (c.containsKey("url")) {
      url = url(c.get("url").value(), path + ".url", "http://127.0.0.1:9090").orElse(null);
      ok &= url != null;
    } else if (context.prometheusUrl() != null) {
      url = context.prometheusUrl();
    } else if (context.prometheusOk()) {
      yaml.problem(kind.keyPos(), path + ": no Prometheus server to ask: give this condition a 'url',"
          + " or set environment.safety.prometheus (e.g. http://127.0.0.1:9090)");
      ok = false;
    } else {
      ok = false; // environment.safety.prometheus is invalid, and reported
    }
    if (!ok || common == null) return Optional.empty();
    var t = threshold.get();
    String derived = "prometheus " + query.strip().replaceAll("\\s+", " ") + " " + t.sign() + " " + t.text() + forText(common.forMillis());
    return Optional.of(new AbortCondition.PrometheusQuery(name != null ? name : derived, url, query, t.comparison(), t.value(),
        common.forMillis(), common.ifUnavailable(), kind.keyPos()));
  }

  private Optional<AbortCondition> http(YamlReader.Entry kind, Map<String, YamlReader.Entry> c, String path, String name,
      Common common) {
    yaml.rejectUnknownKeys(c, path, HTTP_KEYS);
    boolean ok = true;
    String url = null;
    if (!c.containsKey("url")) {
      yaml.problem(kind.keyPos(), path + ": missing 'url' (the endpoint to GET, e.g. http://127.0.0.1:8080/healthz)");
      ok = false;
    } else {
      url = url(c.get("url").value(), path + ".url", "http://127.0.0.1:8080/healthz").orElse(null);
      ok &= url != null;
    }
    long timeout = DEFAULT_HTTP_TIMEOUT_MILLIS;
    if (c.containsKey("timeout")) {
      Node n = c.get("timeout").value();
      var t = yaml.millis(n, path + ".timeout");
      if (t.isPresent() && t.get() == 0) {
        yaml.problem(YamlReader.pos(n), path + ".timeout: must be more than 0");
        t = Optional.empty();
      }
      ok &= t.isPresent();
      timeout = t.orElse(timeout);
    }
    if (!ok || common == null) return Optional.empty();
    String derived = "http " + url + " not 2xx" + forText(common.forMillis());
    return Optional.of(new AbortCondition.HttpCheck(name != null ? name : derived, url, timeout, common.forMillis(),
        common.ifUnavailable(), kind.keyPos()));
  }

  /** A threshold as stored ({@code value}) and as a name writes it ({@code text}). */
  private record Threshold(Comparison comparison, double value, String text) {
    String sign() {
      return comparison == Comparison.ABOVE ? ">" : "<";
    }
  }

  /**
   * Exactly one of {@code above}/{@code below}, read for {@code metric}: a fraction (percent or
   * fraction) for error_rate and throughput_drop, milliseconds for p99_latency, a plain number for a
   * Prometheus query ({@code metric} null). With {@code shapeOnly}, only that one is given (the value
   * is not read: a zero threshold that is never used).
   */
  private Optional<Threshold> threshold(YamlReader.Entry kind, Map<String, YamlReader.Entry> c, String path, WorkloadMetric metric,
      boolean shapeOnly) {
    var given = Arrays.asList("above", "below").stream().filter(c::containsKey).toList();
    if (given.size() != 1) {
      yaml.problem(kind.keyPos(), path + ": give exactly one of above, below"
          + (given.isEmpty() ? " (the threshold)" : "; found above and below"));
      return Optional.empty();
    }
    String key = given.get(0);
    var comparison = key.equals("above") ? Comparison.ABOVE : Comparison.BELOW;
    if (shapeOnly) return Optional.of(new Threshold(comparison, 0, "0"));
    Node node = c.get(key).value();
    String p = path + "." + key;
    SourcePos pos = YamlReader.pos(node);
    String v = node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) ? s.getValue().strip() : null;
    if (metric == null) {
      Double x = v == null ? null : number(v);
      if (x == null) {
        yaml.problem(pos, p + ": expected a number, got " + YamlReader.describe(node));
        return Optional.empty();
      }
      return Optional.of(new Threshold(comparison, x, plain(x)));
    }
    if (metric == WorkloadMetric.P99_LATENCY) {
      Double ms = null;
      if (v != null) {
        ms = number(v);
        if (ms == null) {
          try {
            ms = (double) Durations.parse(v);
          } catch (IllegalArgumentException e) {
            ms = null;
          }
        }
      }
      if (ms == null || ms < 0) {
        yaml.problem(pos, p + ": expected a latency in milliseconds (200, 200ms, 1.5s), got " + YamlReader.describe(node));
        return Optional.empty();
      }
      return Optional.of(new Threshold(comparison, ms, plain(ms) + "ms"));
    }
    Double fraction = null;
    if (v != null) {
      if (v.endsWith("%")) {
        Double percent = number(v.substring(0, v.length() - 1).strip());
        fraction = percent == null ? null : percent / 100;
      } else {
        fraction = number(v);
      }
    }
    if (fraction == null) {
      yaml.problem(pos, p + ": expected a percentage (0.5%) or a fraction (0.005), got " + YamlReader.describe(node));
      return Optional.empty();
    }
    if (fraction < 0 || fraction > 1) {
      yaml.problem(pos, p + ": " + v + " is out of range: must be between 0% and 100% (a fraction between 0 and 1)");
      return Optional.empty();
    }
    return Optional.of(new Threshold(comparison, fraction, plain(fraction * 100) + "%"));
  }

  // ---- scalars ----

  /** An http(s) URL with a host, as written. */
  private Optional<String> url(Node node, String path, String example) {
    var text = yaml.string(node, path);
    if (text.isEmpty()) return Optional.empty();
    String u = text.get().strip();
    try {
      URI uri = new URI(u);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && hasHost(uri)) return Optional.of(u);
    } catch (URISyntaxException e) {
      // reported below
    }
    yaml.problem(YamlReader.pos(node), path + ": '" + u + "' is not an http(s) URL with a host (write e.g. " + example + ")");
    return Optional.empty();
  }

  /**
   * Whether the URL names a host. {@link URI#getHost()} is null for names it does not take as host
   * names (compose service names such as {@code prom_server}), so the authority is read too.
   */
  private static boolean hasHost(URI uri) {
    if (uri.getHost() != null && !uri.getHost().isEmpty()) return true;
    String authority = uri.getRawAuthority();
    if (authority == null) return false;
    String host = authority.substring(authority.lastIndexOf('@') + 1).replaceFirst(":\\d*$", "");
    return host.matches("[A-Za-z0-9._~-]+");
  }

  private Optional<String> nonBlank(Node node, String path, String what) {
    var s = yaml.string(node, path);
    if (s.isPresent() && s.get().isBlank()) {
      yaml.problem(YamlReader.pos(node), path + ": empty; give " + what);
      return Optional.empty();
    }
    return s;
  }

  /** A plain decimal number ({@code 5}, {@code -1.5}, {@code 1e3}), or null. */
  private static Double number(String text) {
    String s = text.strip().replace("_", "");
    if (!s.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?")) return null;
    double v = Double.parseDouble(s);
    return Double.isFinite(v) ? v : null;
  }

  /** {@code 0.5}, {@code 200}: without trailing zeros or float noise. */
  static String plain(double v) {
    return new BigDecimal(v).round(new MathContext(12)).stripTrailingZeros().toPlainString();
  }

  private static String forText(long forMillis) {
    return forMillis == 0 ? "" : " for " + Durations.format(forMillis);
  }
}
