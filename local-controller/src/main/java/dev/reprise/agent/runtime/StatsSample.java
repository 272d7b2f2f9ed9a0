package dev.reprise.agent.runtime;

import java.time.Instant;

/**
 * One resource sample of a container as the engine reports it (cgroup counters).
 *
 * @param read when the engine read the counters (host's local clock)
 * @param cpuTotalNanos the container's cumulative CPU time
 * @param preCpuTotalNanos the same at the previous sample
 * @param systemCpuNanos the host's cumulative CPU time (all cores)
 * @param preSystemCpuNanos the same at the previous sample
 * @param onlineCpus the host's online CPUs
 * @param memBytes memory in use, page cache excluded
 * @param memLimitBytes the memory limit
 * @param netRxBytes bytes received, all interfaces
 * @param netTxBytes bytes sent, all interfaces
 * @param blkReadBytes bytes read from block devices
 * @param blkWriteBytes bytes written to block devices
 */
public record StatsSample(
    Instant read, long cpuTotalNanos, long preCpuTotalNanos, long systemCpuNanos, long preSystemCpuNanos, int onlineCpus,
    long memBytes, long memLimitBytes, long netRxBytes, long netTxBytes, long blkReadBytes, long blkWriteBytes) {

  /**
   * CPU use over the interval since the previous sample, in percent of one core (200 = two cores
   * busy), computed as Docker's CLI does: container delta / system delta × online CPUs × 100.
   * 0 when there is no previous sample or no system delta.
   */
  public double cpuPercent() {
    long cpuDelta = cpuTotalNanos - preCpuTotalNanos;
    long systemDelta = systemCpuNanos - preSystemCpuNanos;
    if (preSystemCpuNanos == 0 || systemDelta <= 0 || cpuDelta < 0) return 0;
    return (double) cpuDelta / systemDelta * onlineCpus * 100.0;
  }
}
