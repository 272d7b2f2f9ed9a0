package dev.reprise.agent.time;

/**
 * A measured clock error: reference − clock, so corrected = clock + {@code offsetMillis}.
 *
 * @param offsetMillis the error in milliseconds (0 without clock sync)
 * @param uncertaintyMillis half the round-trip delay of the kept sample; null without clock sync
 * @param server the NTP server measured against; null without clock sync
 */
public record ClockOffset(double offsetMillis, Double uncertaintyMillis, String server) {
  /** No clock sync configured: the local clock is used as is. */
  public static final ClockOffset NONE = new ClockOffset(0, null, null);
}
