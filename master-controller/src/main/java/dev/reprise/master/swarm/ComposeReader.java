package dev.reprise.master.swarm;

import dev.reprise.fdsl.Diagnostic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One translation's reading of a compose file's YAML nodes: typed values with their positions, YAML
 * merge keys applied, {@code ${VAR}} interpolated, and every error and warning collected (never
 * thrown) so that all problems are reported at once. One instance per translation, used by one thread;
 * {@link ComposeNetworks}, {@link ComposeVolumes} and {@link ComposeServices} read through it.
 */
final class ComposeReader {
  /** A mapping entry: the key's node (for positions) and the value's. */
  record Entry(Node key, Node value) {}

  final Path file;
  private final ComposeInterpolation interpolation;
  final List<Diagnostic> errors = new ArrayList<>();
  final List<Diagnostic> warnings = new ArrayList<>();
  private final Set<String> warned = new LinkedHashSet<>();

  ComposeReader(Path file, ComposeInterpolation interpolation) {
    this.file = file;
    this.interpolation = interpolation;
  }

  /** The variables the compose file is interpolated from (also the source of value-less {@code environment} keys). */
  Map<String, String> environment() {
    return interpolation.environment();
  }

  void error(Node at, String message) {
    Mark m = at.getStartMark();
    errors.add(new Diagnostic(file, m.getLine() + 1, m.getColumn() + 1, message));
  }

  /** A warning, given once per {@code keyPath} (the first occurrence's position) however often the key appears. */
  void warnOnce(String keyPath, Node at, String message) {
    if (!warned.add(keyPath)) return;
    Mark m = at.getStartMark();
    warnings.add(new Diagnostic(file, m.getLine() + 1, m.getColumn() + 1, "warning: " + message));
  }

  /**
   * A top-level section such as {@code networks:} or {@code volumes:}: each of its keys read by
   * {@code one} (given the key and its value; a null result is left out, its problem reported by
   * {@code one}), in the file's order. A missing or null section is empty; one that is not a mapping
   * is an error ("SECTION: expected a mapping of THING name to THING").
   */
  <T> LinkedHashMap<String, T> topLevel(Entry section, String name, String thing, BiFunction<String, Node, T> one) {
    var out = new LinkedHashMap<String, T>();
    if (section == null || isNull(section.value())) return out;
    if (!(section.value() instanceof MappingNode map)) {
      error(section.value(), name + ": expected a mapping of " + thing + " name to " + thing);
      return out;
    }
    entries(map).forEach((key, e) -> {
      T t = one.apply(key, e.value());
      if (t != null) out.put(key, t);
    });
    return out;
  }

  /** A mapping's entries by key, with YAML merge keys ({@code <<: *anchor}) applied. */
  Map<String, Entry> entries(MappingNode map) {
    var out = new LinkedHashMap<String, Entry>();
    var merged = new LinkedHashMap<String, Entry>();
    for (NodeTuple t : map.getValue()) {
      Node k = t.getKeyNode();
      String key = k instanceof ScalarNode s ? s.getValue() : String.valueOf(k);
      if (Tag.MERGE.equals(k.getTag()) || "<<".equals(key)) {
        Node v = t.getValueNode();
        List<Node> sources = v instanceof SequenceNode seq ? seq.getValue() : List.of(v);
        for (Node src : sources) {
          if (src instanceof MappingNode m) entries(m).forEach(merged::putIfAbsent);
        }
      } else {
        out.put(key, new Entry(k, t.getValueNode()));
      }
    }
    merged.forEach(out::putIfAbsent);
    return out;
  }

  /** A scalar's text, interpolated; null for YAML null; an error (and null) for a non-scalar. */
  String scalar(Node n, String path) {
    if (n instanceof ScalarNode s) {
      if (Tag.NULL.equals(s.getTag())) return null;
      return interpolation.interpolate(s.getValue(), n, path, this);
    }
    error(n, path + ": expected a single value");
    return null;
  }

  /** The scalar of {@code key} in {@code e}, or null when the key is absent. */
  String optionalScalar(Map<String, Entry> e, String key, String path) {
    return e.containsKey(key) ? scalar(e.get(key).value(), path) : null;
  }

  /** Whether {@code key} is present in {@code e} and true. */
  boolean flag(Map<String, Entry> e, String key, String path) {
    return e.containsKey(key) && Boolean.TRUE.equals(bool(e.get(key).value(), path));
  }

  Boolean bool(Node n, String path) {
    String s = scalar(n, path);
    if (s == null) return null;
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> {
        error(n, path + ": expected true or false, got '" + s + "'");
        yield null;
      }
    };
  }

  List<Node> sequence(Node n, String path) {
    if (n instanceof SequenceNode seq) return seq.getValue();
    error(n, path + ": expected a list");
    return List.of();
  }

  /** A list of strings; a single string is split like a shell would (compose's command/entrypoint). */
  List<String> words(Node n, String path) {
    if (n instanceof ScalarNode) {
      String s = scalar(n, path);
      if (s == null) return null;
      try {
        return ComposeValues.shellWords(s);
      } catch (IllegalArgumentException e) {
        error(n, path + ": " + e.getMessage());
        return null;
      }
    }
    var out = new ArrayList<String>();
    for (Node item : sequence(n, path)) {
      String s = scalar(item, path);
      if (s != null) out.add(s);
    }
    return out;
  }

  /** {@code KEY: value} mapping or {@code KEY=value} list, in order; value null when absent. */
  LinkedHashMap<String, String> keyValues(Node n, String path) {
    var out = new LinkedHashMap<String, String>();
    if (n instanceof MappingNode map) {
      entries(map).forEach((k, e) -> out.put(k, scalar(e.value(), path + "." + k)));
    } else if (n instanceof SequenceNode) {
      for (Node item : sequence(n, path)) {
        String s = scalar(item, path);
        if (s == null) continue;
        int eq = s.indexOf('=');
        if (eq < 0) out.put(s, null); else out.put(s.substring(0, eq), s.substring(eq + 1));
      }
    } else if (!isNull(n)) {
      error(n, path + ": expected a mapping or a list of KEY=value");
    }
    return out;
  }

  /** {@link #keyValues} with absent values as empty strings (labels, driver options). */
  LinkedHashMap<String, String> labels(Node n, String path) {
    var out = keyValues(n, path);
    out.replaceAll((k, v) -> v == null ? "" : v);
    return out;
  }

  static boolean isNull(Node n) {
    return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }
}
