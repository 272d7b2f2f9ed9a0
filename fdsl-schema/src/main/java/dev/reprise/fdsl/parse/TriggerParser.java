package dev.reprise.fdsl.parse;

import dev.reprise.fdsl.model.AbortCondition.Comparison;
import dev.reprise.fdsl.model.Durations;
import dev.reprise.fdsl.model.Trigger;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.fdsl.source.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A moment's {@code when:} → {@link Trigger}, every problem recorded through the {@link YamlReader}
 * at its position. Service names are handed back in {@link #services()} for the scenario parser to
 * check (against the compose file, or the scenario's services); counts against the alive set are
 * the planner's. One instance per parse; not thread-safe.
 */
public final class TriggerParser {
  public static final List<String> WHEN_KEYS = List.of("log", "running", "workload", "timeout", "on_timeout");
  public static final List<String> CONDITION_KINDS = List.of("log", "running", "workload");
  public static final List<String> LOG_KEYS = List.of("service", "pattern", "count");
  public static final List<String> RUNNING_KEYS = List.of("service", "count");
  public static final List<String> WORKLOAD_KEYS = List.of("metric", "service", "above", "below");
  public static final List<String> METRICS = List.of("throughput", "error_rate", "p99_latency");
  public static final List<String> ON_TIMEOUT = List.of("skip", "fail");
  /** The {@code count} that stands for every container of the service expected alive then. */
  public static final String ALL = "all";

  private final YamlReader yaml;
  private final List<SafetyParser.ServiceRef> services = new ArrayList<>();

  public TriggerParser(YamlReader yaml) {
    this.yaml = yaml;
  }

  /** Every service name read so far, in file order. */
  public List<SafetyParser.ServiceRef> services() {
    return List.copyOf(services);
  }

  /** The {@code when} entry of a moment at {@code path} ({@code events[3].moment}); empty with problems when invalid. */
  public Optional<Trigger> trigger(YamlReader.Entry when, String path) {
    String p = path + ".when";
    var m = yaml.mapping(when.value(), p);
    if (m.isEmpty()) return Optional.empty();
    var e = m.get();
    yaml.rejectUnknownKeys(e, p, WHEN_KEYS);
    boolean ok = true;
    var kinds = e.values().stream().filter(x -> CONDITION_KINDS.contains(x.key())).toList();
    Optional<Trigger.Condition> condition = Optional.empty();
    if (kinds.size() != 1) {
      yaml.problem(kinds.isEmpty() ? when.keyPos() : kinds.get(1).keyPos(), p + ": give exactly one of log, running, workload"
          + (kinds.isEmpty() ? " (what must hold for the moment to fire)"
              : "; found " + String.join(" and ", kinds.stream().map(YamlReader.Entry::key).toList())
                  + " (a moment waits for one condition)"));
      ok = false;
    } else {
      var kind = kinds.get(0);
      String kp = p + "." + kind.key();
      condition = switch (kind.key()) {
        case "log" -> log(kind, kp);
        case "running" -> running(kind, kp);
        default -> workload(kind, kp);
      };
      ok &= condition.isPresent();
    }
    Long timeout = null;
    if (!e.containsKey("timeout")) {
      yaml.problem(when.keyPos(), p + ": missing 'timeout' (how long to wait for the condition, e.g. timeout: 120s)");
      ok = false;
    } else {
      Node n = e.get("timeout").value();
      timeout = yaml.millis(n, p + ".timeout").orElse(null);
      if (timeout != null && timeout == 0) {
        yaml.problem(YamlReader.pos(n), p + ".timeout: must be more than 0");
        timeout = null;
      }
      ok &= timeout != null;
    }
    var onTimeout = Trigger.OnTimeout.FAIL;
    if (e.containsKey("on_timeout")) {
      Node n = e.get("on_timeout").value();
      var s = yaml.string(n, p + ".on_timeout");
      if (s.isPresent() && ON_TIMEOUT.contains(s.get().strip().toLowerCase(Locale.ROOT))) {
        onTimeout = Trigger.OnTimeout.valueOf(s.get().strip().toUpperCase(Locale.ROOT));
      } else {
        if (s.isPresent()) {
          yaml.problem(YamlReader.pos(n), p + ".on_timeout: '" + s.get() + "' is not one of skip (the moment is not fired;"
              + " the run goes on), fail (the run fails, the default)");
        }
        ok = false;
      }
    }
    if (!ok) return Optional.empty();
    return Optional.of(new Trigger(condition.get(), timeout, onTimeout, when.keyPos()));
  }

  private Optional<Trigger.Condition> log(YamlReader.Entry kind, String path) {
    var m = yaml.mapping(kind.value(), path);
    if (m.isEmpty()) return Optional.empty();
    var e = m.get();
    yaml.rejectUnknownKeys(e, path, LOG_KEYS);
    var service = service(kind, e, path, true);
    boolean ok = service != null;
    String pattern = null;
    if (!e.containsKey("pattern")) {
      yaml.problem(kind.keyPos(), path + ": missing 'pattern' (a regular expression a log line must match, e.g. \"Startup complete\")");
      ok = false;
    } else {
      Node n = e.get("pattern").value();
      pattern = yaml.string(n, path + ".pattern").orElse(null);
      if (pattern != null && pattern.isEmpty()) {
        yaml.problem(YamlReader.pos(n), path + ".pattern: empty; give a regular expression (every line would match)");
        pattern = null;
      } else if (pattern != null) {
        try {
          Pattern.compile(pattern);
        } catch (PatternSyntaxException x) {
          // Java puts some errors (an unclosed group) just past the end: point at the last character
          int at = Math.min(x.getIndex(), pattern.length() - 1);
          yaml.problem(positionInScalar(n, at), path + ".pattern: not a regular expression: " + x.getDescription()
              + (at >= 0 ? " at character " + (at + 1) : ""));
          pattern = null;
        }
      }
      ok &= pattern != null;
    }
    var count = count(e, path, 1);
    ok &= count.isPresent();
    if (!ok) return Optional.empty();
    return Optional.of(new Trigger.Log(service.key(), pattern, count.get().value(), service.keyPos(), count.get().pos()));
  }

  private Optional<Trigger.Condition> running(YamlReader.Entry kind, String path) {
    var m = yaml.mapping(kind.value(), path);
    if (m.isEmpty()) return Optional.empty();
    var e = m.get();
    yaml.rejectUnknownKeys(e, path, RUNNING_KEYS);
    var service = service(kind, e, path, true);
    var count = count(e, path, null);
    if (service == null || count.isEmpty()) return Optional.empty();
    return Optional.of(new Trigger.Running(service.key(), count.get().value(), service.keyPos(), count.get().pos()));
  }

  private Optional<Trigger.Condition> workload(YamlReader.Entry kind, String path) {
    var m = yaml.mapping(kind.value(), path);
    if (m.isEmpty()) return Optional.empty();
    var e = m.get();
    yaml.rejectUnknownKeys(e, path, WORKLOAD_KEYS);
    boolean ok = true;
    YamlReader.Entry service = null;
    if (e.containsKey("service")) {
      service = service(kind, e, path, true);
      ok &= service != null;
    }
    Trigger.Metric metric = null;
    if (!e.containsKey("metric")) {
      yaml.problem(kind.keyPos(), path + ": missing 'metric' (one of: " + String.join(", ", METRICS) + ")");
      ok = false;
    } else {
      Node n = e.get("metric").value();
      var s = yaml.string(n, path + ".metric");
      if (s.isPresent() && METRICS.contains(s.get())) {
        metric = Trigger.Metric.valueOf(s.get().toUpperCase(Locale.ROOT));
      } else if (s.isPresent()) {
        yaml.problem(YamlReader.pos(n), path + ".metric: unknown metric '" + s.get() + "'"
            + Suggestions.closest(s.get(), METRICS).map(x -> " (did you mean '" + x + "'?)")
                .orElse(" (expected one of: " + String.join(", ", METRICS) + ")"));
      }
      ok &= metric != null;
    }
    var given = List.of("above", "below").stream().filter(e::containsKey).toList();
    Comparison comparison = null;
    Double threshold = null;
    String thresholdText = null;
    if (given.size() != 1) {
      yaml.problem(kind.keyPos(), path + ": give exactly one of above, below" + (given.isEmpty() ? " (the threshold)" : "; found above and below"));
      ok = false;
    } else if (metric != null) {
      comparison = given.get(0).equals("above") ? Comparison.ABOVE : Comparison.BELOW;
      Node n = e.get(given.get(0)).value();
      String p = path + "." + given.get(0);
      String v = n instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) ? s.getValue().strip() : null;
      switch (metric) {
        case THROUGHPUT -> {
          String num = v == null ? null : v.endsWith("/s") ? v.substring(0, v.length() - 2).strip() : v;
          threshold = num == null ? null : YamlReader.seconds(num);
          if (threshold == null || threshold < 0) {
            yaml.problem(YamlReader.pos(n), p + ": expected operations per second (100, 100/s), got " + YamlReader.describe(n));
            threshold = null;
          } else {
            thresholdText = SafetyParser.plain(threshold) + "/s";
          }
        }
        case P99_LATENCY -> {
          Double ms = v == null ? null : YamlReader.seconds(v);
          if (v != null && ms == null) {
            try {
              ms = (double) Durations.parse(v);
            } catch (IllegalArgumentException x) {
              ms = null;
            }
          }
          if (ms == null || ms < 0) {
            yaml.problem(YamlReader.pos(n), p + ": expected a latency in milliseconds (200, 200ms, 1.5s), got " + YamlReader.describe(n));
          } else {
            threshold = ms;
            thresholdText = SafetyParser.plain(ms) + "ms";
          }
        }
        default -> {
          Double fraction = null;
          if (v != null) fraction = v.endsWith("%") ? percentFraction(v) : YamlReader.seconds(v);
          if (fraction == null || fraction < 0 || fraction > 1) {
            yaml.problem(YamlReader.pos(n), p + ": expected a percentage (0.5%) or a fraction (0.005) between 0 and 1, got "
                + YamlReader.describe(n));
          } else {
            threshold = fraction;
            thresholdText = SafetyParser.plain(fraction * 100) + "%";
          }
        }
      }
      ok &= threshold != null;
    }
    if (!ok) return Optional.empty();
    return Optional.of(new Trigger.Workload(service == null ? null : service.key(), metric, comparison, threshold, thresholdText,
        service == null ? kind.keyPos() : service.keyPos()));
  }

  private static Double percentFraction(String v) {
    Double percent = YamlReader.seconds(v.substring(0, v.length() - 1).strip());
    return percent == null ? null : percent / 100;
  }

  /** The {@code service} value as an entry (key: the name, keyPos: where the name is written), or null with a problem. */
  private YamlReader.Entry service(YamlReader.Entry kind, Map<String, YamlReader.Entry> e, String path, boolean required) {
    if (!e.containsKey("service")) {
      if (required) yaml.problem(kind.keyPos(), path + ": missing 'service' (the compose service whose containers are watched)");
      return null;
    }
    Node n = e.get("service").value();
    var s = yaml.string(n, path + ".service");
    if (s.isEmpty()) return null;
    var ref = new SafetyParser.ServiceRef(s.get(), YamlReader.pos(n), path + ".service");
    services.add(ref);
    return new YamlReader.Entry(s.get(), YamlReader.pos(n), n);
  }

  /** A count as read: null value = all. */
  private record Count(Integer value, SourcePos pos) {}

  /** {@code count}: an integer ≥ 1 or {@code all}; {@code fallback} when absent (null: all). */
  private Optional<Count> count(Map<String, YamlReader.Entry> e, String path, Integer fallback) {
    if (!e.containsKey("count")) return Optional.of(new Count(fallback, SourcePos.NONE));
    Node n = e.get("count").value();
    var pos = YamlReader.pos(n);
    if (n instanceof ScalarNode s && s.getValue().strip().equals(ALL)) return Optional.of(new Count(null, pos));
    if (n instanceof ScalarNode s && s.getTag().equals(Tag.INT) || n instanceof ScalarNode t && t.getValue().strip().matches("[-+]?\\d+")) {
      return yaml.integer(n, path + ".count", 1, dev.reprise.fdsl.source.InputLimits.MAX_CONTAINERS_PER_SERVICE)
          .map(v -> new Count(v.intValue(), pos));
    }
    yaml.problem(pos, path + ".count: expected a number of containers (1, 3) or 'all', got " + YamlReader.describe(n));
    return Optional.empty();
  }

  /** Where character {@code index} (0-based, of the value) of a one-line scalar is written; the scalar's start when unknown. */
  static SourcePos positionInScalar(Node n, int index) {
    var start = YamlReader.pos(n);
    if (index < 0 || !(n instanceof ScalarNode s)) return start;
    if (n.getStartMark() != null && n.getEndMark() != null && n.getStartMark().getLine() != n.getEndMark().getLine()) return start;
    var style = s.getScalarStyle();
    int quote = style == DumperOptions.ScalarStyle.SINGLE_QUOTED || style == DumperOptions.ScalarStyle.DOUBLE_QUOTED ? 1 : 0;
    return new SourcePos(start.line(), start.column() + quote + index);
  }
}
