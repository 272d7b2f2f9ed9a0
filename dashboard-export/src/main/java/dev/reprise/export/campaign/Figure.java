package dev.reprise.export.campaign;

import java.util.function.Function;

/** The per-run figures the campaign report summarises across repetitions, with their CSV column and unit. */
enum Figure {
  FIRING_ERROR_P99("firing_error_p99_ms", "firing error p99", "ms", 1, RunFigures::firingErrorP99Ms),
  THROUGHPUT("throughput_ops_s", "throughput", "ops/s", 1, RunFigures::throughput),
  THROUGHPUT_DIP("throughput_dip_pct", "throughput dip", "%", 1, RunFigures::throughputDipPct),
  ERROR_RATE("error_rate_pct", "error rate", "%", 3, RunFigures::errorRatePct),
  RECOVERY("recovery_s", "recovery time", "s", 2, RunFigures::recoverySeconds);

  final String column;
  final String title;
  final String unit;
  final int decimals;
  private final Function<RunFigures, Double> value;

  Figure(String column, String title, String unit, int decimals, Function<RunFigures, Double> value) {
    this.column = column;
    this.title = title;
    this.unit = unit;
    this.decimals = decimals;
    this.value = value;
  }

  /** The figure of {@code f}; null when {@code f} is null or the figure is unknown. */
  Double of(RunFigures f) {
    return f == null ? null : value.apply(f);
  }
}
