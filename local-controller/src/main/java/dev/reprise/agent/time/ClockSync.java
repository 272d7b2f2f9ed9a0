package dev.reprise.agent.time;

import dev.reprise.time.Clock;
import java.io.IOException;

/**
 * Measures how far a clock is from a reference. Called at arm on the coordinator thread and during
 * the run on the agent's clock-sync thread, never on the scheduler's; may block for a few seconds.
 */
public interface ClockSync {
  /**
   * The error of {@code clock} against the reference: {@link ClockOffset#offsetMillis()} is reference
   * − clock, so adding it to the clock corrects it.
   *
   * @throws IOException when no usable sample could be obtained (the message says why: unreachable,
   *     every reply rejected as unsynchronised...)
   */
  ClockOffset measure(Clock clock) throws IOException;

  /**
   * A quick measurement for pre-flight: whether the reference answers and how far {@code clock} is
   * from it, the clock left as it is. May give up sooner than {@link #measure} when the reference
   * does not answer at all (an unreachable server would not answer the later samples either).
   * Called on the agent's pre-flight thread.
   *
   * @throws IOException when the reference cannot be measured against (the message says why)
   */
  default ClockOffset probe(Clock clock) throws IOException {
    return measure(clock);
  }

  /** The clock sync for an {@code ntp_server} setting: none (offset 0) when null or blank. */
  static ClockSync forServer(String ntpServer) {
    if (ntpServer == null || ntpServer.isBlank()) return clock -> ClockOffset.NONE;
    return new NtpClockSync(ntpServer, NtpClockSync.DEFAULT_SAMPLES, java.time.Duration.ofSeconds(2));
  }
}
