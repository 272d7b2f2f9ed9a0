package dev.reprise.fdsl.model;

/** Formatting of millisecond durations in FDSL's own unit syntax ({@code 1m30s}, {@code 250ms}). */
public final class Durations {
  private Durations() {}

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
