package dev.reprise.fdsl.parse;

import dev.reprise.fdsl.model.Budget;
import dev.reprise.fdsl.model.Budget.Metric;
import dev.reprise.fdsl.model.Budget.Op;
import dev.reprise.fdsl.model.Durations;
import dev.reprise.fdsl.model.Expectations;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.fdsl.source.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@code environment.expect} and {@code environment.baseline} → {@link Expectations}, every problem
 * recorded through the {@link YamlReader} (all at once). A budget is a text {@code METRIC OP VALUE}
 * ({@code recovery_seconds < 15}, {@code error_rate <= 0.5%}, {@code p95_latency < 200ms}) or a
 * one-key mapping {@code METRIC: OP VALUE}; {@code data_loss: none} has no operator. Problems inside
 * a budget's text point at the part at fault (metric, operator or value). One instance per parse;
 * not thread-safe.
 */
public final class ExpectParser {
  /** The keys of {@code environment} this parser reads. */
  public static final List<String> ENVIRONMENT_KEYS = List.of("expect", "baseline");
  /** What {@code data_loss} accepts. */
  public static final String NONE = "none";

  private final YamlReader yaml;

  public ExpectParser(YamlReader yaml) {
    this.yaml = yaml;
  }

  /** What {@link #read(String)} found: the expectations when there was no problem in them, and the problems. */
  public record Read(Optional<Expectations> expectations, List<dev.reprise.fdsl.source.Problem> problems) {}

  /**
   * Reads only {@code environment.expect} and {@code environment.baseline} of a scenario text (the
   * copy in a run folder, whose compose file and fault scripts may be gone): problems elsewhere in the
   * scenario are ignored, except YAML syntax errors, which are reported.
   */
  public static Read read(String text) {
    var problems = new dev.reprise.fdsl.source.Problems();
    var yaml = new YamlReader(problems);
    var root = yaml.compose(text);
    if (root.isEmpty()) return new Read(Optional.empty(), problems.list());
    var quiet = new YamlReader(new dev.reprise.fdsl.source.Problems());
    var env = quiet.mapping(root.get(), "").map(m -> m.get("environment"))
        .filter(e -> !YamlReader.isNull(e.value())).flatMap(e -> quiet.mapping(e.value(), "environment"));
    if (env.isEmpty()) return new Read(Optional.of(Expectations.none()), problems.list());
    var result = new ExpectParser(yaml).expectations(env.get().get("expect"), env.get().get("baseline"));
    return new Read(problems.isEmpty() ? result : Optional.empty(), problems.list());
  }

  /** Both keys of {@code environment} (either may be null); empty (with problems) when invalid. */
  public Optional<Expectations> expectations(YamlReader.Entry expect, YamlReader.Entry baseline) {
    boolean ok = true;
    var budgets = new ArrayList<Budget>();
    if (expect != null && !YamlReader.isNull(expect.value())) {
      var items = yaml.sequence(expect.value(), "environment.expect");
      if (items.isEmpty()) {
        ok = false;
      } else {
        for (int i = 0; i < items.get().size(); i++) {
          var b = budget(items.get().get(i), "environment.expect[" + i + "]");
          if (b.isPresent()) budgets.add(b.get()); else ok = false;
        }
      }
    }
    Expectations.Baseline base = null;
    if (baseline != null) {
      Node n = baseline.value();
      var text = yaml.string(n, "environment.baseline");
      if (text.isPresent() && text.get().isBlank()) {
        yaml.problem(YamlReader.pos(n), "environment.baseline: write faults-off (the same timeline without its faults)"
            + " or a scenario file, relative to this scenario's folder");
        text = Optional.empty();
      }
      if (text.isPresent()) base = new Expectations.Baseline(text.get().strip(), YamlReader.pos(n));
      else ok = false;
    }
    return ok ? Optional.of(new Expectations(budgets, base)) : Optional.empty();
  }

  private Optional<Budget> budget(Node node, String path) {
    if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
      int quote = s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN ? 0 : 1;
      SourcePos at = YamlReader.pos(node);
      return text(s.getValue(), new SourcePos(at.line(), at.column() + quote), path, s.getValue().strip());
    }
    if (node instanceof org.yaml.snakeyaml.nodes.MappingNode) {
      var m = yaml.mapping(node, path);
      if (m.isEmpty()) return Optional.empty();
      if (m.get().size() != 1) {
        yaml.problem(YamlReader.pos(node), path + ": one budget per item, e.g. - recovery_seconds < 15 or - data_loss: none");
        return Optional.empty();
      }
      Map.Entry<String, YamlReader.Entry> e = m.get().entrySet().iterator().next();
      Node v = e.getValue().value();
      if (!(v instanceof ScalarNode vs) || vs.getTag().equals(Tag.NULL)) {
        yaml.problem(YamlReader.pos(v), path + "." + e.getKey() + ": expected " + (NONE.equals(e.getKey()) ? "" : "an operator and a value"
            + " (< 15) or ") + "none, got " + YamlReader.describe(v));
        return Optional.empty();
      }
      Metric metric = metric(e.getKey(), e.getValue().keyPos(), path);
      if (metric == null) return Optional.empty();
      int quote = vs.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN ? 0 : 1;
      SourcePos at = YamlReader.pos(v);
      String written = e.getKey() + ": " + vs.getValue().strip();
      return rest(metric, e.getKey(), vs.getValue(), new SourcePos(at.line(), at.column() + quote), path, written,
          e.getValue().keyPos());
    }
    yaml.problem(YamlReader.pos(node), path + ": expected a budget such as recovery_seconds < 15, error_rate < 0.5% or"
        + " data_loss: none, got " + YamlReader.describe(node));
    return Optional.empty();
  }

  /** {@code METRIC OP VALUE} written at {@code start} (the first character of {@code text}). */
  private Optional<Budget> text(String text, SourcePos start, String path, String written) {
    int i = 0;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
    int from = i;
    while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) i++;
    String word = text.substring(from, i);
    SourcePos wordPos = at(start, from);
    if (word.isEmpty()) {
      yaml.problem(wordPos, path + ": expected a metric (" + String.join(", ", Metric.words()) + ") first, got '" + text.strip() + "'");
      return Optional.empty();
    }
    Metric metric = metric(word, wordPos, path);
    if (metric == Metric.DATA_LOSS && text.substring(i).strip().startsWith(":")) {
      // "data_loss: none" quoted as one text
      int colon = text.indexOf(':', i);
      return rest(metric, word, text.substring(colon + 1), at(start, colon + 1), path, written, wordPos);
    }
    return rest(metric, word, text.substring(i), at(start, i), path, written, wordPos);
  }

  /**
   * The operator and value after the metric: {@code rest} begins at {@code start}. A null {@code metric}
   * (unknown, already reported) still has its operator checked, so every problem is reported at once.
   */
  private Optional<Budget> rest(Metric metric, String word, String rest, SourcePos start, String path,
      String written, SourcePos budgetPos) {
    int i = 0;
    while (i < rest.length() && Character.isWhitespace(rest.charAt(i))) i++;
    if (metric == Metric.DATA_LOSS) {
      String v = rest.strip();
      if (!v.equals(NONE)) {
        yaml.problem(at(start, i), path + ": data_loss takes only 'none' (no acknowledged write lost), got '" + v
            + "'; to allow some, write writes_lost <= N");
        return Optional.empty();
      }
      return Optional.of(new Budget(metric, null, 0, written, budgetPos));
    }
    int opFrom = i;
    while (i < rest.length() && "<>=!≤≥".indexOf(rest.charAt(i)) >= 0) i++;
    String symbol = rest.substring(opFrom, i);
    Op op = Op.of(symbol);
    boolean ok = metric != null;
    if (op == null) {
      String shown = symbol.isEmpty() ? (rest.strip().isEmpty() ? "nothing" : "'" + rest.strip().split("\\s+")[0] + "'") : "'" + symbol + "'";
      yaml.problem(at(start, opFrom), path + ": expected an operator (" + String.join(", ", Op.symbols()) + ") after "
          + word + ", got " + shown);
      ok = false;
    }
    while (i < rest.length() && Character.isWhitespace(rest.charAt(i))) i++;
    String value = rest.substring(i).strip();
    SourcePos valuePos = at(start, i);
    // without a known metric and operator, where the value starts is a guess: it is not checked
    if (!ok) return Optional.empty();
    Double limit = limit(metric, value, valuePos, path);
    if (limit == null) return Optional.empty();
    return Optional.of(new Budget(metric, op, limit, written, budgetPos));
  }

  private Metric metric(String word, SourcePos pos, String path) {
    Metric m = Metric.of(word);
    if (m == null) {
      yaml.problem(pos, path + ": unknown metric '" + word + "'" + Suggestions.closest(word, Metric.words())
          .map(s -> " (did you mean '" + s + "'?)").orElse(" (expected one of: " + String.join(", ", Metric.words()) + ")"));
    }
    return m;
  }

  /** The limit in the metric's unit, or null (with a problem at {@code pos}). */
  private Double limit(Metric metric, String v, SourcePos pos, String path) {
    String p = path + ": " + metric.word();
    switch (metric.unit()) {
      case SECONDS -> {
        Double s = YamlReader.seconds(v);
        if (s == null) {
          try {
            s = Durations.parse(v) / 1000.0;
          } catch (IllegalArgumentException e) {
            s = null;
          }
        }
        if (s == null || s < 0) {
          yaml.problem(pos, p + " takes seconds (15, 1.5) or a duration (15s, 1m30s), got " + shown(v));
          return null;
        }
        return s;
      }
      case MILLIS -> {
        Double ms = YamlReader.seconds(v);
        if (ms == null) {
          try {
            ms = (double) Durations.parse(v);
          } catch (IllegalArgumentException e) {
            ms = null;
          }
        }
        if (ms == null || ms < 0) {
          yaml.problem(pos, p + " takes a latency in milliseconds (200, 200ms, 1.5s), got " + shown(v));
          return null;
        }
        return ms;
      }
      case FRACTION -> {
        Double f;
        if (v.endsWith("%")) {
          Double percent = YamlReader.seconds(v.substring(0, v.length() - 1).strip());
          f = percent == null ? null : percent / 100;
        } else {
          f = YamlReader.seconds(v);
        }
        if (f == null) {
          yaml.problem(pos, p + " takes a percentage (0.5%) or a fraction (0.005), got " + shown(v));
          return null;
        }
        if (f < 0 || f > 1) {
          yaml.problem(pos, p + ": " + v + " is out of range: must be between 0% and 100% (a fraction between 0 and 1)");
          return null;
        }
        return f;
      }
      case COUNT -> {
        Double n = YamlReader.seconds(v);
        if (n == null || n < 0 || n != Math.rint(n)) {
          yaml.problem(pos, p + " takes a whole number of writes (0, 10), got " + shown(v));
          return null;
        }
        return n;
      }
      default -> {
        return 0.0;
      }
    }
  }

  private static String shown(String v) {
    return v.isEmpty() ? "nothing" : "'" + v + "'";
  }

  private static SourcePos at(SourcePos start, int offset) {
    return new SourcePos(start.line(), start.column() + offset);
  }
}
