package dev.reprise.agent.time;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Picks the sample to trust out of several NTP replies: the usable one with the least round-trip delay. */
public final class NtpSampleFilter {
  private NtpSampleFilter() {}

  /**
   * @param server for the result and messages
   * @param samples the replies, in any order; {@code null} entries stand for requests that failed
   * @param failures the reasons of failed requests, for the message when nothing is usable
   * @throws IOException when no sample is usable; the message lists every rejection
   */
  public static ClockOffset best(String server, List<NtpSample> samples, List<String> failures) throws IOException {
    var reasons = new ArrayList<>(failures);
    NtpSample best = null;
    for (var s : samples) {
      if (s == null) continue;
      var why = s.rejection();
      if (why != null) {
        reasons.add(why);
        continue;
      }
      if (best == null || s.delayMillis() < best.delayMillis()) best = s;
    }
    if (best == null) {
      throw new IOException("no usable NTP reply from " + server + ": " + String.join("; ", reasons));
    }
    return new ClockOffset(best.offsetMillis(), best.delayMillis() / 2, server);
  }

  /** Orders samples best first (usable before rejected, then by delay); for diagnostics. */
  public static final Comparator<NtpSample> BY_QUALITY =
      Comparator.comparing((NtpSample s) -> s.rejection() != null).thenComparingDouble(NtpSample::delayMillis);
}
