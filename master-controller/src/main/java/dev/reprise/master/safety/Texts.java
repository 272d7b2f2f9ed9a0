package dev.reprise.master.safety;

import java.math.BigDecimal;
import java.math.MathContext;

/** How the safety loop writes numbers and durations in its lines. */
final class Texts {
  private Texts() {}

  /** {@code 0.125}, {@code 312}, {@code 123500}: at most 4 significant digits, never in E notation. */
  static String number(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  /** {@code 10 s}, {@code 0.5 s}. */
  static String seconds(long millis) {
    return number(millis / 1000.0) + " s";
  }
}
