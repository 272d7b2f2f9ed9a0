package dev.reprise.fdsl.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** FDSL's duration syntax: plain seconds ({@code 90}, {@code 1.5}) or units ({@code 1h2m3s}, {@code 90s}, {@code 250ms}). */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|h|m|s))+");

  private Durations() {}

  /**
   * Parses a duration string with units into milliseconds (fractions of a millisecond are rounded
   * to the nearest).
   *
   * @throws IllegalArgumentException with a message saying what is accepted
   */
  public static long parse(String text) {
    String s = text.strip().replace(" ", "");
    if (!WHOLE.matcher(s).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: write seconds (90, 1.5) or units (1m30s, 250ms, 2h)");
    }
    double total = 0;
    Matcher m = PART.matcher(s);
    while (m.find()) {
      double v = Double.parseDouble(m.group(1));
      total += switch (m.group(2)) {
        case "h" -> v * 3_600_000;
        case "m" -> v * 60_000;
        case "s" -> v * 1000;
        default -> v;
      };
    }
    return Math.round(total);
  }

  /** Formats {@code millis} as the shortest FDSL duration string, e.g. 90000 → {@code 1m30s}. */
  public static String format(long millis) {
    if (millis == 0) return "0s";
    var sb = new StringBuilder();
    long h = millis / 3_600_000, m = (millis / 60_000) % 60, s = (millis / 1000) % 60, ms = millis % 1000;
    if (h > 0) sb.append(h).append('h');
    if (m > 0) sb.append(m).append('m');
    if (s > 0) sb.append(s).append('s');
    if (ms > 0) sb.append(ms).append("ms");
    return sb.toString();
  }
}
