package dev.reprise.agent.time;

import dev.reprise.time.Clock;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import org.apache.commons.net.ntp.NTPUDPClient;
import org.apache.commons.net.ntp.TimeInfo;
import org.apache.commons.net.ntp.TimeStamp;

/**
 * {@link ClockSync} over NTP (Apache Commons Net): sends {@code samples} requests, rejects bad
 * replies (see {@link NtpSample#rejection()}) and keeps the one with the least round-trip delay. The
 * only class importing Commons Net. {@code server} may carry a port as {@code host:port}.
 *
 * <p>The client-side timestamps (send t1, receive t4) are read off the clock being measured, with
 * its full resolution, right around each request; Commons Net's own are the system wall clock in
 * whole milliseconds, which is neither the clock the agent schedules on nor precise enough on a LAN.
 * The server's timestamps keep their sub-millisecond fractions.
 */
public final class NtpClockSync implements ClockSync {
  static final int DEFAULT_SAMPLES = 6;
  /** How many unanswered samples in a row, with no reply yet, end a {@link #probe}. */
  static final int PROBE_SILENT_SAMPLES = 2;

  /** A computed delay this far below zero is stamp jitter, read as zero; further below, a bad reply. */
  static final double DELAY_JITTER_MS = 0.05;

  private final String server;
  private final int samples;
  private final Duration timeout;

  public NtpClockSync(String server, int samples, Duration timeout) {
    this.server = server;
    this.samples = samples;
    this.timeout = timeout;
  }

  @Override
  public ClockOffset measure(Clock clock) throws IOException {
    return measure(clock, false);
  }

  /**
   * As {@link #measure}, but gives up when the first {@link #PROBE_SILENT_SAMPLES} samples all went
   * unanswered: an unreachable server costs two timeouts, not {@code samples}, and one lost packet
   * does not fail it.
   */
  @Override
  public ClockOffset probe(Clock clock) throws IOException {
    return measure(clock, true);
  }

  private ClockOffset measure(Clock clock, boolean giveUpWhenSilent) throws IOException {
    String host = server;
    int port = 123;
    int colon = server.lastIndexOf(':');
    if (colon > 0 && server.indexOf(':') == colon) {
      host = server.substring(0, colon);
      port = Integer.parseInt(server.substring(colon + 1));
    }
    var address = InetAddress.getByName(host);
    var replies = new ArrayList<NtpSample>();
    var failures = new ArrayList<String>();
    var client = new NTPUDPClient();
    client.setDefaultTimeout(timeout);
    try {
      client.open();
      for (int i = 0; i < samples; i++) {
        try {
          double sent = epochMillis(clock.now());
          var info = client.getTime(address, port);
          double received = epochMillis(clock.now());
          replies.add(toSample(info, sent, received));
        } catch (IOException e) {
          failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
          if (giveUpWhenSilent && replies.isEmpty() && failures.size() >= PROBE_SILENT_SAMPLES) break;
        }
      }
    } finally {
      client.close();
    }
    return NtpSampleFilter.best(server, replies, failures);
  }

  /**
   * Offset (server − clock) and round-trip delay from the four timestamps.
   *
   * @param sentMillis t1, the clock's reading just before the request went out (epoch ms)
   * @param receivedMillis t4, its reading just after the reply came in
   */
  static NtpSample toSample(TimeInfo info, double sentMillis, double receivedMillis) {
    var msg = info.getMessage();
    boolean zeroTransmit = msg.getTransmitTimeStamp() == null || msg.getTransmitTimeStamp().ntpValue() == 0;
    double offset = Double.NaN;
    double delay = Double.NaN;
    if (!zeroTransmit && msg.getReceiveTimeStamp() != null && msg.getReceiveTimeStamp().ntpValue() != 0) {
      double t2 = millis(msg.getReceiveTimeStamp());
      double t3 = millis(msg.getTransmitTimeStamp());
      offset = ((t2 - sentMillis) + (t3 - receivedMillis)) / 2;
      delay = (receivedMillis - sentMillis) - (t3 - t2);
      if (delay < 0 && delay > -DELAY_JITTER_MS) delay = 0;
    }
    return new NtpSample(msg.getStratum(), msg.getLeapIndicator(), zeroTransmit, offset, delay);
  }

  static double epochMillis(Instant t) {
    return t.getEpochSecond() * 1000d + t.getNano() / 1_000_000d;
  }

  /** An NTP timestamp as Java epoch milliseconds, with its fraction. */
  static double millis(TimeStamp ts) {
    long v = ts.ntpValue();
    long wholeSeconds = new TimeStamp(v & 0xFFFFFFFF00000000L).getTime();
    return wholeSeconds + (v & 0xFFFFFFFFL) * 1000.0 / 4294967296.0;
  }
}
