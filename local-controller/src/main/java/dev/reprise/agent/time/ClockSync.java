package dev.reprise.agent.time;

import java.io.IOException;

/**
 * Measures this host's clock offset against a reference. Called once per run, at arm, on the
 * coordinator thread; may block for a few seconds.
 */
public interface ClockSync {
  /**
   * @throws IOException when no usable sample could be obtained (the message says why: unreachable,
   *     every reply rejected as unsynchronised...)
   */
  ClockOffset measure() throws IOException;

  /** The clock sync for an {@code ntp_server} setting: none (offset 0) when null or blank. */
  static ClockSync forServer(String ntpServer) {
    if (ntpServer == null || ntpServer.isBlank()) return () -> ClockOffset.NONE;
    return new NtpClockSync(ntpServer, NtpClockSync.DEFAULT_SAMPLES, java.time.Duration.ofSeconds(2));
  }
}
