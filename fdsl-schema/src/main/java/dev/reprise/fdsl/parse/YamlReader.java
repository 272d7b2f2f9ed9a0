package dev.reprise.fdsl.parse;

import dev.reprise.fdsl.model.Durations;
import dev.reprise.fdsl.source.Problems;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.fdsl.source.Suggestions;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Typed, position-aware reads of a SnakeYAML node tree. Every read that fails records a problem
 * naming the YAML path and returns empty, so a parser keeps going and reports everything at once.
 * Scalars are resolved the YAML 1.1 way (as SnakeYAML does): {@code yes}/{@code no} are booleans
 * unless quoted. Not thread-safe; one per parse.
 */
public final class YamlReader {
  private final Problems problems;

  public YamlReader(Problems problems) {
    this.problems = problems;
  }

  /** One key of a mapping: the key's position and its value node. */
  public record Entry(String key, SourcePos keyPos, Node value) {}

  /**
   * Composes {@code text} into a node tree; a syntax error is recorded at its position and gives
   * empty. An empty document gives empty with a problem at 1:1.
   */
  public Optional<Node> compose(String text) {
    try {
      Node root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
      if (root == null) {
        problems.add(SourcePos.NONE, "the file is empty");
        return Optional.empty();
      }
      return Optional.of(root);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
      Mark contextMark = e.getContextMark();
      String context = e.getContext() == null ? ""
          : " (" + e.getContext() + (contextMark != null && contextMark != mark
              ? " that starts at line " + (contextMark.getLine() + 1) + ", column " + (contextMark.getColumn() + 1) : "") + ")";
      problems.add(mark == null ? SourcePos.NONE : new SourcePos(mark.getLine() + 1, mark.getColumn() + 1),
          "YAML syntax error: " + what + context);
      return Optional.empty();
    } catch (YAMLException e) {
      problems.add(SourcePos.NONE, "YAML syntax error: " + e.getMessage());
      return Optional.empty();
    }
  }

  public static SourcePos pos(Node node) {
    Mark m = node.getStartMark();
    return m == null ? SourcePos.NONE : new SourcePos(m.getLine() + 1, m.getColumn() + 1);
  }

  public static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  /**
   * The entries of a mapping in file order; a duplicate key, a non-scalar key or a value that is
   * not a mapping is a problem. Empty when {@code node} is not a mapping.
   */
  public Optional<Map<String, Entry>> mapping(Node node, String path) {
    if (!(node instanceof MappingNode m)) {
      problems.add(pos(node), path + ": expected a mapping (key: value lines), got " + describe(node));
      return Optional.empty();
    }
    var entries = new LinkedHashMap<String, Entry>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        problems.add(pos(t.getKeyNode()), path + ": keys must be plain names");
        continue;
      }
      String key = k.getValue();
      if (entries.containsKey(key)) {
        problems.add(pos(k), path + "." + key + ": duplicate key (first written at line " + entries.get(key).keyPos().line() + ")");
        continue;
      }
      entries.put(key, new Entry(key, pos(k), t.getValueNode()));
    }
    return Optional.of(entries);
  }

  /** Records a problem for every key not in {@code allowed}, with a suggestion for likely typos. */
  public void rejectUnknownKeys(Map<String, Entry> entries, String path, Collection<String> allowed) {
    for (Entry e : entries.values()) {
      if (!allowed.contains(e.key())) {
        problems.add(e.keyPos(), join(path, e.key()) + ": unknown key '" + e.key() + "'"
            + Suggestions.closest(e.key(), allowed).map(s -> " (did you mean '" + s + "'?)")
                .orElse(" (expected one of: " + String.join(", ", allowed) + ")"));
      }
    }
  }

  /** The items of a sequence; empty (with a problem) when {@code node} is not a sequence. */
  public Optional<List<Node>> sequence(Node node, String path) {
    if (!(node instanceof SequenceNode s)) {
      problems.add(pos(node), path + ": expected a list (lines starting with '- '), got " + describe(node));
      return Optional.empty();
    }
    return Optional.of(s.getValue());
  }

  /** An integer in {@code [min, max]}; plain YAML integers and strings holding one are accepted. */
  public Optional<Long> integer(Node node, String path, long min, long max) {
    Optional<Long> value = Optional.empty();
    if (node instanceof ScalarNode s && (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.STR))) {
      try {
        value = Optional.of(Long.parseLong(s.getValue().strip().replace("_", "")));
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    if (value.isEmpty()) {
      problems.add(pos(node), path + ": expected an integer, got " + describe(node));
      return Optional.empty();
    }
    long v = value.get();
    if (v < min || v > max) {
      problems.add(pos(node), path + ": " + v + " is out of range: " + range(min, max));
      return Optional.empty();
    }
    return value;
  }

  /**
   * A non-negative point in time or duration in milliseconds: a number of seconds ({@code 10},
   * {@code 1.5}) or a string with units ({@code 90s}, {@code 1m30s}, {@code 250ms}).
   */
  public Optional<Long> millis(Node node, String path) {
    if (node instanceof ScalarNode s) {
      String v = s.getValue().strip();
      if (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT) || s.getTag().equals(Tag.STR)) {
        try {
          double seconds = Double.parseDouble(v.replace("_", ""));
          if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            problems.add(pos(node), path + ": must be >= 0, got " + v);
            return Optional.empty();
          }
          return Optional.of(Math.round(seconds * 1000));
        } catch (NumberFormatException notANumber) {
          if (s.getTag().equals(Tag.STR)) {
            try {
              return Optional.of(Durations.parse(v));
            } catch (IllegalArgumentException e) {
              problems.add(pos(node), path + ": " + e.getMessage());
              return Optional.empty();
            }
          }
        }
      }
    }
    problems.add(pos(node), path + ": expected seconds (10, 1.5) or a duration (90s, 1m30s, 250ms), got " + describe(node));
    return Optional.empty();
  }

  /** A yes/no flag: a YAML boolean, or the strings yes/no/true/false in any case (FaultSee quotes them). */
  public Optional<Boolean> yesNo(Node node, String path) {
    if (node instanceof ScalarNode s && (s.getTag().equals(Tag.BOOL) || s.getTag().equals(Tag.STR))) {
      switch (s.getValue().strip().toLowerCase(Locale.ROOT)) {
        case "yes", "true", "y", "on" -> { return Optional.of(true); }
        case "no", "false", "n", "off" -> { return Optional.of(false); }
        default -> { }
      }
    }
    problems.add(pos(node), path + ": expected yes or no, got " + describe(node));
    return Optional.empty();
  }

  /** Any non-null scalar as text (numbers and booleans as written). */
  public Optional<String> string(Node node, String path) {
    if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
      return Optional.of(s.getValue());
    }
    problems.add(pos(node), path + ": expected a text value, got " + describe(node));
    return Optional.empty();
  }

  /** A list of scalars as text; a single scalar is not accepted (lists keep argument order explicit). */
  public Optional<List<String>> stringList(Node node, String path) {
    if (isNull(node)) return Optional.of(List.of());
    var items = sequence(node, path);
    if (items.isEmpty()) return Optional.empty();
    var out = new ArrayList<String>();
    boolean ok = true;
    for (int i = 0; i < items.get().size(); i++) {
      var s = string(items.get().get(i), path + "[" + i + "]");
      if (s.isPresent()) out.add(s.get()); else ok = false;
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  /** Records a problem at {@code pos}. */
  public void problem(SourcePos pos, String message) {
    problems.add(pos, message);
  }

  /** How a node looks, for messages: {@code 'abc'}, {@code a list}, {@code a mapping}, {@code nothing}. */
  public static String describe(Node node) {
    if (node instanceof ScalarNode s) {
      if (s.getTag().equals(Tag.NULL)) return "nothing";
      return "'" + s.getValue() + "'";
    }
    if (node instanceof SequenceNode) return "a list";
    if (node instanceof MappingNode) return "a mapping";
    return "an unsupported YAML node";
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String range(long min, long max) {
    if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) return "must be >= " + min;
    return "must be between " + min + " and " + max;
  }
}
