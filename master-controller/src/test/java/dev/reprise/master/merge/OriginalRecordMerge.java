package dev.reprise.master.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import dev.reprise.master.merge.RecordMerge.Result;
import dev.reprise.master.merge.RecordMerge.Source;

/**
 * A frozen copy of {@code RecordMerge} as it was before issue 18 (Jackson tree per line): the oracle
 * the byte-level merge is compared against in tests and benchmarks. Do not change.
 *
 * <p>Original contract:
 * Streaming k-way merge of per-host JSON-lines record files into one chronological file, every
 * record tagged with its host ({@code host} is added when a record has none; an existing one is
 * kept). Memory is constant in the length of the files: each source holds at most {@link #WINDOW}
 * lines of look-ahead, which also absorbs small local disorder (the agent appends timeline records
 * in completion order, not fire order). Order key: the first of {@code time}, {@code actual},
 * {@code planned}, {@code created} a record has (records with none sort first, in file order).
 * Ties keep the order of the sources as given, then the order within a file (stable). Lines that are
 * not JSON objects are counted and dropped. Not thread-safe; one merge per call.
 */
final class OriginalRecordMerge {
  /** Look-ahead lines per source. */
  public static final int WINDOW = 256;
  private static final List<String> KEYS = List.of("time", "actual", "planned", "created");
  private static final ObjectMapper JSON = new ObjectMapper();

  private OriginalRecordMerge() {}

  private record Line(Instant key, int source, long seq, String text) {}

  private static final Comparator<Line> ORDER = Comparator.comparing(Line::key)
      .thenComparingInt(Line::source).thenComparingLong(Line::seq);

  /** Reads one source lazily, keeping a window of look-ahead lines sorted. */
  private static final class Cursor implements AutoCloseable {
    final int index;
    final String host;
    final BufferedReader reader;
    final PriorityQueue<Line> window = new PriorityQueue<>(ORDER);
    long seq;
    long garbled;
    boolean eof;
    Instant lastOut = Instant.MIN;

    Cursor(int index, Source s) throws IOException {
      this.index = index;
      this.host = s.host();
      this.reader = Files.newBufferedReader(s.file(), StandardCharsets.UTF_8);
      fill();
    }

    void fill() throws IOException {
      while (!eof && window.size() < WINDOW) {
        String raw = reader.readLine();
        if (raw == null) {
          eof = true;
          break;
        }
        if (raw.isBlank()) continue;
        JsonNode node;
        try {
          node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
          garbled++;
          continue;
        }
        if (!(node instanceof ObjectNode obj)) {
          garbled++;
          continue;
        }
        String text = raw;
        JsonNode h = obj.get("host");
        if (h == null || h.isNull()) {
          obj.put("host", host);
          text = JSON.writeValueAsString(obj);
        }
        window.add(new Line(key(obj), index, seq++, text));
      }
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  static Instant key(ObjectNode obj) {
    for (String k : KEYS) {
      JsonNode v = obj.get(k);
      if (v != null && v.isTextual()) {
        try {
          return Instant.parse(v.asText());
        } catch (DateTimeParseException ignored) {
          // try the next field
        }
      }
    }
    return Instant.MIN;
  }

  /** Merges {@code sources} into {@code out} (one line each, {@code \n}); does not close {@code out}. */
  public static Result merge(List<Source> sources, Writer out) throws IOException {
    var cursors = new ArrayList<Cursor>();
    try {
      for (int i = 0; i < sources.size(); i++) cursors.add(new Cursor(i, sources.get(i)));
      var heads = new PriorityQueue<Cursor>(Comparator.comparing((Cursor c) -> c.window.peek(), ORDER));
      for (var c : cursors) if (!c.window.isEmpty()) heads.add(c);
      long written = 0;
      long late = 0;
      while (!heads.isEmpty()) {
        var c = heads.poll();
        var line = c.window.poll();
        if (line.key().isBefore(c.lastOut)) late++;
        else c.lastOut = line.key();
        out.write(line.text());
        out.write('\n');
        written++;
        c.fill();
        if (!c.window.isEmpty()) heads.add(c);
      }
      long garbled = 0;
      for (var c : cursors) garbled += c.garbled;
      return new Result(written, garbled, late);
    } finally {
      for (var c : cursors) c.close();
    }
  }

  /** Merges into {@code target} (parents created, replaced atomically when done). */
  public static Result mergeTo(List<Source> sources, Path target) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".part");
    Result r;
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      r = merge(sources, w);
    }
    Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return r;
  }
}
