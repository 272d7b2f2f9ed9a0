package dev.reprise.fdsl.record;

import java.time.Instant;

/**
 * One line of {@code clock.jsonl}: one measurement of a host's clock against its NTP server, and
 * what the agent did with it. The first is taken at arm and stepped into the clock (before any
 * action is scheduled); the later ones, every resync interval during the run, are slewed in at
 * most 1 ms per second, so the clock never jumps or runs backwards while actions are due. Only
 * hosts with an {@code ntp_server} write this file.
 *
 * @param time the host's corrected clock when the measurement finished
 * @param phase {@link #ARM} or {@link #RESYNC}
 * @param status {@link #STEPPED}, {@link #SLEWING}, {@link #REJECTED} or {@link #FAILED}
 * @param offsetMillis the clock's measured error (server − clock), before this correction; null when failed
 * @param uncertaintyMillis half the round-trip delay of the kept sample; null when failed
 * @param correctionMillis what the clock adds to the host's system clock after this measurement
 *     (its step applied, its slew not yet absorbed)
 * @param reason why a measurement was rejected or failed; null otherwise
 */
public record ClockRecord(
    Instant time,
    String host,
    String server,
    String phase,
    String status,
    Double offsetMillis,
    Double uncertaintyMillis,
    double correctionMillis,
    String reason) {
  public static final String ARM = "arm";
  public static final String RESYNC = "resync";
  public static final String STEPPED = "stepped";
  public static final String SLEWING = "slewing";
  public static final String REJECTED = "rejected";
  public static final String FAILED = "failed";
}
