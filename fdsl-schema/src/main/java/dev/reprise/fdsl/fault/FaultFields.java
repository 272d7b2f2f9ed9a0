package dev.reprise.fdsl.fault;

import dev.reprise.fdsl.model.PeerIds;
import dev.reprise.fdsl.model.Quantities;
import dev.reprise.fdsl.model.Target;
import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.parse.YamlReader;
import dev.reprise.fdsl.source.InputLimits;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.fdsl.source.Suggestions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The fields of one fault type's mapping, read the way every parameter of the fault types is read:
 * each read that fails records a problem at the value ({@code FILE:LINE:COL}, naming the YAML path)
 * and gives null, and {@link #ok()} turns false, so a parser reads every field and reports every
 * problem at once. Optional fields absent give null without a problem. Not thread-safe; one per parse.
 */
final class FaultFields {
  private final YamlReader yaml;
  private final Map<String, YamlReader.Entry> entries;
  private final Node node;
  private final String path;
  private boolean ok = true;

  private FaultFields(YamlReader yaml, Map<String, YamlReader.Entry> entries, Node node, String path) {
    this.yaml = yaml;
    this.entries = entries;
    this.node = node;
    this.path = path;
  }

  /** The mapping {@code node} with only {@code keys} allowed (others are problems, with a suggestion); empty when not a mapping. */
  static Optional<FaultFields> of(YamlReader yaml, Node node, String path, List<String> keys) {
    var m = yaml.mapping(node, path);
    if (m.isEmpty()) return Optional.empty();
    var fields = new FaultFields(yaml, m.get(), node, path);
    yaml.rejectUnknownKeys(m.get(), path, keys);
    if (m.get().keySet().stream().anyMatch(k -> !keys.contains(k))) fields.ok = false;
    return Optional.of(fields);
  }

  /** The reader the fields record their problems through. */
  YamlReader yaml() {
    return yaml;
  }

  /** Marks the fields invalid: a nested read recorded its problem. */
  void invalid() {
    ok = false;
  }

  /** Whether no read so far recorded a problem (nor did an unknown key). */
  boolean ok() {
    return ok;
  }

  boolean has(String key) {
    return entries.containsKey(key);
  }

  /** Where the mapping is written. */
  SourcePos pos() {
    return YamlReader.pos(node);
  }

  String path(String key) {
    return path + "." + key;
  }

  Node value(String key) {
    return entries.get(key).value();
  }

  /** Records a problem at {@code at}, about {@code key} (or the mapping itself when null). */
  void problem(Node at, String key, String message) {
    yaml.problem(YamlReader.pos(at), (key == null ? path : path(key)) + ": " + message);
    ok = false;
  }

  /** Records a problem at the mapping: a field is missing, or fields contradict each other. */
  void problem(String message) {
    yaml.problem(pos(), path + ": " + message);
    ok = false;
  }

  /** A value that is missing: a problem at the mapping, {@code "missing 'key' (what)"}. */
  void missing(String key, String what) {
    problem("missing '" + key + "' (" + what + ")");
  }

  /** {@code duration}, &gt; 0, required: seconds or a duration with units. */
  Long duration() {
    if (!has("duration")) {
      missing("duration", "seconds, or a duration such as 30s");
      return null;
    }
    return millis(value("duration"), path("duration"), true);
  }

  /** Milliseconds at {@code n}: seconds or a duration with units; &gt; 0 when {@code positive}, else &ge; 0. */
  Long millis(Node n, String at, boolean positive) {
    var v = yaml.millis(n, at);
    if (v.isEmpty()) {
      ok = false;
      return null;
    }
    if (positive && v.get() <= 0) {
      yaml.problem(YamlReader.pos(n), at + ": must be > 0");
      ok = false;
      return null;
    }
    return v.get();
  }

  /** Microseconds at {@code n}: a duration with units ({@code 50ms}, {@code 1.5ms}, {@code 250us}) or seconds; &gt; 0 when {@code positive}. */
  Long micros(Node n, String at, boolean positive) {
    Long v = null;
    if (n instanceof ScalarNode s && (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT) || s.getTag().equals(Tag.STR))) {
      String text = s.getValue().strip();
      Double seconds = YamlReader.seconds(text);
      if (seconds != null) {
        if (seconds < 0) return fail(n, at, "must be >= 0, got " + text);
        if (seconds * 1000 > InputLimits.MAX_MILLIS) return fail(n, at, text + " seconds is more than 720h (30 days), the longest time a scenario may name");
        v = Math.round(seconds * 1_000_000);
      } else if (s.getTag().equals(Tag.STR)) {
        try {
          v = Quantities.parseMicros(text);
        } catch (IllegalArgumentException e) {
          return fail(n, at, e.getMessage());
        }
        if (v > InputLimits.MAX_MILLIS * 1000) return fail(n, at, text + " is more than 720h (30 days), the longest time a scenario may name");
      }
    }
    if (v == null) return fail(n, at, "expected a duration (50ms, 1.5ms, 250us) or seconds, got " + YamlReader.describe(n));
    if (positive && v <= 0) return fail(n, at, "must be > 0");
    return v;
  }

  /**
   * A percentage at {@code n}: {@code 10%}, {@code 0.5%}, or a number; in [0, 100], and &gt; 0
   * unless {@code zeroAllowed}.
   */
  Double percent(Node n, String at, boolean zeroAllowed) {
    if (!(n instanceof ScalarNode s) || !(s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT) || s.getTag().equals(Tag.STR))) {
      return fail(n, at, "expected a percentage (10%, 0.5%, 10), got " + YamlReader.describe(n));
    }
    double v;
    try {
      v = Quantities.parsePercent(s.getValue());
    } catch (IllegalArgumentException e) {
      return fail(n, at, e.getMessage());
    }
    if (v > 100 || v < 0 || (!zeroAllowed && v == 0)) {
      return fail(n, at, Quantities.formatPercent(v) + "% is out of range: must be " + (zeroAllowed ? "between 0 and 100" : "> 0 and at most 100"));
    }
    return v;
  }

  /** A size in bytes at {@code n}, &gt; 0: a number with a unit (512MiB, 1GiB, 1GB) or a bare number of MiB. */
  Long bytes(Node n, String at) {
    String text = scalarText(n);
    if (text == null) return fail(n, at, "expected a size (512MiB, 1GiB, 64KiB, 1GB) or a number of MiB, got " + YamlReader.describe(n));
    long v;
    try {
      v = Quantities.parseBytes(text, "MiB");
    } catch (IllegalArgumentException e) {
      return fail(n, at, e.getMessage());
    }
    if (v > InputLimits.MAX_BYTES) return fail(n, at, text + " is more than 1PiB, the largest size a scenario may name");
    return v > 0 ? Long.valueOf(v) : fail(n, at, "must be > 0");
  }

  /** A byte rate at {@code n}, &gt; 0: {@code 64MiB/s}, or a bare number of MiB/s. */
  Long bytesPerSecond(Node n, String at) {
    String text = scalarText(n);
    if (text == null) return fail(n, at, "expected a rate (64MiB/s, 1GiB/s) or a number of MiB/s, got " + YamlReader.describe(n));
    long v;
    try {
      v = Quantities.parseBytesPerSecond(text);
    } catch (IllegalArgumentException e) {
      return fail(n, at, e.getMessage());
    }
    if (v > InputLimits.MAX_BYTES) return fail(n, at, text + " is more than 1PiB/s, the largest rate a scenario may name");
    return v > 0 ? Long.valueOf(v) : fail(n, at, "must be > 0");
  }

  /** A bandwidth in bits per second at {@code n}, &gt; 0, in tc's units (1mbit, 500kbit, 10mbps). */
  Long bitsPerSecond(Node n, String at) {
    String text = scalarText(n);
    if (text == null) return fail(n, at, "expected a bandwidth (1mbit, 500kbit, 10mbps), got " + YamlReader.describe(n));
    long v;
    try {
      v = Quantities.parseBitsPerSecond(text);
    } catch (IllegalArgumentException e) {
      return fail(n, at, e.getMessage());
    }
    if (v > InputLimits.MAX_BITS_PER_SECOND) return fail(n, at, text + " is more than 1000tbit, the largest bandwidth a scenario may name");
    return v > 0 ? Long.valueOf(v) : fail(n, at, "must be > 0");
  }

  /** An integer in [min, max] at {@code n}. */
  Integer integer(Node n, String at, int min, int max) {
    var v = yaml.integer(n, at, min, max);
    if (v.isEmpty()) ok = false;
    return v.map(Long::intValue).orElse(null);
  }

  /** {@code key}'s absolute path inside the container, required. */
  String absolutePath(String key, String what) {
    if (!has(key)) {
      missing(key, what);
      return null;
    }
    Node n = value(key);
    var v = yaml.string(n, path(key));
    if (v.isEmpty()) {
      ok = false;
      return null;
    }
    String p = v.get().strip();
    if (!p.startsWith("/")) return fail(n, path(key), "'" + v.get() + "' must be an absolute path inside the container (starting with /)");
    if (p.contains("\0") || List.of(p.split("/")).contains("..")) return fail(n, path(key), "'" + v.get() + "' must not contain '..'");
    return p;
  }

  /** One of {@code words} (word → value) at {@code n}, with a suggestion for a likely typo. */
  <E> E word(Node n, String at, Map<String, E> words) {
    var v = yaml.string(n, at);
    if (v.isEmpty()) {
      ok = false;
      return null;
    }
    E e = words.get(v.get().strip());
    if (e != null) return e;
    return fail(n, at, "unknown value '" + v.get() + "'" + Suggestions.closest(v.get().strip(), words.keySet())
        .map(s -> " (did you mean '" + s + "'?)").orElse(" (expected one of: " + String.join(", ", words.keySet()) + ")"));
  }

  /**
   * A list of distinct integers in [min, max] at {@code n}, not empty; {@code what} names an item in messages.
   * Fills {@code positions} with each item's position when not null.
   */
  List<Integer> distinctIntegers(Node n, String at, int min, int max, String what, List<SourcePos> positions) {
    var items = yaml.sequence(n, at);
    if (items.isEmpty()) {
      ok = false;
      return null;
    }
    if (items.get().isEmpty()) return fail(n, at, "empty list; name at least one " + what);
    var out = new ArrayList<Integer>();
    boolean good = true;
    for (int i = 0; i < items.get().size(); i++) {
      Node item = items.get().get(i);
      var v = integer(item, at + "[" + i + "]", min, max);
      if (v == null) {
        good = false;
      } else if (out.contains(v)) {
        fail(item, at + "[" + i + "]", what + " " + v + " is listed twice");
        good = false;
      } else {
        out.add(v);
        if (positions != null) positions.add(YamlReader.pos(item));
      }
    }
    return good ? out : null;
  }

  /**
   * Containers named by service, at {@code key}: a mapping FDSL service → {@code all} or a list of
   * FDSL IDs, not empty. Fills {@code group} with each service's target for the planner
   * ({@link Target.All} or {@link Target.Specific}). Services are checked against the compose file
   * when {@code context} knows it; the planner checks them against the scenario.
   */
  Map<String, PeerIds> containersByService(String key, ParseContext context, boolean allExceptFaultTargets, Map<String, Target> group) {
    Node n = value(key);
    String at = path(key);
    var m = yaml.mapping(n, at);
    if (m.isEmpty()) {
      ok = false;
      return null;
    }
    if (m.get().isEmpty()) return fail(n, at, "empty; name at least one service with 'all' or a list of container IDs");
    var out = new LinkedHashMap<String, PeerIds>();
    boolean good = true;
    for (var e : m.get().values()) {
      String service = e.key();
      String sAt = at + "." + service;
      Collection<String> compose = context.composeServices();
      if (compose != null && !compose.contains(service)) {
        yaml.problem(e.keyPos(), sAt + ": service '" + service + "' is not in the compose file"
            + Suggestions.closest(service, compose).map(s -> " (did you mean '" + s + "'?)")
                .orElse(compose.isEmpty() ? " (it defines no services)" : " (it defines: " + String.join(", ", compose) + ")"));
        ok = false;
        good = false;
        continue;
      }
      Node v = e.value();
      if (v instanceof ScalarNode s && !YamlReader.isNull(v)) {
        if (s.getValue().strip().equals("all")) {
          out.put(service, PeerIds.ALL);
          group.put(service, new Target.All(allExceptFaultTargets, YamlReader.pos(v), sAt));
        } else {
          fail(v, sAt, "expected 'all' or a list of container IDs, got " + YamlReader.describe(v)
              + (Suggestions.closest(s.getValue().strip(), List.of("all")).isPresent() ? " (did you mean 'all'?)" : ""));
          good = false;
        }
        continue;
      }
      if (!(v instanceof org.yaml.snakeyaml.nodes.SequenceNode)) {
        fail(v, sAt, "expected 'all' or a list of container IDs, got " + YamlReader.describe(v));
        good = false;
        continue;
      }
      var positions = new ArrayList<SourcePos>();
      var ids = distinctIntegers(v, sAt, 0, InputLimits.MAX_CONTAINER_ID, "container", positions);
      if (ids == null) {
        good = false;
        continue;
      }
      out.put(service, PeerIds.of(ids));
      group.put(service, new Target.Specific(ids, positions, YamlReader.pos(v), sAt));
    }
    return good ? out : null;
  }

  private <T> T fail(Node n, String at, String message) {
    yaml.problem(YamlReader.pos(n), at + ": " + message);
    ok = false;
    return null;
  }

  /** The text of a number or string scalar, or null. */
  private static String scalarText(Node n) {
    if (n instanceof ScalarNode s && (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT) || s.getTag().equals(Tag.STR))) {
      return s.getValue().strip();
    }
    return null;
  }
}
