package dev.reprise.master.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The meaning rules of an {@link ExperimentRequest} that need no cluster: the ID, the duration, every
 * parameter of the action (known key, type, range), the safety threshold. Every bad field is
 * collected ({@link FieldError}, JSON paths such as {@code parameters.latencyMs}); the values are
 * normalised (a CLI's {@code "50"} is the number 50, {@code "a,b"} a list) for the scenario synthesis.
 * Pure: no I/O.
 */
public final class ExperimentRules {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)?");
  static final Set<String> DIRECTIONS_PARTITION = Set.of("both", "outgoing", "incoming");
  static final Set<String> IO_MODES = Set.of("read", "write", "readwrite");

  private ExperimentRules() {}

  /**
   * What {@link #check} found.
   *
   * @param errors every bad field; empty when the request is valid as far as these rules go
   * @param parameters the parameters normalised: numbers as {@link Double}/{@link Long}, lists as {@code List<String>}
   */
  public record Checked(List<FieldError> errors, Map<String, Object> parameters) {}

  /** Checks {@code r}; {@code maxDurationSeconds} bounds {@code durationSeconds}. */
  public static Checked check(ExperimentRequest r, long maxDurationSeconds) {
    var errors = new ArrayList<FieldError>();
    var out = new LinkedHashMap<String, Object>();
    if (r.experimentId() == null || r.experimentId().isEmpty()) {
      errors.add(new FieldError("experimentId", "is required: 1-64 of A-Z a-z 0-9 . _ -"));
    } else if (!ID.matcher(r.experimentId()).matches()) {
      errors.add(new FieldError("experimentId", "'" + shorten(r.experimentId()) + "' is not 1-64 of A-Z a-z 0-9 . _ -"));
    }
    if (r.targetService() == null || r.targetService().isBlank()) {
      errors.add(new FieldError("targetService", "is required: stack_service or stack/service"));
    } else if (!SERVICE.matcher(r.targetService()).matches()) {
      errors.add(new FieldError("targetService", "'" + shorten(r.targetService()) + "' is not a service name (stack_service or stack/service)"));
    }
    if (r.durationSeconds() < 1 || r.durationSeconds() > maxDurationSeconds) {
      errors.add(new FieldError("durationSeconds", "must be 1.." + maxDurationSeconds + " seconds, not " + r.durationSeconds()));
    }
    if (r.action() == null) {
      errors.add(new FieldError("action", "is required: one of " + List.of(ChaosAction.values())));
    } else {
      checkParameters(r, errors, out);
    }
    checkSafety(r.safetyThreshold(), errors);
    return new Checked(List.copyOf(errors), out);
  }

  private static void checkParameters(ExperimentRequest r, List<FieldError> errors, Map<String, Object> out) {
    var action = r.action();
    var accepted = new ArrayList<String>(ChaosAction.COMMON_PARAMETERS);
    accepted.addAll(action.parameters());
    var p = r.parameters();
    for (String key : p.keySet()) {
      if (!accepted.contains(key)) {
        errors.add(new FieldError("parameters." + key, "is not a parameter of " + action + "; it takes " + String.join(", ", accepted)));
      }
    }
    var v = new Values(p, errors, out);
    if (p.containsKey("targetCount") && p.containsKey("targetPercent")) {
      errors.add(new FieldError("parameters.targetPercent", "give targetCount or targetPercent, not both"));
    }
    v.integer("targetCount", 1, 10_000);
    v.number("targetPercent", 0, false, 100);
    long d = r.durationSeconds();
    switch (action) {
      case NETWORK_PARTITION -> {
        v.list("targetPartitionGroupA");
        v.list("targetPartitionGroupB");
        v.word("direction", DIRECTIONS_PARTITION);
      }
      case NETWORK_DELAY -> {
        v.required("latencyMs");
        v.number("latencyMs", 0, false, 60_000);
        v.number("jitterMs", 0, true, 60_000);
        v.number("correlationPct", 0, true, 100);
        v.list("toService");
        v.ports();
      }
      case PACKET_LOSS -> {
        v.required("packetLossPct");
        v.number("packetLossPct", 0, false, 100);
        v.number("correlationPct", 0, true, 100);
        v.list("toService");
        v.ports();
      }
      case BANDWIDTH_LIMIT -> {
        v.required("rateKbit");
        v.number("rateKbit", 0, false, 1e9);
        v.list("toService");
        v.ports();
      }
      case SIGNAL -> {
        v.required("signal");
        v.text("signal");
      }
      case RESTART -> {
        v.number("downSeconds", 0, true, d);
        v.number("graceSeconds", 0, true, 3600);
      }
      case CPU_SPIKE -> v.integer("cores", 1, 1024);
      case MEMORY_PRESSURE -> {
        v.required("sizeMb");
        v.number("sizeMb", 0, false, 1 << 30);
        v.number("rateMbPerSecond", 0, false, 1 << 30);
      }
      case DISK_FULL -> {
        if (p.containsKey("sizeMb") == p.containsKey("fillPct")) {
          errors.add(new FieldError("parameters.sizeMb", "give exactly one of sizeMb and fillPct"));
        }
        v.path("path");
        v.number("sizeMb", 0, false, 1 << 30);
        v.number("fillPct", 0, false, 100);
      }
      case IO_STRESS -> {
        v.path("path");
        v.word("mode", IO_MODES);
        v.integer("workers", 1, 64);
        v.number("sizeMb", 0, false, 1 << 30);
      }
      case KILL, PAUSE -> { }
      default -> { }
    }
  }

  private static void checkSafety(SafetyThreshold s, List<FieldError> errors) {
    if (s.maxErrorRatePct() != null && !(s.maxErrorRatePct() > 0 && s.maxErrorRatePct() <= 100)) {
      errors.add(new FieldError("safetyThreshold.maxErrorRatePct", "must be in (0, 100] percent, not " + s.maxErrorRatePct()));
    }
    if (s.maxP99LatencyMs() != null && !(s.maxP99LatencyMs() > 0 && s.maxP99LatencyMs() <= 3_600_000)) {
      errors.add(new FieldError("safetyThreshold.maxP99LatencyMs", "must be > 0 ms (at most 3600000), not " + s.maxP99LatencyMs()));
    }
    if (s.windowSeconds() != null && (s.windowSeconds() < 1 || s.windowSeconds() > 3600)) {
      errors.add(new FieldError("safetyThreshold.windowSeconds", "must be 1..3600 seconds, not " + s.windowSeconds()));
    }
    if (s.windowSeconds() != null && s.isNone()) {
      errors.add(new FieldError("safetyThreshold.windowSeconds", "needs maxErrorRatePct or maxP99LatencyMs"));
    }
  }

  private static String shorten(String s) {
    return s.length() > 70 ? s.substring(0, 67) + "..." : s;
  }

  /** Reads typed values from the parameters, adding a field error for each bad one. */
  private static final class Values {
    final Map<String, Object> in;
    final List<FieldError> errors;
    final Map<String, Object> out;

    Values(Map<String, Object> in, List<FieldError> errors, Map<String, Object> out) {
      this.in = in;
      this.errors = errors;
      this.out = out;
    }

    void bad(String key, String message) {
      errors.add(new FieldError("parameters." + key, message));
    }

    void required(String key) {
      if (!in.containsKey(key) || in.get(key) == null) bad(key, "is required for this action");
    }

    Double num(String key) {
      Object o = in.get(key);
      if (o instanceof Number n) return n.doubleValue();
      if (o instanceof String s) {
        try {
          return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
          return null;
        }
      }
      return null;
    }

    void number(String key, double min, boolean minIncluded, double max) {
      if (!in.containsKey(key) || in.get(key) == null) return;
      Double x = num(key);
      if (x == null || x.isNaN() || x.isInfinite()) {
        bad(key, "must be a number, not " + describe(in.get(key)));
        return;
      }
      if ((minIncluded ? x < min : x <= min) || x > max) {
        bad(key, "must be in " + (minIncluded ? "[" : "(") + fmt(min) + ", " + fmt(max) + "], not " + fmt(x));
        return;
      }
      out.put(key, x);
    }

    void integer(String key, long min, long max) {
      if (!in.containsKey(key) || in.get(key) == null) return;
      Double x = num(key);
      if (x == null || x != Math.rint(x)) {
        bad(key, "must be a whole number, not " + describe(in.get(key)));
        return;
      }
      if (x < min || x > max) {
        bad(key, "must be " + min + ".." + max + ", not " + fmt(x));
        return;
      }
      out.put(key, x.longValue());
    }

    void text(String key) {
      Object o = in.get(key);
      if (o == null) return;
      if (!(o instanceof String s) || s.isBlank()) {
        bad(key, "must be a non-empty string, not " + describe(o));
        return;
      }
      out.put(key, s.strip());
    }

    void word(String key, Set<String> allowed) {
      Object o = in.get(key);
      if (o == null) return;
      String s = o instanceof String t ? t.strip().toLowerCase(Locale.ROOT) : null;
      if (s == null || !allowed.contains(s)) {
        bad(key, "must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ", not " + describe(o));
        return;
      }
      out.put(key, s);
    }

    void path(String key) {
      Object o = in.get(key);
      if (o == null) return;
      if (!(o instanceof String s) || !s.startsWith("/") || s.contains("\n")) {
        bad(key, "must be an absolute path in the container, not " + describe(o));
        return;
      }
      out.put(key, s);
    }

    void list(String key) {
      Object o = in.get(key);
      if (o == null) return;
      var items = new ArrayList<String>();
      if (o instanceof String s) {
        for (String part : s.split(",")) if (!part.isBlank()) items.add(part.strip());
      } else if (o instanceof List<?> l) {
        for (Object e : l) {
          if (!(e instanceof String s) || s.isBlank()) {
            bad(key, "must be a list of service names, not " + describe(o));
            return;
          }
          items.add(s.strip());
        }
      } else {
        bad(key, "must be a service name or a list of them, not " + describe(o));
        return;
      }
      if (items.isEmpty()) {
        bad(key, "must name at least one service");
        return;
      }
      for (String s : items) {
        if (!SERVICE.matcher(s).matches()) {
          bad(key, "'" + shorten(s) + "' is not a service name");
          return;
        }
      }
      out.put(key, List.copyOf(items));
    }

    void ports() {
      Object o = in.get("ports");
      if (o == null) return;
      var items = new ArrayList<Object>();
      if (o instanceof String s) {
        for (String part : s.split(",")) if (!part.isBlank()) items.add(part.strip());
      } else if (o instanceof List<?> l) {
        items.addAll(l);
      } else {
        items.add(o);
      }
      var ports = new ArrayList<Long>();
      for (Object e : items) {
        Double x = null;
        if (e instanceof Number n) x = n.doubleValue();
        else if (e instanceof String s) {
          try {
            x = Double.parseDouble(s);
          } catch (NumberFormatException ex) {
            x = null;
          }
        }
        if (x == null || x != Math.rint(x) || x < 1 || x > 65535) {
          bad("ports", "must be ports 1..65535, not " + describe(o));
          return;
        }
        ports.add(x.longValue());
      }
      if (ports.isEmpty()) {
        bad("ports", "must name at least one port");
        return;
      }
      out.put("ports", List.copyOf(ports));
    }

    static String describe(Object o) {
      if (o == null) return "null";
      if (o instanceof String s) return "'" + shorten(s) + "'";
      return shorten(String.valueOf(o));
    }

    static String fmt(double x) {
      return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
  }
}
