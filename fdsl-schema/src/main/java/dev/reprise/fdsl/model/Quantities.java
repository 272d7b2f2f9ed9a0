package dev.reprise.fdsl.model;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FDSL's quantities beyond durations ({@link Durations}): percentages, sizes in bytes, bandwidths
 * and durations to the microsecond. Each {@code parse} throws {@link IllegalArgumentException} with a
 * message saying what is accepted; each {@code format} writes the shortest form its {@code parse}
 * reads back, for labels.
 */
public final class Quantities {
  private static final Pattern NUMBER_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z/]*)");
  private static final Pattern MICROS_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(us|ms|h|m|s)");
  private static final Pattern MICROS_WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:us|ms|h|m|s))+");
  private static final long KIB = 1024, MIB = KIB * 1024, GIB = MIB * 1024, TIB = GIB * 1024;

  private Quantities() {}

  /** A percentage written {@code 10%}, {@code 0.5%} or {@code 10} (the sign is optional). Not range-checked. */
  public static double parsePercent(String text) {
    String s = text.strip();
    if (s.endsWith("%")) s = s.substring(0, s.length() - 1).strip();
    try {
      double v = Double.parseDouble(s);
      if (!Double.isNaN(v) && !Double.isInfinite(v) && s.matches("-?\\d+(\\.\\d+)?")) return v;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("'" + text + "' is not a percentage: write e.g. 10%, 0.5% or 10");
  }

  /** {@code 10}, {@code 0.5}: the percentage without trailing zeros (no sign). */
  public static String formatPercent(double percent) {
    return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString();
  }

  /**
   * A size: a number with a unit — binary {@code KiB MiB GiB TiB}, decimal {@code KB MB GB TB}, or
   * {@code B} (units in any case; fractions are rounded to the nearest byte) — or a bare number of
   * {@code bareUnit}s.
   */
  public static long parseBytes(String text, String bareUnit) {
    Matcher m = NUMBER_UNIT.matcher(text.strip());
    if (m.matches()) {
      String unit = m.group(2).isEmpty() ? bareUnit : m.group(2);
      Long factor = sizeFactor(unit);
      if (factor != null) {
        double v = Double.parseDouble(m.group(1)) * factor;
        if (v <= Long.MAX_VALUE) return Math.round(v);
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not a size: write a number with a unit (512MiB, 1GiB, 64KiB, 1GB, 4096B)"
        + " or a number of " + bareUnit);
  }

  private static Long sizeFactor(String unit) {
    switch (unit.toLowerCase(Locale.ROOT)) {
      case "b": return 1L;
      case "kib": return KIB;
      case "mib": return MIB;
      case "gib": return GIB;
      case "tib": return TIB;
      case "kb": return 1_000L;
      case "mb": return 1_000_000L;
      case "gb": return 1_000_000_000L;
      case "tb": return 1_000_000_000_000L;
      default: return null;
    }
  }

  /** Bytes in the largest unit, binary or decimal, that divides them exactly ({@code 512MiB}, {@code 2GB}), else {@code B}. */
  public static String formatBytes(long bytes) {
    if (bytes == 0) return "0B";
    for (var u : new Object[][] {{TIB, "TiB"}, {1_000_000_000_000L, "TB"}, {GIB, "GiB"}, {1_000_000_000L, "GB"},
        {MIB, "MiB"}, {1_000_000L, "MB"}, {KIB, "KiB"}, {1_000L, "KB"}}) {
      long f = (Long) u[0];
      if (bytes % f == 0) return bytes / f + (String) u[1];
    }
    return bytes + "B";
  }

  /**
   * A bandwidth in bits per second, in tc's units: {@code bit kbit mbit gbit tbit} (bits per second)
   * or {@code bps kbps mbps gbps tbps} (bytes per second, as tc reads them); decimal multiples, any case.
   */
  public static long parseBitsPerSecond(String text) {
    Matcher m = NUMBER_UNIT.matcher(text.strip());
    if (m.matches() && !m.group(2).isEmpty()) {
      String unit = m.group(2).toLowerCase(Locale.ROOT);
      long bits = unit.endsWith("bit") ? 1 : unit.endsWith("bps") ? 8 : 0;
      Long multiple = switch (unit.length() > 3 ? unit.substring(0, unit.length() - 3) : "") {
        case "" -> 1L;
        case "k" -> 1_000L;
        case "m" -> 1_000_000L;
        case "g" -> 1_000_000_000L;
        case "t" -> 1_000_000_000_000L;
        default -> null;
      };
      if (bits != 0 && multiple != null) {
        double v = Double.parseDouble(m.group(1)) * multiple * bits;
        if (v <= Long.MAX_VALUE) return Math.round(v);
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not a bandwidth: write a number with a unit, as tc does: "
        + "bit, kbit, mbit, gbit (bits per second) or bps, kbps, mbps, gbps (bytes per second), e.g. 1mbit, 500kbit");
  }

  /** Bits per second in the largest of {@code tbit gbit mbit kbit bit} that divides them exactly: {@code 1mbit}. */
  public static String formatBitsPerSecond(long bits) {
    for (var u : new Object[][] {{1_000_000_000_000L, "tbit"}, {1_000_000_000L, "gbit"}, {1_000_000L, "mbit"}, {1_000L, "kbit"}}) {
      long f = (Long) u[0];
      if (bits != 0 && bits % f == 0) return bits / f + (String) u[1];
    }
    return bits + "bit";
  }

  /** A byte rate: a size per second, {@code 64MiB/s} (the {@code /s} may be left out); a bare number is MiB/s. */
  public static long parseBytesPerSecond(String text) {
    String s = text.strip();
    if (s.endsWith("/s")) s = s.substring(0, s.length() - 2);
    try {
      return parseBytes(s, "MiB");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a rate: write a size per second (64MiB/s, 1GiB/s, 500KB/s) or a number of MiB/s");
    }
  }

  /**
   * A duration to the microsecond: units {@code us ms s m h} combined ({@code 50ms}, {@code 1.5ms},
   * {@code 250us}, {@code 1s500ms}); fractions of a microsecond are rounded to the nearest.
   */
  public static long parseMicros(String text) {
    String s = text.strip().replace(" ", "");
    if (!MICROS_WHOLE.matcher(s).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: write units (50ms, 1.5ms, 250us, 1s) or seconds (0.05)");
    }
    double total = 0;
    Matcher m = MICROS_PART.matcher(s);
    while (m.find()) {
      double v = Double.parseDouble(m.group(1));
      total += switch (m.group(2)) {
        case "h" -> v * 3_600_000_000.0;
        case "m" -> v * 60_000_000.0;
        case "s" -> v * 1_000_000.0;
        case "ms" -> v * 1000;
        default -> v;
      };
    }
    return Math.round(total);
  }

  /** Microseconds as {@link Durations#format} writes whole milliseconds, else in milliseconds with decimals: {@code 1.5ms}. */
  public static String formatMicros(long micros) {
    if (micros % 1000 == 0) return Durations.format(micros / 1000);
    return BigDecimal.valueOf(micros, 3).stripTrailingZeros().toPlainString() + "ms";
  }
}
