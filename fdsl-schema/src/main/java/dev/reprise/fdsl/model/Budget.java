package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One entry of {@code environment.expect}: a limit on a figure of the run's comparison with its
 * baseline ({@code recovery_seconds < 15}, {@code error_rate < 0.5%}, {@code data_loss: none}).
 * Immutable; no I/O. Evaluated by dashboard-export's {@code Verdict}.
 *
 * @param metric which figure
 * @param op how the measured value must compare with {@code limit} (null for {@link Metric#DATA_LOSS})
 * @param limit in the metric's {@linkplain Metric#unit() unit}: seconds, a fraction (0.005 for 0.5%),
 *     milliseconds or a count; 0 for {@code data_loss: none}
 * @param text the budget as written, for messages and reports
 * @param pos where it is written
 */
public record Budget(Metric metric, Op op, double limit, String text, SourcePos pos) {

  /** The unit a metric's limit and measured value are in. */
  public enum Unit { SECONDS, FRACTION, MILLIS, COUNT, NONE }

  /** The figures a budget can limit; {@link #word()} is how FDSL writes it. */
  public enum Metric {
    /** The longest recovery of any fault (an unrecovered fault misses every limit). */
    RECOVERY_SECONDS("recovery_seconds", Unit.SECONDS),
    /** The run's error rate after the warm-up: errors / (ok + errors). */
    ERROR_RATE("error_rate", Unit.FRACTION),
    /** The deepest one-second drop of throughput below the baseline's median, as a fraction of it. */
    THROUGHPUT_DIP("throughput_dip", Unit.FRACTION),
    /** The run's mean per-second p50 latency after the warm-up. */
    P50_LATENCY("p50_latency", Unit.MILLIS),
    /** The run's mean per-second p95 latency after the warm-up. */
    P95_LATENCY("p95_latency", Unit.MILLIS),
    /** The run's mean per-second p99 latency after the warm-up. */
    P99_LATENCY("p99_latency", Unit.MILLIS),
    /** Acknowledged writes the workload found lost ({@code data_loss: none}: there were none). */
    DATA_LOSS("data_loss", Unit.NONE),
    /** How many acknowledged writes the workload found lost. */
    WRITES_LOST("writes_lost", Unit.COUNT);

    private final String word;
    private final Unit unit;

    Metric(String word, Unit unit) {
      this.word = word;
      this.unit = unit;
    }

    public String word() {
      return word;
    }

    public Unit unit() {
      return unit;
    }

    /** Every metric's word, in declaration order. */
    public static List<String> words() {
      return Arrays.stream(values()).map(Metric::word).toList();
    }

    /** The metric FDSL writes as {@code word}, or null. */
    public static Metric of(String word) {
      for (Metric m : values()) {
        if (m.word.equals(word)) return m;
      }
      return null;
    }
  }

  /** A comparison of the measured value with the limit. */
  public enum Op {
    LT("<"), LE("<="), GT(">"), GE(">=");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    /** True when {@code measured op limit} holds. */
    public boolean holds(double measured, double limit) {
      return switch (this) {
        case LT -> measured < limit;
        case LE -> measured <= limit;
        case GT -> measured > limit;
        case GE -> measured >= limit;
      };
    }

    public static List<String> symbols() {
      return Arrays.stream(values()).map(Op::symbol).toList();
    }

    /** The operator written {@code symbol}, or null. */
    public static Op of(String symbol) {
      for (Op o : values()) {
        if (o.symbol.equals(symbol)) return o;
      }
      return null;
    }
  }

  /** The limit as a person writes it: {@code 15 s}, {@code 0.5%}, {@code 200 ms}, {@code 0}, {@code none}. */
  public String limitText() {
    return switch (metric.unit()) {
      case SECONDS -> plain(limit) + " s";
      case FRACTION -> plain(limit * 100) + "%";
      case MILLIS -> plain(limit) + " ms";
      case COUNT -> plain(limit);
      case NONE -> "none";
    };
  }

  /** {@code v} without a trailing {@code .0}, at most 6 decimals. */
  public static String plain(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    String s = String.format(Locale.ROOT, "%.6f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
