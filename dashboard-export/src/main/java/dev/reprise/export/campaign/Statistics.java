package dev.reprise.export.campaign;

import java.util.Arrays;
import java.util.Collection;

/**
 * How spread a figure is across repetitions: a pure function of a collection of values in which
 * null, NaN and infinite values count as missing (skipped, and counted in {@link Summary#missing}).
 */
public final class Statistics {
  private Statistics() {}

  /**
   * @param n values used
   * @param missing values skipped (null, NaN or infinite)
   * @param mean arithmetic mean; null when {@code n == 0}
   * @param sd sample standard deviation (divisor n − 1); null when {@code n < 2}
   * @param min smallest value; null when {@code n == 0}
   * @param max largest value; null when {@code n == 0}
   */
  public record Summary(int n, int missing, Double mean, Double sd, Double min, Double max) {
    /** Coefficient of variation sd / |mean|; null when sd is unknown or the mean is 0. */
    public Double cv() {
      return sd == null || mean == null || mean == 0 ? null : sd / Math.abs(mean);
    }
  }

  /** The summary of {@code values} (any order). */
  public static Summary summary(Collection<Double> values) {
    double[] v = new double[values.size()];
    int n = 0;
    int missing = 0;
    for (Double d : values) {
      if (d == null || !Double.isFinite(d)) {
        missing++;
      } else {
        v[n++] = d;
      }
    }
    if (n == 0) {
      return new Summary(0, missing, null, null, null, null);
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += v[i];
      min = Math.min(min, v[i]);
      max = Math.max(max, v[i]);
    }
    double mean = sum / n;
    Double sd = null;
    if (n > 1) {
      double squares = 0; // two-pass: no cancellation for large values with a small spread
      for (int i = 0; i < n; i++) {
        squares += (v[i] - mean) * (v[i] - mean);
      }
      sd = Math.sqrt(squares / (n - 1));
    }
    return new Summary(n, missing, mean, sd, min, max);
  }

  /**
   * The nearest-rank percentile: the smallest value with at least {@code p} % of the values at or
   * below it (so the p99 of fewer than 100 values is their maximum). NaN values are skipped; null
   * when no value is left.
   *
   * @param p in (0, 100]
   */
  public static Double percentile(double[] values, double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    if (v.length == 0) {
      return null;
    }
    int rank = (int) Math.ceil(p / 100 * v.length);
    return v[Math.max(1, rank) - 1];
  }
}
