package dev.reprise.export;

import java.time.Instant;
import java.util.Map;

/**
 * One client's workload metrics for one interval, parsed from a container log line (the
 * traffic generator's per-second JSON line or a YCSB {@code -s} status line).
 *
 * @param time the end of the interval
 * @param intervalSeconds how long the interval was (1 for the traffic generator, 10 by default for YCSB)
 * @param okPerSecond successful operations per second over the interval
 * @param errors errors in the interval by kind ({@code timeout}, {@code unavailable}, {@code no_host}, {@code other})
 * @param p50 median latency in ms, null when not reported (also p95, p99, max)
 * @param inFlight requests in flight at the end of the interval, null when not reported
 * @param openConnections open connections, null when not reported
 * @param source {@code traffic-gen} or {@code ycsb}
 */
public record WorkloadSample(
    Instant time,
    double intervalSeconds,
    double okPerSecond,
    Map<String, Long> errors,
    Double p50,
    Double p95,
    Double p99,
    Double max,
    Integer inFlight,
    Integer openConnections,
    String source) {

  public WorkloadSample {
    errors = Map.copyOf(errors);
  }

  /** All errors in the interval. */
  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Errors per second over the interval. */
  public double errorsPerSecond() {
    return intervalSeconds > 0 ? errorCount() / intervalSeconds : errorCount();
  }
}
