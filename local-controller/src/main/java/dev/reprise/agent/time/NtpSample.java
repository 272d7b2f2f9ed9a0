package dev.reprise.agent.time;

/**
 * One NTP reply, reduced to what the sample filter needs.
 *
 * @param stratum the server's stratum (0 = kiss-o'-death / unsynchronised)
 * @param leapIndicator 3 means the server's clock is not synchronised
 * @param transmitTimeZero whether the server's transmit timestamp was zero (a bogus reply)
 * @param offsetMillis the computed offset (server − local)
 * @param delayMillis the round-trip delay
 */
public record NtpSample(int stratum, int leapIndicator, boolean transmitTimeZero, double offsetMillis, double delayMillis) {

  /** Why this sample cannot be used, or null when it can. */
  public String rejection() {
    if (transmitTimeZero) return "zero transmit timestamp";
    if (stratum == 0 || stratum >= 16) return "stratum " + stratum + " (unsynchronised or kiss-o'-death)";
    if (leapIndicator == 3) return "leap indicator 3 (server clock not synchronised)";
    if (delayMillis < 0 || Double.isNaN(delayMillis) || Double.isNaN(offsetMillis)) return "negative or undefined delay";
    return null;
  }
}
