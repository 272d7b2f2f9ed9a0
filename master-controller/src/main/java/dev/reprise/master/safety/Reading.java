package dev.reprise.master.safety;

import java.time.Instant;

/** What one check read from a condition's source. Immutable. */
sealed interface Reading {

  /**
   * The source answered.
   *
   * @param value the figure compared against the threshold (an HTTP check: the status code)
   * @param holds whether the condition holds at this check
   * @param context what the figure is, for the trip line ({@code error rate of api over 10 s, ...})
   * @param sampleTime for a workload figure: the end of the window, on the samples' own clock (the
   *     time of the newest line in it); null for remote sources
   */
  record Value(double value, boolean holds, String context, Instant sampleTime) implements Reading {}

  /**
   * The source answers but there is nothing to judge: a throughput drop during its warm-up, a
   * Prometheus vector without series (as an alerting rule: does not fire). Does not hold; no warning.
   */
  record NotYet(String why) implements Reading {}

  /** The source cannot be read; {@code why} in one line for a human. */
  record Unavailable(String why) implements Reading {}
}
