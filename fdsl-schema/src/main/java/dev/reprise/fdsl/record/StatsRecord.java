package dev.reprise.fdsl.record;

import java.time.Instant;

/**
 * One line of {@code stats.jsonl}: one container's resource sample. Byte counters are cumulative
 * since the container started, as Docker reports them; {@code cpu_percent} is of one core (200 =
 * two cores busy), over the interval since the previous sample.
 */
public record StatsRecord(
    Instant time,
    String service,
    Integer id,
    String container,
    String host,
    double cpuPercent,
    long memBytes,
    long memLimitBytes,
    long netRxBytes,
    long netTxBytes,
    long blkReadBytes,
    long blkWriteBytes) {}
