package dev.reprise.master.cli;

import dev.reprise.export.Thresholds;
import picocli.CommandLine.Option;

/**
 * The anomaly thresholds a comparison against a baseline uses ({@link Thresholds}), as options of
 * the commands that compare: {@code master compare} and {@code master campaign-report}.
 */
final class ThresholdOptions {

  @Option(names = "--drop-threshold", paramLabel = "FRACTION", defaultValue = "0.2",
      description = "A second is anomalous when throughput is more than this fraction below the baseline's median (default: ${DEFAULT-VALUE}).")
  double drop;

  @Option(names = "--error-threshold", paramLabel = "FRACTION", defaultValue = "0.05",
      description = "A second is anomalous when errors / operations exceeds this (default: ${DEFAULT-VALUE}).")
  double errors;

  @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "10",
      description = "Seconds after T0 ignored in every run compared (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--min-anomaly", paramLabel = "SECONDS", defaultValue = "1",
      description = "Drop anomaly windows shorter than this (default: ${DEFAULT-VALUE}).")
  int minAnomaly;

  /** The thresholds given; an {@link IllegalArgumentException} names the value out of range. */
  Thresholds thresholds() {
    return new Thresholds(drop, errors, warmup, minAnomaly);
  }
}
