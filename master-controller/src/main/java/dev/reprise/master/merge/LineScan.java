package dev.reprise.master.merge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One pass over a record line's bytes for {@link RecordMerge}: checks that the line is one JSON
 * object that Jackson's default {@code ObjectMapper.readTree} reads (the JSON grammar, strict
 * UTF-8 in strings, no trailing bytes), finds the top-level order keys ({@code time},
 * {@code actual}, {@code planned}, {@code created}) and {@code host}, and tells whether writing the
 * line's tree back with Jackson would give the same bytes ({@link #canonical}). {@link #scan}
 * answers {@code false} whenever it cannot vouch for a line: the caller then takes Jackson's path,
 * so the scan only has to be right about what it accepts. Reused line after line; not thread-safe.
 */
final class LineScan {
  /** The order keys, in {@code RecordMerge}'s order of preference: indexes into {@link #valueStart}. */
  static final int ORDER_KEYS = 4;
  private static final byte[][] SPECIAL = {
      "time".getBytes(StandardCharsets.US_ASCII), "actual".getBytes(StandardCharsets.US_ASCII),
      "planned".getBytes(StandardCharsets.US_ASCII), "created".getBytes(StandardCharsets.US_ASCII),
      "host".getBytes(StandardCharsets.US_ASCII)};
  private static final int HOST = 4;
  private static final int MAX_DEPTH = 64;
  private static final int MAX_NUMBER = 100;
  private static final int MAX_FLOATS = 32;
  private static final int MAX_KEYS = 512;
  private static final int FAIL = -1;
  /** Eight bytes at a time, to skip plain string content. */
  static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final long ONES = 0x0101010101010101L;
  static final long HIGHS = 0x8080808080808080L;

  /** Non-zero when one of the eight bytes of {@code x} is {@code b}. */
  static long hasByte(long x, long b) {
    long v = x ^ (ONES * b);
    return (v - ONES) & ~v & HIGHS;
  }

  /** Non-zero when one of the eight bytes of {@code x} is not plain string content (a quote, a backslash, a control character, non-ASCII). */
  private static long special8(long x) {
    return ((x - ONES * 0x20) & ~x & HIGHS) | hasByte(x, '"') | hasByte(x, '\\') | (x & HIGHS);
  }

  /** The line scanned last. */
  byte[] bytes;
  private int n;
  /** Per order key: start and end (exclusive, without quotes) of its top-level string value; -1 when absent or not a string. */
  final int[] valueStart = new int[ORDER_KEYS];
  final int[] valueEnd = new int[ORDER_KEYS];
  /** Per order key: its value holds an escape (its text is not its bytes). */
  final boolean[] valueEscaped = new boolean[ORDER_KEYS];
  /** Where the top-level {@code host} value starts; -1 when there is none. */
  int hostStart;
  /** The top-level {@code host} is JSON {@code null}. */
  boolean hostNull;
  /** Number of top-level keys. */
  int keyCount;
  private final boolean[] seen = new boolean[SPECIAL.length];
  private boolean nonCanonical;
  private final int[] floatStart = new int[MAX_FLOATS];
  private final int[] floatEnd = new int[MAX_FLOATS];
  private int floats;
  private final int[] keyStart = new int[MAX_KEYS];
  /** Length, first and last byte of each key: most keys differ in one of them. */
  private final int[] keySig = new int[MAX_KEYS];
  private int keys;

  /** Scans {@code b[0, len)}; true when it is one JSON object Jackson reads, with at most one of each special top-level key. */
  boolean scan(byte[] b, int len) {
    return scan(b, 0, len);
  }

  /**
   * Scans {@code b[off, end)} as {@link #scan(byte[], int)} does; the positions it reports
   * ({@link #valueStart}, {@link #hostStart}, ...) are indexes into {@code b}.
   */
  boolean scan(byte[] b, int off, int end) {
    return scanObject(b, off, end) == end;
  }

  /**
   * Scans the JSON object at {@code b[off]}, going no further than {@code end}: the index after
   * its closing brace, or -1 when there is none there that Jackson would read (what follows it is
   * not looked at). The positions it reports are indexes into {@code b}.
   */
  int scanObject(byte[] b, int off, int end) {
    bytes = b;
    n = end;
    for (int i = 0; i < ORDER_KEYS; i++) {
      valueStart[i] = -1;
      valueEnd[i] = -1;
      valueEscaped[i] = false;
    }
    for (int i = 0; i < seen.length; i++) seen[i] = false;
    hostStart = -1;
    hostNull = false;
    keyCount = 0;
    nonCanonical = false;
    floats = 0;
    keys = 0;
    if (end - off < 2 || b[off] != '{') return FAIL;
    return object(off, 0);
  }

  /** Whether Jackson would write the scanned line's tree as the same bytes (before adding a host). */
  boolean canonical() {
    if (nonCanonical) return false;
    for (int i = 0; i < floats; i++) {
      String s = new String(bytes, floatStart[i], floatEnd[i] - floatStart[i], StandardCharsets.ISO_8859_1);
      if (!Double.toString(Double.parseDouble(s)).equals(s)) return false;
    }
    return true;
  }

  private int ws(int p) {
    while (p < n) {
      byte c = bytes[p];
      if (c == ' ' || c == '\t') {
        nonCanonical = true;
        p++;
      } else {
        break;
      }
    }
    return p;
  }

  private int object(int p, int depth) {
    if (depth > MAX_DEPTH) return FAIL;
    boolean top = depth == 0;
    int firstKey = keys;
    p = ws(p + 1);
    if (p >= n) return FAIL;
    if (bytes[p] == '}') return p + 1;
    while (true) {
      if (p >= n || bytes[p] != '"') return FAIL;
      int ks = p + 1;
      int ke = string(p);
      if (ke == FAIL) return FAIL;
      int kl = ke - 1 - ks;
      if (!duplicateCheck(firstKey, ks, kl)) return FAIL;
      int special = -1;
      if (top) {
        keyCount++;
        if (lastStringEscaped) return FAIL; // could spell a special key
        special = special(ks, kl);
        if (special >= 0) {
          if (seen[special]) return FAIL;
          seen[special] = true;
        }
      }
      p = ws(ke);
      if (p >= n || bytes[p] != ':') return FAIL;
      p = ws(p + 1);
      if (p >= n) return FAIL;
      int vs = p;
      p = value(p, depth);
      if (p == FAIL) return FAIL;
      if (special >= 0) {
        if (special == HOST) {
          hostStart = vs;
          hostNull = bytes[vs] == 'n';
        } else if (bytes[vs] == '"') {
          valueStart[special] = vs + 1;
          valueEnd[special] = p - 1;
          valueEscaped[special] = lastStringEscaped;
        }
      }
      p = ws(p);
      if (p >= n) return FAIL;
      byte c = bytes[p];
      if (c == ',') {
        p = ws(p + 1);
      } else if (c == '}') {
        keys = firstKey;
        return p + 1;
      } else {
        return FAIL;
      }
    }
  }

  /** False when the key is a duplicate that matters (none do: Jackson keeps the last; it only makes the line non-canonical). */
  private boolean duplicateCheck(int firstKey, int ks, int kl) {
    if (nonCanonical) return true; // the answer can no longer change
    int sig = kl == 0 ? 0 : (kl << 16) | ((bytes[ks] & 0xFF) << 8) | (bytes[ks + kl - 1] & 0xFF);
    for (int i = firstKey; i < keys; i++) {
      if (keySig[i] == sig && Arrays.equals(bytes, keyStart[i], keyStart[i] + kl, bytes, ks, ks + kl)) {
        nonCanonical = true;
        return true;
      }
    }
    if (keys == MAX_KEYS) {
      nonCanonical = true;
      return true;
    }
    keyStart[keys] = ks;
    keySig[keys] = sig;
    keys++;
    return true;
  }

  private int special(int ks, int kl) {
    if (kl < 4 || kl > 7) return -1;
    byte first = bytes[ks];
    if (first != 't' && first != 'a' && first != 'p' && first != 'c' && first != 'h') return -1;
    for (int i = 0; i < SPECIAL.length; i++) {
      byte[] s = SPECIAL[i];
      if (s.length == kl && Arrays.equals(bytes, ks, ks + kl, s, 0, kl)) return i;
    }
    return -1;
  }

  private int value(int p, int depth) {
    byte c = bytes[p];
    switch (c) {
      case '"':
        return string(p);
      case '{':
        return object(p, depth + 1);
      case '[':
        return array(p, depth + 1);
      case 't':
        return literal(p, "true");
      case 'f':
        return literal(p, "false");
      case 'n':
        return literal(p, "null");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number(p);
        return FAIL;
    }
  }

  private int array(int p, int depth) {
    if (depth > MAX_DEPTH) return FAIL;
    p = ws(p + 1);
    if (p >= n) return FAIL;
    if (bytes[p] == ']') return p + 1;
    while (true) {
      if (p >= n) return FAIL;
      p = value(p, depth);
      if (p == FAIL) return FAIL;
      p = ws(p);
      if (p >= n) return FAIL;
      byte c = bytes[p];
      if (c == ',') {
        p = ws(p + 1);
      } else if (c == ']') {
        return p + 1;
      } else {
        return FAIL;
      }
    }
  }

  private int literal(int p, String word) {
    int l = word.length();
    if (p + l > n) return FAIL;
    for (int i = 0; i < l; i++) if (bytes[p + i] != word.charAt(i)) return FAIL;
    return delimited(p + l);
  }

  /** {@code p} if a value may end there (a structural byte, a space, the end), else FAIL. */
  private int delimited(int p) {
    if (p >= n) return p;
    byte c = bytes[p];
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' ? p : FAIL;
  }

  private int number(int p) {
    int s = p;
    if (bytes[p] == '-') p++;
    if (p >= n) return FAIL;
    int intStart = p;
    if (bytes[p] == '0') {
      p++;
      if (p < n && bytes[p] >= '0' && bytes[p] <= '9') return FAIL; // leading zero: Jackson refuses it
    } else if (bytes[p] >= '1' && bytes[p] <= '9') {
      while (p < n && bytes[p] >= '0' && bytes[p] <= '9') p++;
    } else {
      return FAIL;
    }
    int intDigits = p - intStart;
    boolean fp = false;
    if (p < n && bytes[p] == '.') {
      fp = true;
      p++;
      int d = p;
      while (p < n && bytes[p] >= '0' && bytes[p] <= '9') p++;
      if (p == d) return FAIL;
    }
    if (p < n && (bytes[p] == 'e' || bytes[p] == 'E')) {
      fp = true;
      p++;
      if (p < n && (bytes[p] == '+' || bytes[p] == '-')) p++;
      int d = p;
      while (p < n && bytes[p] >= '0' && bytes[p] <= '9') p++;
      if (p == d) return FAIL;
    }
    if (p - s > MAX_NUMBER) return FAIL;
    if (!nonCanonical) {
      if (fp) {
        if (floats == MAX_FLOATS) {
          nonCanonical = true;
        } else {
          floatStart[floats] = s;
          floatEnd[floats] = p;
          floats++;
        }
      } else if (intDigits > 18 || (bytes[s] == '-' && bytes[intStart] == '0')) {
        nonCanonical = true; // -0 is written 0; long numbers are left to Jackson
      }
    }
    return delimited(p);
  }

  private boolean lastStringEscaped;

  /** {@code b[p]} is the opening quote; returns the index after the closing quote. */
  private int string(int p) {
    boolean escaped = false;
    p++;
    byte[] b = bytes;
    int n = this.n;
    while (p < n) {
      // plain content eight bytes at a time, landing on the first byte that is not (the lowest flagged byte is exact)
      while (p + 8 <= n) {
        long special = special8((long) LONGS.get(b, p));
        if (special != 0) {
          p += Long.numberOfTrailingZeros(special) >>> 3;
          break;
        }
        p += 8;
      }
      if (p >= n) break;
      int c = b[p];
      if (c == '"') {
        lastStringEscaped = escaped;
        return p + 1;
      }
      if (c == '\\') {
        escaped = true;
        if (p + 1 >= n) return FAIL;
        byte e = b[p + 1];
        switch (e) {
          case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't':
            p += 2;
            break;
          case '/':
            nonCanonical = true; // written as a plain /
            p += 2;
            break;
          case 'u': {
            if (p + 6 > n) return FAIL;
            int v = 0;
            boolean upper = true;
            for (int i = p + 2; i < p + 6; i++) {
              int h = b[i];
              int d;
              if (h >= '0' && h <= '9') d = h - '0';
              else if (h >= 'A' && h <= 'F') d = h - 'A' + 10;
              else if (h >= 'a' && h <= 'f') {
                d = h - 'a' + 10;
                upper = false;
              } else return FAIL;
              v = v * 16 + d;
            }
            // Jackson writes \\u00XX (upper-case hex) for the control characters without a short form, and nothing else
            if (!upper || v >= 0x20 || v == 0x08 || v == 0x09 || v == 0x0A || v == 0x0C || v == 0x0D) nonCanonical = true;
            p += 6;
            break;
          }
          default:
            return FAIL;
        }
        continue;
      }
      if (c >= 0 && c < 0x20) return FAIL; // raw control character
      if (c >= 0) {
        p++;
        continue;
      }
      p = utf8(p);
      if (p == FAIL) return FAIL;
    }
    return FAIL;
  }

  /** One strict UTF-8 sequence at {@code p} (as Java's decoder takes it); the index after it, or FAIL. */
  private int utf8(int p) {
    byte[] b = bytes;
    int b0 = b[p] & 0xFF;
    int need;
    int lo = 0x80;
    int hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 2;
      if (b0 == 0xE0) lo = 0xA0;
      else if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 3;
      if (b0 == 0xF0) lo = 0x90;
      else if (b0 == 0xF4) hi = 0x8F;
    } else {
      return FAIL;
    }
    if (p + need >= n) return FAIL;
    int b1 = b[p + 1] & 0xFF;
    if (b1 < lo || b1 > hi) return FAIL;
    for (int i = 2; i <= need; i++) {
      int bi = b[p + i] & 0xFF;
      if (bi < 0x80 || bi > 0xBF) return FAIL;
    }
    return p + need + 1;
  }
}
