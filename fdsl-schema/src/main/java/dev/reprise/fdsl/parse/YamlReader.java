package dev.reprise.fdsl.parse;

import dev.reprise.fdsl.model.Durations;
import dev.reprise.fdsl.source.InputLimits;
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
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ImplicitTuple;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;
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
    return compose(text, loaderOptions());
  }

  /**
   * The SnakeYAML options every input file is read with: no document larger than
   * {@link #MAX_CODE_POINTS} code points (the file size limit, so a file the size check lets through
   * is never refused by SnakeYAML's own smaller default), merge keys ({@code <<: *defaults}) applied
   * while composing.
   */
  public static LoaderOptions loaderOptions() {
    var options = new LoaderOptions();
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setMergeOnCompose(true);
    return options;
  }

  /** The YAML library's limit on a document, in code points: the file size limit (a code point is at least one byte). */
  public static final int MAX_CODE_POINTS = (int) dev.reprise.fdsl.source.InputLimits.MAX_FILE_BYTES;

  /**
   * {@link #compose(String)} with {@code options}. Explicit tags ({@code !foo}, {@code !!int},
   * {@code !!binary}) are problems at the tag: Reprise reads no tag, and a tag silently ignored would
   * change what a value means without saying so. The tree is still composed (tags dropped) so that
   * every other problem is reported too.
   */
  public Optional<Node> compose(String text, LoaderOptions options) {
    var parser = new TagRefusingParser(new ParserImpl(widened(new StreamReader(new StringReader(text))), options), problems);
    try {
      Node root = new Composer(parser, new Resolver(), options).getSingleNode();
      if (root == null) {
        problems.add(SourcePos.NONE, "the file is empty");
        return Optional.empty();
      }
      return Optional.of(root);
    } catch (MarkedYAMLException e) {
      Mark problemMark = e.getProblemMark();
      Mark contextMark = e.getContextMark();
      String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
      String context = e.getContext();
      if (context != null && context.contains("quoted scalar") && contextMark != null) {
        // an unclosed quote: the error is where the quote opens, not where the scanner gave up
        problems.add(new SourcePos(contextMark.getLine() + 1, contextMark.getColumn() + 1),
            "YAML syntax error: this quoted text is never closed (" + what
                + (problemMark == null ? "" : " at line " + (problemMark.getLine() + 1) + ", column " + (problemMark.getColumn() + 1))
                + "); close the quote");
        return Optional.empty();
      }
      if (what != null && what.startsWith("Expected mapping node or an anchor referencing mapping")) {
        // a merge key whose value is no mapping: SnakeYAML marks where the mapping ends; the parser recorded the value
        if (!parser.mergeProblem) problems.add(problemMark == null ? SourcePos.NONE
            : new SourcePos(problemMark.getLine() + 1, problemMark.getColumn() + 1), MERGE_PROBLEM);
        return Optional.empty();
      }
      Mark mark = problemMark != null ? problemMark : contextMark;
      String contextText = context == null ? ""
          : " (" + context + (contextMark != null && contextMark != mark
              ? " that starts at line " + (contextMark.getLine() + 1) + ", column " + (contextMark.getColumn() + 1) : "") + ")";
      problems.add(mark == null ? SourcePos.NONE : new SourcePos(mark.getLine() + 1, mark.getColumn() + 1),
          "YAML syntax error: " + what + contextText);
      return Optional.empty();
    } catch (YAMLException e) {
      String limit = limitProblem(e.getMessage(), options);
      if (limit != null) {
        // SnakeYAML throws these without a mark, from the node it was composing: the last event it took or peeked
        Mark m = parser.lastMark;
        problems.add(m == null ? SourcePos.NONE : new SourcePos(m.getLine() + 1, m.getColumn() + 1), limit);
        return Optional.empty();
      }
      problems.add(SourcePos.NONE, "YAML syntax error: " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Our message for SnakeYAML's nesting-depth and alias-count limits (thrown without a position),
   * or null when {@code message} is neither.
   */
  static String limitProblem(String message, LoaderOptions options) {
    if (message == null) return null;
    if (message.startsWith("Nesting Depth exceeded")) {
      return "YAML nesting too deep: this collection is nested more than " + options.getNestingDepthLimit()
          + " levels deep, the most a file may nest (" + message + ")";
    }
    if (message.startsWith("Number of aliases for non-scalar nodes exceeds")) {
      return "YAML alias: more than " + options.getMaxAliasesForCollections()
          + " aliases of lists or mappings in one file, the most a file may hold (" + message
          + "); write the values out or repeat less";
    }
    return null;
  }

  /** The characters SnakeYAML's reader takes from the text at a time, widened from its 1,024 ({@link #widened}). */
  static final int READ_CHUNK_CHARS = 1 << 20;

  /**
   * {@code reader} reading {@link #READ_CHUNK_CHARS} characters at a time instead of 1,024. SnakeYAML
   * keeps the unread rest of a token in a window it copies whole on every read, so a token of L
   * characters without a break (a 1 MB mark) cost L²/1,024 copies: 4 GB of copying and seconds for
   * one 1 MB value. With a wide chunk it is read in one or two. The chunk is the reader's private
   * buffer, set by reflection; when that is not possible (another SnakeYAML) the reader is left as
   * it is: slower on such tokens, never different in what it reads.
   */
  static StreamReader widened(StreamReader reader) {
    try {
      var buffer = StreamReader.class.getDeclaredField("buffer");
      if (buffer.getType() != char[].class) return reader;
      buffer.setAccessible(true);
      buffer.set(reader, new char[READ_CHUNK_CHARS + 1]);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // keep SnakeYAML's own chunk
    }
    return reader;
  }

  private static final String MERGE_PROBLEM =
      "YAML merge key '<<' takes a mapping, an alias of one (<<: *defaults) or a list of them";

  /**
   * Passes events through with their tags removed, each explicit tag recorded as a problem at its
   * node; also records a merge key's scalar value at its position (SnakeYAML reports it at the end
   * of the mapping).
   */
  private static final class TagRefusingParser implements Parser {
    private final Parser parser;
    private final Problems problems;
    /** Per open collection: {is a mapping, the next node is a key, the key just read is '<<'}. */
    private final java.util.ArrayDeque<boolean[]> open = new java.util.ArrayDeque<>();
    boolean mergeProblem;
    /** Characters of scalar text (plus one per node) read so far, every alias counted as what it names. */
    private long expanded;
    /** Per anchor: its node's expanded size (the latest definition wins, as in YAML). */
    private final Map<String, Long> anchorSizes = new java.util.HashMap<>();
    /** Per open collection: its anchor (null: none) and {@link #expanded} where it started. */
    private final java.util.ArrayDeque<Object[]> anchored = new java.util.ArrayDeque<>();
    private boolean expansionReported;
    /** The start of the last event handed out or peeked at: where SnakeYAML's composer was when it gave up. */
    Mark lastMark;

    TagRefusingParser(Parser parser, Problems problems) {
      this.parser = parser;
      this.problems = problems;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
      return parser.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
      Event event = parser.peekEvent();
      if (event != null) lastMark = event.getStartMark();
      return untagged(event, false);
    }

    @Override
    public Event getEvent() {
      Event event = parser.getEvent();
      if (event != null) lastMark = event.getStartMark();
      track(event);
      return untagged(event, true);
    }

    /**
     * Counts the document's expanded size ({@link InputLimits#MAX_EXPANDED_CHARS}); the alias that
     * takes it over the limit is a problem at the alias (once).
     */
    private void countExpansion(Event event) {
      if (event instanceof ScalarEvent s) {
        long size = s.getValue().length() + 1L;
        expanded += size;
        if (s.getAnchor() != null) anchorSizes.put(s.getAnchor(), size);
      } else if (event instanceof MappingStartEvent || event instanceof SequenceStartEvent) {
        expanded++;
        anchored.push(new Object[] {((org.yaml.snakeyaml.events.CollectionStartEvent) event).getAnchor(), expanded - 1});
      } else if (event instanceof org.yaml.snakeyaml.events.MappingEndEvent || event instanceof org.yaml.snakeyaml.events.SequenceEndEvent) {
        Object[] open = anchored.poll();
        if (open != null && open[0] != null) anchorSizes.put((String) open[0], expanded - (Long) open[1]);
      } else if (event instanceof org.yaml.snakeyaml.events.AliasEvent a) {
        expanded += anchorSizes.getOrDefault(a.getAnchor(), 1L);
        if (expanded > InputLimits.MAX_EXPANDED_CHARS && !expansionReported) {
          expansionReported = true;
          Mark m = event.getStartMark();
          problems.add(m == null ? SourcePos.NONE : new SourcePos(m.getLine() + 1, m.getColumn() + 1),
              "YAML alias *" + a.getAnchor() + ": with its aliases written out, the file would hold more than "
                  + InputLimits.mib(InputLimits.MAX_EXPANDED_CHARS) + " of text, the most a file may hold;"
                  + " repeat less (or write the values out)");
        }
      }
    }

    private void track(Event event) {
      countExpansion(event);
      boolean node = event instanceof ScalarEvent || event instanceof org.yaml.snakeyaml.events.AliasEvent
          || event instanceof MappingStartEvent || event instanceof SequenceStartEvent;
      if (node && !open.isEmpty() && open.peek()[0]) {
        boolean[] top = open.peek();
        if (top[1]) {
          top[2] = event instanceof ScalarEvent s && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN && "<<".equals(s.getValue());
        } else if (top[2] && event instanceof ScalarEvent) {
          Mark m = event.getStartMark();
          problems.add(m == null ? SourcePos.NONE : new SourcePos(m.getLine() + 1, m.getColumn() + 1), MERGE_PROBLEM);
          mergeProblem = true;
        }
        top[1] = !top[1];
      }
      if (event instanceof MappingStartEvent) open.push(new boolean[] {true, true, false});
      else if (event instanceof SequenceStartEvent) open.push(new boolean[] {false, false, false});
      else if (event instanceof org.yaml.snakeyaml.events.MappingEndEvent || event instanceof org.yaml.snakeyaml.events.SequenceEndEvent) open.pop();
    }

    private Event untagged(Event event, boolean report) {
      String tag = null;
      Event plain = event;
      if (event instanceof ScalarEvent s && s.getTag() != null) {
        tag = s.getTag();
        boolean isPlain = s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
        plain = new ScalarEvent(s.getAnchor(), null, new ImplicitTuple(isPlain, !isPlain), s.getValue(), s.getStartMark(),
            s.getEndMark(), s.getScalarStyle());
      } else if (event instanceof MappingStartEvent m && m.getTag() != null) {
        tag = m.getTag();
        plain = new MappingStartEvent(m.getAnchor(), null, true, m.getStartMark(), m.getEndMark(), m.getFlowStyle());
      } else if (event instanceof SequenceStartEvent q && q.getTag() != null) {
        tag = q.getTag();
        plain = new SequenceStartEvent(q.getAnchor(), null, true, q.getStartMark(), q.getEndMark(), q.getFlowStyle());
      }
      if (tag != null && report) {
        Mark m = event.getStartMark();
        problems.add(m == null ? SourcePos.NONE : new SourcePos(m.getLine() + 1, m.getColumn() + 1),
            "YAML tags are not supported: '" + shortTag(tag) + "' (remove it; write the value plainly, quoted if it must stay text)");
      }
      return plain;
    }

    /** {@code !!int} for the standard tags, as written, else the tag itself. */
    private static String shortTag(String tag) {
      return tag.startsWith(Tag.PREFIX) ? "!!" + tag.substring(Tag.PREFIX.length()) : tag;
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
   * A non-negative point in time or duration in milliseconds, at most
   * {@link InputLimits#MAX_MILLIS} (30 days): a number of seconds ({@code 10}, {@code 1.5}) or a
   * string with units ({@code 90s}, {@code 1m30s}, {@code 250ms}). NaN and infinities are refused.
   */
  public Optional<Long> millis(Node node, String path) {
    if (node instanceof ScalarNode s) {
      String v = s.getValue().strip();
      if (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT) || s.getTag().equals(Tag.STR)) {
        Double seconds = seconds(v);
        if (seconds != null) {
          if (seconds < 0) {
            problems.add(pos(node), path + ": must be >= 0, got " + v);
            return Optional.empty();
          }
          if (seconds * 1000 > InputLimits.MAX_MILLIS) {
            problems.add(pos(node), path + ": " + v + " seconds is more than " + Durations.format(InputLimits.MAX_MILLIS)
                + " (30 days), the longest time a scenario may name");
            return Optional.empty();
          }
          return Optional.of(Math.round(seconds * 1000));
        }
        if (s.getTag().equals(Tag.STR) && !isNumberLike(v)) {
          try {
            long millis = Durations.parse(v);
            if (millis > InputLimits.MAX_MILLIS) {
              problems.add(pos(node), path + ": " + v + " is more than " + Durations.format(InputLimits.MAX_MILLIS)
                  + " (30 days), the longest time a scenario may name");
              return Optional.empty();
            }
            return Optional.of(millis);
          } catch (IllegalArgumentException e) {
            problems.add(pos(node), path + ": " + e.getMessage());
            return Optional.empty();
          }
        }
      }
    }
    problems.add(pos(node), path + ": expected seconds (10, 1.5) or a duration (90s, 1m30s, 250ms), got " + describe(node));
    return Optional.empty();
  }

  private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

  /**
   * {@code text} as a finite decimal number ({@code 10}, {@code 1.5}, {@code 1e3}, underscores
   * allowed), or null: NaN, infinities, hexadecimal and Java's {@code 10d}/{@code 10f} are not numbers here.
   */
  public static Double seconds(String text) {
    String t = text.replace("_", "");
    if (!DECIMAL.matcher(t).matches()) return null;
    double v = Double.parseDouble(t);
    return Double.isFinite(v) ? v : null;
  }

  /** NaN, infinity, or a decimal too large to be finite: a number, but not one any field takes. */
  private static boolean isNumberLike(String text) {
    String t = text.replace("_", "").toLowerCase(Locale.ROOT);
    return DECIMAL.matcher(t).matches() || t.matches("[-+]?\\.?(nan|inf|infinity)");
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
