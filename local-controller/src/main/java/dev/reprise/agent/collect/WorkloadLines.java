package dev.reprise.agent.collect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;

/**
 * Reads the workload line format: the per-second JSON object a workload writes on its stdout,
 * {@code {"type":"traffic","time":"...","interval_ms":1000,"ops_ok":..,"errors":{kind:n,..},
 * "latency_ms":{"p50":..,"p95":..,"p99":..,"max":..},..}} (as the traffic generator's
 * {@code IntervalReport#toJsonLine} writes it). Stateless and thread-safe.
 *
 * <p>Cheap for every other line: {@link #parse} only parses JSON when the line's first non-blank
 * character is {@code {} and it contains {@code "traffic"}; a plain log line costs a character
 * check or two.
 */
public final class WorkloadLines {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The {@code type} of a workload line. */
  public static final String TYPE = "traffic";

  private WorkloadLines() {}

  /**
   * What one workload line says, on the clock of the container that wrote it.
   *
   * @param time the line's {@code time} (the end of its interval), null when it has none
   * @param failed the sum of {@code errors} (else {@code ops_failed}, else 0)
   * @param p99Ms {@code latency_ms.p99}, null when absent or null (no operation succeeded)
   */
  public record Line(Instant time, long intervalMillis, long ok, long failed, Double p99Ms) {}

  /**
   * The workload line {@code text} is, or null when it is none: not a JSON object of type
   * {@code traffic}, or one that is malformed — {@code interval_ms} or {@code ops_ok} missing or not
   * a non-negative integer (the interval positive), {@code errors} not an object of non-negative
   * integers, a {@code time} that is not an ISO-8601 instant. Never throws.
   */
  public static Line parse(String text) {
    if (!mayBe(text)) return null;
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
    }
    if (node == null || !node.isObject() || !TYPE.equals(node.path("type").asText(null))) return null;
    Instant time = null;
    var t = node.get("time");
    if (t != null && !t.isNull()) {
      if (!t.isTextual()) return null;
      try {
        time = Instant.parse(t.asText());
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    var interval = count(node.get("interval_ms"));
    var ok = count(node.get("ops_ok"));
    if (interval == null || interval <= 0 || ok == null) return null;
    long failed = 0;
    var errors = node.get("errors");
    if (errors != null && !errors.isNull()) {
      if (!errors.isObject()) return null;
      for (Iterator<JsonNode> it = errors.elements(); it.hasNext(); ) {
        var n = count(it.next());
        if (n == null) return null;
        failed += n;
      }
    } else {
      var total = count(node.get("ops_failed"));
      if (total != null) failed = total;
    }
    var p99 = node.path("latency_ms").get("p99");
    Double p99Ms = p99 != null && p99.isNumber() ? p99.asDouble() : null;
    return new Line(time, interval, ok, failed, p99Ms);
  }

  /** Whether {@code text} may be a workload line: its first non-blank character is {@code {} and it names {@code "traffic"}. */
  static boolean mayBe(String text) {
    if (text == null) return false;
    int n = text.length();
    int i = 0;
    while (i < n && Character.isWhitespace(text.charAt(i))) i++;
    return i < n && text.charAt(i) == '{' && text.indexOf("\"traffic\"", i) >= 0;
  }

  /** A non-negative integer, else null. */
  private static Long count(JsonNode n) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) return null;
    long v = n.asLong();
    return v < 0 ? null : v;
  }
}
