package dev.reprise.master.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streaming k-way merge of per-host JSON-lines record files into one chronological file, every
 * record tagged with its host ({@code host} is added when a record has none; an existing one is
 * kept). Memory is constant in the length of the files: each source holds at most {@link #WINDOW}
 * lines of look-ahead, which also absorbs small local disorder (the agent appends timeline records
 * in completion order, not fire order). Order key: the first of {@code time}, {@code actual},
 * {@code planned}, {@code created} a record has (records with none sort first, in file order).
 * Ties keep the order of the sources as given, then the order within a file (stable). Lines that are
 * not JSON objects are counted and dropped. Not thread-safe; one merge per call.
 *
 * <p>Output, counts and order are those of a merge that parses every line into a Jackson tree and
 * writes it back when it adds the host ({@code RecordMergeGoldenTest} holds it to that): lines end at
 * {@code \n}, {@code \r} or {@code \r\n}; blank lines are skipped; a line is garbled when Jackson
 * would not read it as an object; a line that gets a host is written as Jackson writes its tree
 * (compact, last of duplicate keys); one that has a host is written as read. The input must be
 * UTF-8: a malformed byte fails the merge ({@link java.nio.charset.MalformedInputException}).
 *
 * <p>How: lines are read as bytes and scanned once by {@link LineScan}, which checks the JSON
 * grammar, finds the top-level order keys and {@code host}, and tells whether the line is already
 * in Jackson's compact form; the host tag is then spliced in as bytes and the instant read from its
 * digits. Only lines the scan cannot vouch for (not starting with {@code {}, escapes or number forms
 * Jackson would rewrite, odd instants, ...) take the Jackson path, one line at a time.
 */
public final class RecordMerge {
  /** Look-ahead lines per source. */
  public static final int WINDOW = 256;
  private static final List<String> KEYS = List.of("time", "actual", "planned", "created");
  /** Jackson, loaded only when a line needs it (most merges never do). */
  private static final class Jackson {
    static final ObjectMapper JSON = new ObjectMapper();
  }
  private static final int READ_BUFFER = 1 << 18;
  private static final int WRITE_BUFFER = 1 << 18;

  /** One host's file of one kind. */
  public record Source(String host, Path file) {}

  /**
   * What a merge wrote.
   *
   * @param records lines written
   * @param garbled lines dropped because they were not JSON objects
   * @param outOfOrder records older than one already written from the same source (disorder beyond the window); written anyway
   */
  public record Result(long records, long garbled, long outOfOrder) {}

  private RecordMerge() {}

  /** Where merged lines go: bytes (the file) or text (a {@link Writer}). */
  private interface Sink {
    /** Writes {@code b[0, len)} with {@code tag} replacing {@code b[at, at + skip)} (none when at < 0), then {@code \n}. */
    void line(byte[] b, int len, int at, int skip, byte[] tag) throws IOException;

    /** Writes {@code text} then {@code \n} (a line the Jackson path produced). */
    void line(String text) throws IOException;

    void flush() throws IOException;
  }

  private static final class ByteSink implements Sink {
    private final OutputStream out;
    private final byte[] buf = new byte[WRITE_BUFFER];
    private int n;

    ByteSink(OutputStream out) {
      this.out = out;
    }

    private void put(byte[] b, int off, int len) throws IOException {
      if (len > buf.length - n) {
        flushBuffer();
        if (len > buf.length) {
          out.write(b, off, len);
          return;
        }
      }
      System.arraycopy(b, off, buf, n, len);
      n += len;
    }

    @Override
    public void line(byte[] b, int len, int at, int skip, byte[] tag) throws IOException {
      if (at < 0) {
        put(b, 0, len);
      } else {
        put(b, 0, at);
        put(tag, 0, tag.length);
        put(b, at + skip, len - at - skip);
      }
      if (n == buf.length) flushBuffer();
      buf[n++] = '\n';
    }

    @Override
    public void line(String text) throws IOException {
      // as the original's UTF-8 writer: a string it cannot encode (a lone surrogate) fails the merge
      ByteBuffer bb = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
      byte[] b = new byte[bb.remaining()];
      bb.get(b);
      line(b, b.length, -1, 0, null);
    }

    private void flushBuffer() throws IOException {
      out.write(buf, 0, n);
      n = 0;
    }

    @Override
    public void flush() throws IOException {
      flushBuffer();
      out.flush();
    }
  }

  private static final class WriterSink implements Sink {
    private final Writer out;

    WriterSink(Writer out) {
      this.out = out;
    }

    @Override
    public void line(byte[] b, int len, int at, int skip, byte[] tag) throws IOException {
      if (at < 0) {
        out.write(new String(b, 0, len, StandardCharsets.UTF_8));
      } else {
        out.write(new String(b, 0, at, StandardCharsets.UTF_8));
        out.write(new String(tag, StandardCharsets.UTF_8));
        out.write(new String(b, at + skip, len - at - skip, StandardCharsets.UTF_8));
      }
      out.write('\n');
    }

    @Override
    public void line(String text) throws IOException {
      out.write(text);
      out.write('\n');
    }

    @Override
    public void flush() {}
  }

  /**
   * Reads one source lazily, keeping a window of look-ahead lines in a heap ordered by (key, seq).
   * Each window slot owns a byte array that is reused (grown as needed) line after line.
   */
  private static final class Cursor implements AutoCloseable {
    final int index;
    final String host;
    final InputStream in;
    final byte[] read = new byte[READ_BUFFER];
    int readPos;
    int readEnd;
    boolean skipLf;
    boolean eof;
    final byte[] appendTag;      // ,"host":"<host>"
    final byte[] appendTagEmpty; // "host":"<host>"
    final byte[] hostValue;      // "<host>"
    final LineScan scan = new LineScan();

    // window slots
    final byte[][] data = new byte[WINDOW][];
    final int[] len = new int[WINDOW];
    final int[] at = new int[WINDOW];
    final int[] skip = new int[WINDOW];
    final byte[][] tag = new byte[WINDOW][];
    final String[] text = new String[WINDOW];
    final long[] sec = new long[WINDOW];
    final int[] nano = new int[WINDOW];
    final long[] seqOf = new long[WINDOW];
    final int[] heap = new int[WINDOW];
    int size;
    final int[] free = new int[WINDOW];
    int freeCount;

    long seq;
    long garbled;
    long lastSec = Instant.MIN.getEpochSecond();
    int lastNano = Instant.MIN.getNano();
    // the current line while it is read
    byte[] line = new byte[1024];
    int lineLen;
    // date cache: the last yyyy-MM-dd seen and its epoch day
    final byte[] lastDate = new byte[10];
    long lastEpochDay = Long.MIN_VALUE;

    Cursor(int index, Source s) throws IOException {
      this.index = index;
      this.host = s.host();
      String quoted = quote(host);
      this.hostValue = encode(quoted);
      this.appendTag = encode(",\"host\":" + quoted);
      this.appendTagEmpty = encode("\"host\":" + quoted);
      for (int i = 0; i < WINDOW; i++) {
        free[i] = WINDOW - 1 - i;
        data[i] = new byte[256];
      }
      freeCount = WINDOW;
      this.in = Files.newInputStream(s.file());
      fill();
    }

    /** Reads the next line (without its terminator) into {@link #line}; false at the end of the file. */
    boolean nextLine() throws IOException {
      lineLen = 0;
      boolean any = false;
      while (true) {
        if (readPos == readEnd) {
          if (eof) return any;
          int n = in.read(read, 0, read.length);
          if (n < 0) {
            eof = true;
            return any;
          }
          readPos = 0;
          readEnd = n;
          if (skipLf) {
            skipLf = false;
            if (read[0] == '\n') readPos = 1;
            continue;
          }
        }
        any = true;
        int start = readPos;
        int i = start;
        int end = readEnd;
        byte[] r = read;
        while (i + 8 <= end) {
          long x = (long) LineScan.LONGS.get(r, i);
          if ((LineScan.hasByte(x, '\n') | LineScan.hasByte(x, '\r')) != 0) break;
          i += 8;
        }
        while (i < end) {
          byte c = r[i];
          if (c == '\n' || c == '\r') break;
          i++;
        }
        appendToLine(r, start, i - start);
        if (i < end) {
          if (r[i] == '\r') {
            if (i + 1 < end) {
              readPos = r[i + 1] == '\n' ? i + 2 : i + 1;
            } else {
              readPos = end;
              skipLf = true;
            }
          } else {
            readPos = i + 1;
          }
          return true;
        }
        readPos = end;
      }
    }

    private void appendToLine(byte[] src, int off, int n) {
      if (lineLen + n > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
      System.arraycopy(src, off, line, lineLen, n);
      lineLen += n;
    }

    void fill() throws IOException {
      while (size < WINDOW && nextLine()) {
        int slot = free[--freeCount];
        if (!accept(slot)) {
          free[freeCount++] = slot;
          continue;
        }
        seqOf[slot] = seq++;
        push(slot);
      }
    }

    /** Scans the current line into {@code slot}; false when it is blank or garbled (counted). */
    private boolean accept(int slot) throws IOException {
      byte[] b = line;
      int n = lineLen;
      if (blankAscii(b, n)) return false;
      LineScan s = scan;
      if (s.scan(b, n) && fastKey(s, slot)) {
        boolean hasHost = s.hostStart >= 0 && !s.hostNull;
        if (hasHost) {
          store(slot, b, n, -1, 0, null);
          return true;
        }
        if (s.canonical()) {
          if (s.hostNull) store(slot, b, n, s.hostStart, 4, hostValue);
          else if (s.keyCount == 0) store(slot, b, n, n - 1, 0, appendTagEmpty);
          else store(slot, b, n, n - 1, 0, appendTag);
          return true;
        }
      }
      return jacksonPath(slot, b, n);
    }

    private void store(int slot, byte[] b, int n, int spliceAt, int spliceSkip, byte[] spliceTag) {
      byte[] d = data[slot];
      if (d.length < n) {
        d = new byte[Math.max(n, d.length * 2)];
        data[slot] = d;
      } else if (d.length > 1 << 20 && n < 1 << 16) {
        d = new byte[Math.max(n, 256)]; // let one huge line's buffer go
        data[slot] = d;
      }
      System.arraycopy(b, 0, d, 0, n);
      len[slot] = n;
      at[slot] = spliceAt;
      skip[slot] = spliceSkip;
      tag[slot] = spliceTag;
      text[slot] = null;
    }

    /** The original merge's handling of one line, for the lines the scan does not vouch for. */
    private boolean jacksonPath(int slot, byte[] b, int n) throws IOException {
      String raw = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, 0, n)).toString();
      if (raw.isBlank()) return false;
      JsonNode node;
      try {
        node = Jackson.JSON.readTree(raw);
      } catch (JsonProcessingException e) {
        garbled++;
        return false;
      }
      if (!(node instanceof ObjectNode obj)) {
        garbled++;
        return false;
      }
      String out = raw;
      JsonNode h = obj.get("host");
      if (h == null || h.isNull()) {
        obj.put("host", host);
        out = Jackson.JSON.writeValueAsString(obj);
      }
      Instant k = key(obj);
      sec[slot] = k.getEpochSecond();
      nano[slot] = k.getNano();
      len[slot] = 0;
      text[slot] = out;
      return true;
    }

    /** Sets the slot's key from the scanned order keys; false when one needs the Jackson path. */
    private boolean fastKey(LineScan s, int slot) {
      for (int k = 0; k < LineScan.ORDER_KEYS; k++) {
        int vs = s.valueStart[k];
        if (vs < 0) continue; // absent or not a string
        if (s.valueEscaped[k]) return false;
        int ve = s.valueEnd[k];
        if (parseInstant(s.bytes, vs, ve, slot)) return true;
        // not the fixed form: ask Instant.parse (it may still take it, e.g. an offset), else the next key
        try {
          Instant t = Instant.parse(new String(s.bytes, vs, ve - vs, StandardCharsets.UTF_8));
          sec[slot] = t.getEpochSecond();
          nano[slot] = t.getNano();
          return true;
        } catch (DateTimeParseException ignored) {
          // try the next field
        }
      }
      sec[slot] = Instant.MIN.getEpochSecond();
      nano[slot] = Instant.MIN.getNano();
      return true;
    }

    /**
     * Reads {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with in-range fields (what {@link Instant#parse}
     * accepts of that form, giving the same instant); false for anything else.
     */
    private boolean parseInstant(byte[] b, int s, int e, int slot) {
      int n = e - s;
      if (n < 20 || n > 30) return false;
      if (b[s + 4] != '-' || b[s + 7] != '-' || b[s + 10] != 'T' || b[s + 13] != ':' || b[s + 16] != ':' || b[e - 1] != 'Z') return false;
      int hour = two(b, s + 11);
      int minute = two(b, s + 14);
      int second = two(b, s + 17);
      if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
      int nanos = 0;
      int p = s + 19;
      if (p < e - 1) {
        if (b[p] != '.') return false;
        int digits = e - 1 - (p + 1);
        if (digits < 1 || digits > 9) return false;
        for (int i = p + 1; i < e - 1; i++) {
          int d = b[i] - '0';
          if (d < 0 || d > 9) return false;
          nanos = nanos * 10 + d;
        }
        for (int i = digits; i < 9; i++) nanos *= 10;
      }
      long day;
      if (lastEpochDay != Long.MIN_VALUE && Arrays.equals(b, s, s + 10, lastDate, 0, 10)) {
        day = lastEpochDay;
      } else {
        int y1 = two(b, s);
        int y2 = two(b, s + 2);
        int month = two(b, s + 5);
        int dom = two(b, s + 8);
        if (y1 < 0 || y2 < 0 || month < 0 || dom < 0) return false;
        try {
          day = LocalDate.of(y1 * 100 + y2, month, dom).toEpochDay();
        } catch (DateTimeException x) {
          return false;
        }
        System.arraycopy(b, s, lastDate, 0, 10);
        lastEpochDay = day;
      }
      sec[slot] = day * 86400 + hour * 3600L + minute * 60L + second;
      nano[slot] = nanos;
      return true;
    }

    private static int two(byte[] b, int i) {
      int d1 = b[i] - '0';
      int d2 = b[i + 1] - '0';
      if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return -1;
      return d1 * 10 + d2;
    }

    /** (key, seq) order of two slots. */
    private boolean less(int x, int y) {
      if (sec[x] != sec[y]) return sec[x] < sec[y];
      if (nano[x] != nano[y]) return nano[x] < nano[y];
      return seqOf[x] < seqOf[y];
    }

    private void push(int slot) {
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (!less(slot, heap[parent])) break;
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = slot;
    }

    int peek() {
      return heap[0];
    }

    /** Removes the head slot (the caller returns it with {@link #release} once written). */
    int pop() {
      int top = heap[0];
      int last = heap[--size];
      int i = 0;
      int half = size >>> 1;
      while (i < half) {
        int child = 2 * i + 1;
        int right = child + 1;
        if (right < size && less(heap[right], heap[child])) child = right;
        if (!less(heap[child], last)) break;
        heap[i] = heap[child];
        i = child;
      }
      if (size > 0) heap[i] = last;
      return top;
    }

    void release(int slot) {
      text[slot] = null;
      free[freeCount++] = slot;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** {@code s} as a JSON string, as Jackson writes it (plain names by hand; anything else by Jackson). */
  static String quote(String s) throws JsonProcessingException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F) return Jackson.JSON.writeValueAsString(s);
    }
    return '"' + s + '"';
  }

  private static byte[] encode(String s) throws CharacterCodingException {
    ByteBuffer bb = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
    byte[] b = new byte[bb.remaining()];
    bb.get(b);
    return b;
  }

  /** True for an empty line or one of ASCII whitespace only ({@link String#isBlank} on it). */
  private static boolean blankAscii(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && !(c >= 0x0B && c <= 0x0D) && !(c >= 0x1C && c <= 0x1F)) return false;
    }
    return true;
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

  /** Head order across cursors: (key, source, seq). */
  private static boolean before(Cursor a, Cursor b) {
    int x = a.peek();
    int y = b.peek();
    if (a.sec[x] != b.sec[y]) return a.sec[x] < b.sec[y];
    if (a.nano[x] != b.nano[y]) return a.nano[x] < b.nano[y];
    if (a.index != b.index) return a.index < b.index;
    return a.seqOf[x] < b.seqOf[y];
  }

  /** Merges {@code sources} into {@code out} (one line each, {@code \n}); does not close {@code out}. */
  public static Result merge(List<Source> sources, Writer out) throws IOException {
    return merge(sources, new WriterSink(out));
  }

  /** Merges {@code sources} into {@code out} as UTF-8 (one line each, {@code \n}); flushes, does not close {@code out}. */
  public static Result merge(List<Source> sources, OutputStream out) throws IOException {
    return merge(sources, new ByteSink(out));
  }

  private static Result merge(List<Source> sources, Sink out) throws IOException {
    var cursors = new ArrayList<Cursor>();
    try {
      for (int i = 0; i < sources.size(); i++) cursors.add(new Cursor(i, sources.get(i)));
      Cursor[] heads = new Cursor[cursors.size()];
      int count = 0;
      for (var c : cursors) if (c.size > 0) count = pushHead(heads, count, c);
      long written = 0;
      long late = 0;
      while (count > 0) {
        Cursor c = heads[0];
        count = popHead(heads, count);
        int slot = c.pop();
        long s = c.sec[slot];
        int ns = c.nano[slot];
        if (s < c.lastSec || (s == c.lastSec && ns < c.lastNano)) {
          late++;
        } else {
          c.lastSec = s;
          c.lastNano = ns;
        }
        if (c.text[slot] != null) out.line(c.text[slot]);
        else out.line(c.data[slot], c.len[slot], c.at[slot], c.skip[slot], c.tag[slot]);
        written++;
        c.release(slot);
        c.fill();
        if (c.size > 0) count = pushHead(heads, count, c);
      }
      out.flush();
      long garbled = 0;
      for (var c : cursors) garbled += c.garbled;
      return new Result(written, garbled, late);
    } finally {
      for (var c : cursors) c.close();
    }
  }

  private static int pushHead(Cursor[] heap, int size, Cursor c) {
    int i = size;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(c, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = c;
    return size + 1;
  }

  private static int popHead(Cursor[] heap, int size) {
    Cursor last = heap[--size];
    heap[size] = null;
    if (size == 0) return 0;
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) child = right;
      if (!before(heap[child], last)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return size;
  }

  /** Merges into {@code target} (parents created, replaced atomically when done). */
  public static Result mergeTo(List<Source> sources, Path target) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".part");
    Result r;
    try (OutputStream o = Files.newOutputStream(tmp)) {
      r = merge(sources, o);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return r;
  }
}
