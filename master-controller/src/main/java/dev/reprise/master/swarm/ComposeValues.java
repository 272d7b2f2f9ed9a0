package dev.reprise.master.swarm;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parsers for compose's value syntaxes; each throws {@link IllegalArgumentException} with a message that says what is expected. */
final class ComposeValues {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
  private static final Pattern BYTES = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(b|ib)?", Pattern.CASE_INSENSITIVE);

  private ComposeValues() {}

  /** A Go-style duration ({@code 10s}, {@code 1m30s}, {@code 500ms}) in nanoseconds. */
  static long durationNanos(String text) {
    String t = text.trim();
    if (t.isEmpty()) throw new IllegalArgumentException("empty duration");
    var m = DURATION_PART.matcher(t);
    int pos = 0;
    BigDecimal total = BigDecimal.ZERO;
    while (pos < t.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 10s, 1m30s or 500ms");
      }
      BigDecimal unit = switch (m.group(2)) {
        case "ns" -> BigDecimal.ONE;
        case "us", "µs" -> BigDecimal.valueOf(1_000);
        case "ms" -> BigDecimal.valueOf(1_000_000);
        case "s" -> BigDecimal.valueOf(1_000_000_000L);
        case "m" -> BigDecimal.valueOf(60_000_000_000L);
        default -> BigDecimal.valueOf(3_600_000_000_000L);
      };
      total = total.add(new BigDecimal(m.group(1)).multiply(unit));
      pos = m.end();
    }
    return total.longValue();
  }

  /** A byte size ({@code 512M}, {@code 1g}, {@code 100kb}, {@code 1024}) in bytes. */
  static long bytes(String text) {
    var m = BYTES.matcher(text.trim());
    if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 512M or 1G");
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift)).longValue();
  }

  /** A CPU count ({@code 0.5}, {@code 2}) in nano-CPUs. */
  static long nanoCpus(String text) {
    try {
      var cpus = new BigDecimal(text.trim());
      if (cpus.signum() <= 0) throw new NumberFormatException();
      return cpus.multiply(BigDecimal.valueOf(1_000_000_000L)).longValue();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a CPU count; write e.g. '0.5' or '2'");
    }
  }

  /** Splits a command string into words like a POSIX shell would (quotes and backslashes; no expansion). */
  static List<String> shellWords(String text) {
    var words = new ArrayList<String>();
    var cur = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == '\'') {
        if (c == '\'') quote = 0; else cur.append(c);
      } else if (quote == '"') {
        if (c == '"') quote = 0;
        else if (c == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) cur.append(text.charAt(++i));
        else cur.append(c);
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < text.length()) {
        cur.append(text.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(cur.toString());
          cur.setLength(0);
          inWord = false;
        }
      } else {
        cur.append(c);
        inWord = true;
      }
    }
    if (quote != 0) throw new IllegalArgumentException("unterminated " + quote + " quote in '" + text + "'");
    if (inWord) words.add(cur.toString());
    return words;
  }
}
