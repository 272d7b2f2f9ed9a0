package dev.reprise.fdsl.record;

import java.time.Instant;

/**
 * One line of {@code host-stats.jsonl}: one host's sample from /proc. {@code cpu_percent} is of the
 * whole machine (100 = every core busy) over the interval since the previous sample; counters are
 * cumulative since boot.
 */
public record HostStatsRecord(
    Instant time,
    String host,
    double cpuPercent,
    int cores,
    long memTotalBytes,
    long memAvailableBytes,
    long netRxBytes,
    long netTxBytes,
    long diskReadBytes,
    long diskWriteBytes,
    double load1) {}
