package dev.reprise.export;

/**
 * When a second of a run counts as anomalous against its baseline.
 *
 * @param dropFraction throughput below (1 − dropFraction) × the baseline's median throughput is anomalous (0..1)
 * @param errorRate an error rate (errors / (ok + errors)) above this is anomalous (0..1)
 * @param warmupSeconds seconds after T0 ignored in both runs (clients connecting, caches warming)
 * @param minAnomalySeconds anomaly windows shorter than this are dropped as noise (1 keeps all)
 */
public record Thresholds(double dropFraction, double errorRate, double warmupSeconds, int minAnomalySeconds) {
  public static final Thresholds DEFAULTS = new Thresholds(0.2, 0.05, 10, 1);

  public Thresholds {
    if (!(dropFraction > 0 && dropFraction < 1)) {
      throw new IllegalArgumentException("drop threshold must be a fraction between 0 and 1 (0.2 = 20 % below the baseline), got " + dropFraction);
    }
    if (!(errorRate >= 0 && errorRate < 1)) {
      throw new IllegalArgumentException("error threshold must be a fraction between 0 and 1 (0.05 = 5 % of operations), got " + errorRate);
    }
    if (!(warmupSeconds >= 0)) {
      throw new IllegalArgumentException("warm-up must be >= 0 seconds, got " + warmupSeconds);
    }
    if (minAnomalySeconds < 1) {
      throw new IllegalArgumentException("minimum anomaly length must be >= 1 second, got " + minAnomalySeconds);
    }
  }
}
