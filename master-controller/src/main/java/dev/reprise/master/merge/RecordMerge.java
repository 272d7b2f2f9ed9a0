package dev.reprise.master.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

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
  /** Look-ahead lines per source (a power of two: the window is a ring). */
  public static final int WINDOW = 256;
  private static final int RING = WINDOW - 1;
  private static final List<String> KEYS = List.of("time", "actual", "planned", "created");
  /** Jackson, loaded only when a line needs it (most merges never do). */
  private static final class Jackson {
    static final ObjectMapper JSON = new ObjectMapper();
  }
  private static final int READ_BUFFER = 1 << 17;
  private static final int WRITE_BUFFER = 1 << 18;
  /** Batches per source: one being filled, one being written, one queued between. */
  private static final int BATCHES = 3;
  private static final int BATCH_LINES = 1024;
  private static final int BATCH_BYTES = 1 << 17;

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
    /** Writes {@code b[off, off + len)}: one line and its {@code \n}. */
    void line(byte[] b, int off, int len) throws IOException;

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

    @Override
    public void line(byte[] b, int off, int len) throws IOException {
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
    public void line(String text) throws IOException {
      // as the original's UTF-8 writer: a string it cannot encode (a lone surrogate) fails the merge
      ByteBuffer bb = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text + "\n"));
      byte[] b = new byte[bb.remaining()];
      bb.get(b);
      line(b, 0, b.length);
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
    public void line(byte[] b, int off, int len) throws IOException {
      out.write(new String(b, off, len, StandardCharsets.UTF_8)); // valid UTF-8: the scan checked it
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
   * A run of one source's records in the order the source gives them up, handed from its reader
   * thread to the merging thread (and back, empty, to be refilled). Record {@code i} is either the
   * bytes {@code [start(i), end[i])} (the output line with its host tag and {@code \n}) or, when
   * {@code text[i]} is set, that text (a line the Jackson path rewrote).
   */
  static final class Batch {
    byte[] bytes;
    final int[] end;
    final long[] sec;
    final int[] nano;
    final String[] text;
    int count;
    int used;
    /** The source has no records after these. */
    boolean last;
    /** The source failed after these records (thrown where the merge would have read the next one). */
    Throwable failure;
    /** At {@link #last}: the source's garbled lines and its records older than one it gave up before. */
    long garbled;
    long late;

    Batch(int lines, int bytes) {
      this.bytes = new byte[bytes];
      this.end = new int[lines];
      this.sec = new long[lines];
      this.nano = new int[lines];
      this.text = new String[lines];
    }

    int start(int i) {
      return i == 0 ? 0 : end[i - 1];
    }

    void clear(int defaultBytes) {
      Arrays.fill(text, 0, count, null);
      count = 0;
      used = 0;
      if (bytes.length > 1 << 20) bytes = new byte[defaultBytes]; // let one huge line's buffer go
    }
  }

  /**
   * Reads one source on its own thread: splits it into lines, scans each, keeps a window of
   * {@link #WINDOW} look-ahead lines ordered by (key, file order), and gives up the window's
   * least line each time it reads one more, as batches through a bounded queue (so the memory is
   * {@link #BATCHES} batches and the window, whatever the file's length). The merging thread only
   * compares keys and copies bytes. Everything but the two queues is touched by the reader thread
   * only.
   */
  private static final class SourceReader implements Runnable {
    final int index;
    final String host;
    private final InputStream in;
    private final int batchLines;
    private final int batchBytes;
    private final BlockingQueue<Batch> full;
    private final BlockingQueue<Batch> empty;
    private byte[] read = new byte[READ_BUFFER];
    private int readPos;
    private int readEnd;
    private boolean skipLf;
    private boolean eof;
    private final byte[] appendTag;      // ,"host":"<host>"
    private final byte[] appendTagEmpty; // "host":"<host>"
    private final byte[] hostValue;      // "<host>"
    private final LineScan scan = new LineScan();

    // window slots
    private final byte[][] data = new byte[WINDOW][];
    private final int[] len = new int[WINDOW];
    private final int[] at = new int[WINDOW];
    private final int[] skip = new int[WINDOW];
    private final byte[][] tag = new byte[WINDOW][];
    private final String[] text = new String[WINDOW];
    private final long[] sec = new long[WINDOW];
    private final int[] nano = new int[WINDOW];
    private final int[] order = new int[WINDOW]; // the window's slots by (key, file order), a ring from head
    private int head;
    private int size;
    private final int[] free = new int[WINDOW];
    private int freeCount;

    private long garbled;
    private long late;
    private long lastSec = Instant.MIN.getEpochSecond();
    private int lastNano = Instant.MIN.getNano();
    // the current line: read[lineOff, lineEnd); scanned when the scan found it (and holds its result)
    private int lineOff;
    private int lineEnd;
    private boolean scanned;
    // date cache: the last yyyy-MM-dd seen and its epoch day
    private final byte[] lastDate = new byte[10];
    private long lastEpochDay = Long.MIN_VALUE;
    private Batch out;

    SourceReader(int index, Source s, InputStream in, int batchLines, int batchBytes) throws IOException {
      this.index = index;
      this.host = s.host();
      this.in = in;
      this.batchLines = batchLines;
      this.batchBytes = batchBytes;
      String quoted = quote(host);
      this.hostValue = encode(quoted);
      this.appendTag = encode(",\"host\":" + quoted);
      this.appendTagEmpty = encode("\"host\":" + quoted);
      for (int i = 0; i < WINDOW; i++) {
        free[i] = WINDOW - 1 - i;
        data[i] = new byte[256];
      }
      freeCount = WINDOW;
      full = new ArrayBlockingQueue<>(BATCHES);
      empty = new ArrayBlockingQueue<>(BATCHES);
      for (int i = 0; i < BATCHES; i++) empty.add(new Batch(batchLines, batchBytes));
    }

    /** The reader thread: the source's records, in the order the single-threaded merge took them, then the end or the failure. */
    @Override
    public void run() {
      try (in) {
        out = empty.take();
        try {
          fill();
          while (size > 0) {
            give(pop());
            fill();
          }
          out.last = true;
          out.garbled = garbled;
          out.late = late;
        } catch (IOException | RuntimeException | Error e) {
          out.failure = e;
        }
        full.put(out);
      } catch (InterruptedException | IOException e) {
        // the merge is over (closed early): nobody reads on
      }
    }

    /** Next batch for the merging thread (blocks until the reader has one). */
    Batch take() throws InterruptedIOException {
      try {
        return full.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("merge interrupted");
      }
    }

    /** Returns a batch the merging thread has written. */
    void recycle(Batch b) {
      b.clear(batchBytes);
      empty.add(b); // never full: there are BATCHES batches in all
    }

    /** Appends the window slot's line to the outgoing batch (handing the batch over when it is full), and frees the slot. */
    private void give(int slot) throws InterruptedException {
      long s = sec[slot];
      int ns = nano[slot];
      if (s < lastSec || (s == lastSec && ns < lastNano)) {
        late++;
      } else {
        lastSec = s;
        lastNano = ns;
      }
      Batch b = out;
      int n = text[slot] != null ? 0 : len[slot] + (at[slot] < 0 ? 0 : tag[slot].length - skip[slot]) + 1;
      if (b.count == batchLines || b.used + n > b.bytes.length) {
        if (b.count > 0) {
          full.put(b);
          b = out = empty.take();
        }
        if (n > b.bytes.length) b.bytes = new byte[n];
      }
      int i = b.count++;
      b.sec[i] = s;
      b.nano[i] = ns;
      if (text[slot] != null) {
        b.text[i] = text[slot];
      } else {
        byte[] d = data[slot];
        byte[] o = b.bytes;
        int u = b.used;
        int a = at[slot];
        int l = len[slot];
        if (a < 0) {
          System.arraycopy(d, 0, o, u, l);
          u += l;
        } else {
          byte[] t = tag[slot];
          System.arraycopy(d, 0, o, u, a);
          u += a;
          System.arraycopy(t, 0, o, u, t.length);
          u += t.length;
          int rest = l - a - skip[slot];
          System.arraycopy(d, a + skip[slot], o, u, rest);
          u += rest;
        }
        o[u++] = '\n';
        b.used = u;
      }
      b.end[i] = b.used;
      text[slot] = null;
      free[freeCount++] = slot;
    }

    /**
     * Finds the next line (without its terminator) as {@code read[lineOff, lineEnd)}; false at the
     * end of the file. A line that is one JSON object is found by scanning it where it lies
     * ({@link #scanned}: {@link #scan} holds its result), any other by its terminator. A line that
     * runs past the bytes read is moved to the buffer's start and the rest read after it (the buffer
     * grows for a line longer than itself).
     */
    private boolean nextLine() throws IOException {
      while (true) {
        if (readPos < readEnd) {
          byte[] r = read;
          if (skipLf) {
            skipLf = false;
            if (r[readPos] == '\n') {
              readPos++;
              continue;
            }
          }
          int start = readPos;
          int end = readEnd;
          if (r[start] == '{') {
            // a JSON object holds no raw line end, so the object is the whole line when one follows it
            int e = scan.scanObject(r, start, end);
            if (e >= 0 && e < end && (r[e] == '\n' || r[e] == '\r')) {
              lineOff = start;
              lineEnd = e;
              scanned = true;
              terminate(e);
              return true;
            }
          }
          int i = lineEnd(r, start, end);
          if (i < end) {
            lineOff = start;
            lineEnd = i;
            scanned = false;
            terminate(i);
            return true;
          }
          if (eof) { // the last line, without a terminator
            lineOff = start;
            lineEnd = end;
            scanned = false;
            readPos = end;
            return true;
          }
        } else if (eof) {
          return false;
        }
        refill();
      }
    }

    /** The index of the first {@code \n} or {@code \r} in {@code r[i, end)}, or {@code end}. */
    private static int lineEnd(byte[] r, int i, int end) {
      while (i + 8 <= end) {
        long x = (long) LineScan.LONGS.get(r, i);
        long m = LineScan.hasByte(x, '\n') | LineScan.hasByte(x, '\r');
        if (m != 0) return i + (Long.numberOfTrailingZeros(m) >>> 3);
        i += 8;
      }
      while (i < end && r[i] != '\n' && r[i] != '\r') i++;
      return i;
    }

    /** Moves past the line end at {@code i} ({@code \n}, {@code \r} or {@code \r\n}). */
    private void terminate(int i) {
      if (read[i] == '\r') {
        if (i + 1 < readEnd) {
          readPos = read[i + 1] == '\n' ? i + 2 : i + 1;
        } else {
          readPos = readEnd;
          skipLf = true; // a \n first in the next read belongs to this line end
        }
      } else {
        readPos = i + 1;
      }
    }

    /** Keeps the unfinished line {@code read[readPos, readEnd)} at the buffer's start and reads after it; sets {@link #eof} at the end. */
    private void refill() throws IOException {
      int rest = readEnd - readPos;
      if (rest == read.length) {
        read = Arrays.copyOf(read, read.length * 2);
      } else if (read.length > READ_BUFFER && rest < READ_BUFFER / 2) {
        byte[] smaller = new byte[READ_BUFFER]; // let one huge line's buffer go
        System.arraycopy(read, readPos, smaller, 0, rest);
        read = smaller;
      } else if (rest > 0) {
        System.arraycopy(read, readPos, read, 0, rest);
      }
      readPos = 0;
      readEnd = rest;
      int n = in.read(read, rest, read.length - rest);
      if (n < 0) eof = true;
      else readEnd += n;
    }

    private void fill() throws IOException {
      while (size < WINDOW && nextLine()) {
        int slot = free[--freeCount];
        if (!accept(slot)) {
          free[freeCount++] = slot;
          continue;
        }
        push(slot);
      }
    }

    /** Scans the current line into {@code slot}; false when it is blank or garbled (counted). */
    private boolean accept(int slot) throws IOException {
      byte[] b = read;
      int off = lineOff;
      int end = lineEnd;
      LineScan s = scan;
      if (!scanned) {
        if (blankAscii(b, off, end)) return false;
        if (!s.scan(b, off, end)) return jacksonPath(slot, b, off, end);
      }
      if (fastKey(s, slot)) {
        boolean hasHost = s.hostStart >= 0 && !s.hostNull;
        if (hasHost) {
          store(slot, b, off, end, -1, 0, null);
          return true;
        }
        if (s.canonical()) {
          if (s.hostNull) store(slot, b, off, end, s.hostStart - off, 4, hostValue);
          else if (s.keyCount == 0) store(slot, b, off, end, end - 1 - off, 0, appendTagEmpty);
          else store(slot, b, off, end, end - 1 - off, 0, appendTag);
          return true;
        }
      }
      return jacksonPath(slot, b, off, end);
    }

    private void store(int slot, byte[] b, int off, int end, int spliceAt, int spliceSkip, byte[] spliceTag) {
      int n = end - off;
      byte[] d = data[slot];
      if (d.length < n) {
        d = new byte[Math.max(n, d.length * 2)];
        data[slot] = d;
      } else if (d.length > 1 << 20 && n < 1 << 16) {
        d = new byte[Math.max(n, 256)]; // let one huge line's buffer go
        data[slot] = d;
      }
      System.arraycopy(b, off, d, 0, n);
      len[slot] = n;
      at[slot] = spliceAt;
      skip[slot] = spliceSkip;
      tag[slot] = spliceTag;
      text[slot] = null;
    }

    /** The original merge's handling of one line, for the lines the scan does not vouch for. */
    private boolean jacksonPath(int slot, byte[] b, int off, int end) throws IOException {
      String raw = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, end - off)).toString();
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
      String line = raw;
      JsonNode h = obj.get("host");
      if (h == null || h.isNull()) {
        obj.put("host", host);
        line = Jackson.JSON.writeValueAsString(obj);
      }
      Instant k = key(obj);
      sec[slot] = k.getEpochSecond();
      nano[slot] = k.getNano();
      len[slot] = 0;
      text[slot] = line;
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

    /**
     * Adds the slot (the newest line) to the window, kept as a ring sorted by (key, file order): it
     * goes after every line whose key is not greater, so in a sorted file it is appended at once and
     * only disorder costs a shift.
     */
    private void push(int slot) {
      long s = sec[slot];
      int ns = nano[slot];
      int[] o = order;
      int i = size++;
      while (i > 0) {
        int prev = o[(head + i - 1) & RING];
        if (sec[prev] < s || (sec[prev] == s && nano[prev] <= ns)) break;
        o[(head + i) & RING] = prev;
        i--;
      }
      o[(head + i) & RING] = slot;
    }

    /** Removes the window's least slot by (key, file order). */
    private int pop() {
      int top = order[head];
      head = (head + 1) & RING;
      size--;
      return top;
    }
  }

  /** The merging thread's view of one source: its current record, batch by batch. */
  private static final class Head {
    final SourceReader reader;
    final int index;
    private Batch batch = new Batch(0, 0);
    private int i = -1;

    Head(SourceReader reader) {
      this.reader = reader;
      this.index = reader.index;
    }

    /** Moves to the source's next record; false when there is none. Throws the source's failure where it occurred. */
    boolean advance() throws IOException {
      i++;
      while (i >= batch.count) {
        if (batch.failure != null) throw rethrow(batch.failure);
        if (batch.last) return false;
        if (batch.end.length > 0) reader.recycle(batch);
        batch = reader.take();
        i = 0;
      }
      return true;
    }

    long sec() {
      return batch.sec[i];
    }

    int nano() {
      return batch.nano[i];
    }

    void write(Sink out) throws IOException {
      String t = batch.text[i];
      if (t != null) out.line(t);
      else out.line(batch.bytes, batch.start(i), batch.end[i] - batch.start(i));
    }

    /** Valid after {@link #advance} answered false. */
    long garbled() {
      return batch.garbled;
    }

    long late() {
      return batch.late;
    }
  }

  private static IOException rethrow(Throwable t) {
    if (t instanceof IOException e) return e;
    if (t instanceof RuntimeException e) throw e;
    if (t instanceof Error e) throw e;
    throw new IllegalStateException(t);
  }

  /** Head order across sources: (key, source); one record per source is in the heap at a time. */
  private static boolean before(Head a, Head b) {
    long as = a.sec();
    long bs = b.sec();
    if (as != bs) return as < bs;
    int an = a.nano();
    int bn = b.nano();
    if (an != bn) return an < bn;
    return a.index < b.index;
  }

  /** Merges {@code sources} into {@code out} (one line each, {@code \n}); does not close {@code out}. */
  public static Result merge(List<Source> sources, Writer out) throws IOException {
    return merge(sources, new WriterSink(out), BATCH_LINES, BATCH_BYTES);
  }

  /** Merges {@code sources} into {@code out} as UTF-8 (one line each, {@code \n}); flushes, does not close {@code out}. */
  public static Result merge(List<Source> sources, OutputStream out) throws IOException {
    return merge(sources, new ByteSink(out), BATCH_LINES, BATCH_BYTES);
  }

  /** As {@link #merge(List, OutputStream)} with batches of at most {@code batchLines} lines (tests: many hand-overs). */
  static Result merge(List<Source> sources, OutputStream out, int batchLines) throws IOException {
    return merge(sources, new ByteSink(out), batchLines, BATCH_BYTES);
  }

  private static Result merge(List<Source> sources, Sink out, int batchLines, int batchBytes) throws IOException {
    var threads = new ArrayList<Thread>();
    var heads = new Head[sources.size()];
    try {
      for (int i = 0; i < sources.size(); i++) {
        Source s = sources.get(i);
        InputStream in;
        try {
          in = Files.newInputStream(s.file());
        } catch (IOException | RuntimeException e) {
          // the single-threaded merge read each source's first window before opening the next file
          for (int j = 0; j < i; j++) heads[j].advance(); // throws the failure of a first window
          throw e;
        }
        SourceReader r;
        try {
          r = new SourceReader(i, s, in, batchLines, batchBytes);
        } catch (IOException | RuntimeException e) {
          in.close();
          throw e;
        }
        heads[i] = new Head(r);
        Thread t = new Thread(r, "record-merge-" + i + "-" + s.host());
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
      Head[] heap = new Head[heads.length];
      int count = 0;
      for (Head h : heads) if (h.advance()) count = pushHead(heap, count, h);
      long written = 0;
      while (count > 0) {
        Head h = heap[0];
        h.write(out);
        written++;
        if (h.advance()) count = replaceTop(heap, count, h);
        else count = popHead(heap, count);
      }
      out.flush();
      long garbled = 0;
      long late = 0;
      for (Head h : heads) {
        garbled += h.garbled();
        late += h.late();
      }
      return new Result(written, garbled, late);
    } finally {
      stop(threads);
    }
  }

  /** Stops the reader threads (done, or the merge ended early) and waits for them, so no file stays open. */
  private static void stop(List<Thread> threads) {
    for (Thread t : threads) t.interrupt();
    boolean interrupted = false;
    for (Thread t : threads) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  private static int pushHead(Head[] heap, int size, Head h) {
    int i = size;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(h, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = h;
    return size + 1;
  }

  /** The top has moved to its next record: sifts it down. */
  private static int replaceTop(Head[] heap, int size, Head top) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) child = right;
      if (!before(heap[child], top)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = top;
    return size;
  }

  private static int popHead(Head[] heap, int size) {
    Head last = heap[--size];
    heap[size] = null;
    if (size == 0) return 0;
    return replaceTop(heap, size, last);
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
  private static boolean blankAscii(byte[] b, int off, int end) {
    for (int i = off; i < end; i++) {
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
