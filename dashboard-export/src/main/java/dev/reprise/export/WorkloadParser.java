package dev.reprise.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises workload metric lines in one container's log, by their fields rather than an exact
 * schema, so small format changes on the client side do not blind the export:
 *
 * <ul>
 *   <li>the traffic generator's per-second JSON line: an object with a time ({@code time},
 *       {@code timestamp} or {@code ts}, ISO-8601), a count of successful operations ({@code ok},
 *       {@code ops_ok}, {@code ops}, or {@code ops: {ok: ..}}), errors by kind (an {@code errors}
 *       object or {@code errors_<kind>} fields; a plain number counts as {@code other}), latencies in
 *       ms ({@code p50}/{@code p95}/{@code p99}/{@code max}, possibly prefixed {@code latency_} or
 *       suffixed {@code _ms}, or nested in a {@code latency}/{@code latency_ms} object),
 *       {@code in_flight}, {@code open_connections}; an {@code interval_ms}/{@code interval_s}
 *       field overrides the 1-second interval;</li>
 *   <li>YCSB's {@code -s} status line: {@code ... 10 sec: 1234 operations; 123.4 current ops/sec; ...
 *       [READ: Count=.., Max=.., Min=.., Avg=.., 90=.., 99=..] [READ-FAILED: Count=..]}. YCSB reports
 *       latencies in microseconds; they are converted to ms. Its p50 is not printed, so it stays null;
 *       p99 is the largest {@code 99} over operation types.</li>
 * </ul>
 *
 * One instance per log stream (it remembers the previous YCSB status to know the interval); not
 * thread-safe.
 */
public final class WorkloadParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern YCSB = Pattern.compile(
      "(\\d+) sec: (\\d+) operations; ([\\d.,]+|NaN|\\?) current ops/sec;(.*)");
  private static final Pattern YCSB_OP = Pattern.compile("\\[([A-Za-z][A-Za-z0-9_-]*): ([^\\]]*)\\]");
  private static final double YCSB_DEFAULT_INTERVAL = 10;

  private long previousYcsbSecond = -1;

  /**
   * The sample on {@code line}, or empty when the line is not a workload metric line.
   *
   * @param logTime Docker's timestamp of the line, used when the line carries no parsable time
   */
  public Optional<WorkloadSample> parse(String line, Instant logTime) {
    if (line == null) {
      return Optional.empty();
    }
    String s = line.strip();
    if (s.startsWith("{") && s.endsWith("}")) {
      return parseJson(s, logTime);
    }
    if (s.contains(" current ops/sec;")) {
      return parseYcsb(s, logTime);
    }
    return Optional.empty();
  }

  private Optional<WorkloadSample> parseJson(String s, Instant logTime) {
    JsonNode node;
    try {
      node = JSON.readTree(s);
    } catch (Exception e) {
      return Optional.empty();
    }
    if (node == null || !node.isObject()) {
      return Optional.empty();
    }
    Map<String, JsonNode> flat = new LinkedHashMap<>();
    flatten("", node, flat);
    Instant time = null;
    for (String k : new String[] {"time", "timestamp", "ts", "t"}) {
      JsonNode t = flat.get(k);
      if (t != null && t.isTextual()) {
        try {
          time = Instant.parse(t.asText());
          break;
        } catch (DateTimeParseException ignored) {
          // try the next name
        }
      }
    }
    boolean hasTimeField = time != null || flat.containsKey("time") || flat.containsKey("timestamp");
    Double ok = number(flat, "ok", "ops_ok", "ok_ops", "ops", "operations_ok", "success", "succeeded");
    if (!hasTimeField || ok == null) {
      return Optional.empty();
    }
    if (time == null) {
      time = logTime;
    }
    double interval = 1;
    Double ims = number(flat, "interval_ms");
    Double is = number(flat, "interval_s", "interval");
    if (ims != null && ims > 0) {
      interval = ims / 1000;
    } else if (is != null && is > 0) {
      interval = is;
    }
    Map<String, Long> errors = new LinkedHashMap<>();
    for (var e : flat.entrySet()) {
      String k = e.getKey();
      if (!e.getValue().isNumber()) {
        continue;
      }
      String kind = null;
      for (String prefix : new String[] {"errors_", "error_", "err_", "ops_errors_", "ops_error_"}) {
        if (k.startsWith(prefix)) {
          kind = k.substring(prefix.length());
          break;
        }
      }
      if (kind == null && (k.equals("errors") || k.equals("error_count") || k.equals("ops_errors"))) {
        kind = "other";
      }
      if (kind == null || kind.equals("total")) {
        continue;
      }
      kind = kind.replace("nohost", "no_host");
      errors.merge(kind, e.getValue().asLong(), Long::sum);
    }
    if (errors.isEmpty()) {
      Double total = number(flat, "errors_total");
      if (total != null) {
        errors.put("other", total.longValue());
      }
    }
    return Optional.of(new WorkloadSample(time, interval, ok / interval, errors,
        latency(flat, "p50"), latency(flat, "p95"), latency(flat, "p99"), latency(flat, "max"),
        integer(number(flat, "in_flight", "inflight")),
        integer(number(flat, "open_connections", "connections", "connections_open")),
        "traffic-gen"));
  }

  private static Double latency(Map<String, JsonNode> flat, String q) {
    for (String k : new String[] {q, q + "_ms", "latency_" + q, "latency_" + q + "_ms",
        "latency_ms_" + q, "lat_" + q, "lat_" + q + "_ms", "latency_" + q + "ms", q + "ms"}) {
      JsonNode n = flat.get(k);
      if (n != null && n.isNumber()) {
        return n.asDouble();
      }
    }
    return null;
  }

  private Optional<WorkloadSample> parseYcsb(String s, Instant logTime) {
    Matcher m = YCSB.matcher(s);
    if (!m.find()) {
      return Optional.empty();
    }
    long second = Long.parseLong(m.group(1));
    String rateText = m.group(3).replace(",", "");
    double rate = rateText.equals("NaN") || rateText.equals("?") ? 0 : Double.parseDouble(rateText);
    double interval = previousYcsbSecond >= 0 && second > previousYcsbSecond
        ? second - previousYcsbSecond : (second > 0 && second < YCSB_DEFAULT_INTERVAL ? second : YCSB_DEFAULT_INTERVAL);
    previousYcsbSecond = second;
    long failed = 0;
    Double p95 = null;
    Double p99 = null;
    Double max = null;
    Matcher op = YCSB_OP.matcher(m.group(4));
    while (op.find()) {
      String name = op.group(1).toUpperCase(Locale.ROOT);
      Map<String, Double> f = new LinkedHashMap<>();
      for (String part : op.group(2).split(",")) {
        String[] kv = part.trim().split("=", 2);
        if (kv.length == 2) {
          try {
            f.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
          } catch (NumberFormatException ignored) {
            // a field we don't use
          }
        }
      }
      if (name.endsWith("-FAILED")) {
        failed += f.getOrDefault("Count", 0.0).longValue();
        continue;
      }
      if (name.equals("CLEANUP") || f.getOrDefault("Count", 0.0) == 0) {
        continue;
      }
      p95 = maxOf(p95, f.get("95") == null ? null : f.get("95") / 1000);
      p99 = maxOf(p99, f.get("99") == null ? null : f.get("99") / 1000);
      max = maxOf(max, f.get("Max") == null ? null : f.get("Max") / 1000);
    }
    Map<String, Long> errors = failed > 0 ? Map.of("other", failed) : Map.of();
    double ok = Math.max(0, rate - failed / interval);
    return Optional.of(new WorkloadSample(logTime, interval, ok, errors, null, p95, p99, max, null, null, "ycsb"));
  }

  private static Double maxOf(Double a, Double b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }

  private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out) {
    node.fields().forEachRemaining(e -> {
      String key = (prefix.isEmpty() ? "" : prefix + "_") + e.getKey().toLowerCase(Locale.ROOT).replace('-', '_');
      if (e.getValue().isObject()) {
        flatten(key, e.getValue(), out);
      } else {
        out.put(key, e.getValue());
      }
    });
  }

  private static Double number(Map<String, JsonNode> flat, String... names) {
    for (String n : names) {
      JsonNode v = flat.get(n);
      if (v != null && v.isNumber()) {
        return v.asDouble();
      }
    }
    return null;
  }

  private static Integer integer(Double d) {
    return d == null ? null : (int) Math.round(d);
  }
}
