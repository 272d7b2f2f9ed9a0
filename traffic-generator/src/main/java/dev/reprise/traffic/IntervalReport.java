package dev.reprise.traffic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * What clients felt during one interval (normally one second): the line dashboard-export reads
 * from the container log. Latencies are in milliseconds, null when no operation succeeded in the
 * interval.
 *
 * @param time end of the interval
 * @param intervalMillis length of the interval
 * @param okByKind successful operations by kind ({@code read}, {@code write})
 * @param errors failed operations by {@link ErrorKind} (all kinds present)
 * @param p50 median latency of successful operations, from intended start, ms
 * @param inFlight requests sent and not yet answered at the end of the interval
 * @param openConnections connections open to the cluster (sessions, storm, leaked) at the end
 * @param behindMillis how far the senders are behind the schedule at the end (0 when on time)
 * @param extras fields added after the contract's, in order (numbers, strings, booleans, null, or
 *     maps of these): {@code write_outage_ms} and the target's own ({@code http_status}, Redis's
 *     {@code master})
 */
public record IntervalReport(
    Instant time,
    long intervalMillis,
    Map<OpKind, Long> okByKind,
    Map<ErrorKind, Long> errors,
    Double p50,
    Double p95,
    Double p99,
    Double max,
    int inFlight,
    int openConnections,
    long behindMillis,
    Map<String, Object> extras) {

  private static final JsonFactory JSON = new JsonFactory();

  public IntervalReport {
    okByKind = Map.copyOf(okByKind);
    errors = Map.copyOf(errors);
    extras = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extras));
  }

  /** Without additional fields. */
  public IntervalReport(Instant time, long intervalMillis, Map<OpKind, Long> okByKind, Map<ErrorKind, Long> errors,
      Double p50, Double p95, Double p99, Double max, int inFlight, int openConnections, long behindMillis) {
    this(time, intervalMillis, okByKind, errors, p50, p95, p99, max, inFlight, openConnections, behindMillis, Map.of());
  }

  /** Successful operations of all kinds. */
  public long ok() {
    return okByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Failed operations of all kinds. */
  public long failed() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The JSON line (no trailing newline), fields in the contract's order: {@code type, time,
   * interval_ms, ops_ok, ops, errors, latency_ms, in_flight, open_connections}, then additions.
   */
  public String toJsonLine() {
    StringWriter out = new StringWriter(320);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "traffic");
      g.writeStringField("time", time.toString());
      g.writeNumberField("interval_ms", intervalMillis);
      g.writeNumberField("ops_ok", ok());
      g.writeObjectFieldStart("ops");
      for (OpKind k : OpKind.values()) {
        g.writeNumberField(k.jsonName(), okByKind.getOrDefault(k, 0L));
      }
      g.writeEndObject();
      g.writeObjectFieldStart("errors");
      for (ErrorKind k : ErrorKind.values()) {
        g.writeNumberField(k.jsonName(), errors.getOrDefault(k, 0L));
      }
      g.writeEndObject();
      g.writeObjectFieldStart("latency_ms");
      writeMillis(g, "p50", p50);
      writeMillis(g, "p95", p95);
      writeMillis(g, "p99", p99);
      writeMillis(g, "max", max);
      g.writeEndObject();
      g.writeNumberField("in_flight", inFlight);
      g.writeNumberField("open_connections", openConnections);
      g.writeNumberField("ops_failed", failed());
      g.writeNumberField("behind_ms", behindMillis);
      for (Map.Entry<String, Object> e : extras.entrySet()) {
        g.writeFieldName(e.getKey());
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Long || v instanceof Integer) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Number n) {
      g.writeNumber(n.doubleValue());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else {
      g.writeString(v.toString());
    }
  }

  private static void writeMillis(JsonGenerator g, String name, Double ms) throws IOException {
    if (ms == null) {
      g.writeNullField(name);
    } else {
      // Microsecond resolution is what the histogram records; more digits would be noise.
      g.writeNumberField(name, Math.round(ms * 1000.0) / 1000.0);
    }
  }
}
