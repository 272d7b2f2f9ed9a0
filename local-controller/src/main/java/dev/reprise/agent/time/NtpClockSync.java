package dev.reprise.agent.time;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import org.apache.commons.net.ntp.NTPUDPClient;
import org.apache.commons.net.ntp.TimeInfo;
import org.apache.commons.net.ntp.TimeStamp;

/**
 * {@link ClockSync} over NTP (Apache Commons Net): sends {@code samples} requests, rejects bad
 * replies (see {@link NtpSample#rejection()}) and keeps the one with the least round-trip delay. The
 * only class importing Commons Net. {@code server} may carry a port as {@code host:port}.
 */
public final class NtpClockSync implements ClockSync {
  static final int DEFAULT_SAMPLES = 6;

  private final String server;
  private final int samples;
  private final Duration timeout;

  public NtpClockSync(String server, int samples, Duration timeout) {
    this.server = server;
    this.samples = samples;
    this.timeout = timeout;
  }

  @Override
  public ClockOffset measure() throws IOException {
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
          replies.add(toSample(client.getTime(address, port)));
        } catch (IOException e) {
          failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }
    } finally {
      client.close();
    }
    return NtpSampleFilter.best(server, replies, failures);
  }

  /**
   * Offset and delay from the four timestamps, keeping the server's sub-millisecond fractions
   * (commons-net's {@code computeDetails} rounds every timestamp to whole milliseconds, which made
   * offsets and uncertainties on a LAN read as 0 or 1 ms). The client's own two timestamps are
   * whole milliseconds (commons-net takes them from the wall clock), so the resolution is 0.5 ms.
   */
  /** The resolution of commons-net's client-side timestamps (wall-clock milliseconds). */
  static final double CLIENT_RESOLUTION_MS = 1.0;

  static NtpSample toSample(TimeInfo info) {
    var msg = info.getMessage();
    boolean zeroTransmit = msg.getTransmitTimeStamp() == null || msg.getTransmitTimeStamp().ntpValue() == 0;
    double offset = Double.NaN;
    double delay = Double.NaN;
    if (!zeroTransmit && msg.getOriginateTimeStamp() != null && msg.getReceiveTimeStamp() != null
        && msg.getOriginateTimeStamp().ntpValue() != 0 && msg.getReceiveTimeStamp().ntpValue() != 0) {
      double t1 = millis(msg.getOriginateTimeStamp());
      double t2 = millis(msg.getReceiveTimeStamp());
      double t3 = millis(msg.getTransmitTimeStamp());
      double t4 = info.getReturnTime();
      offset = ((t2 - t1) + (t3 - t4)) / 2;
      delay = (t4 - t1) - (t3 - t2);
      // t1 and t4 are whole milliseconds: on a sub-millisecond path the computed delay can come out
      // just below zero. Within that resolution it is a zero delay, not a bad reply.
      if (delay < 0 && delay > -CLIENT_RESOLUTION_MS) delay = 0;
    }
    return new NtpSample(msg.getStratum(), msg.getLeapIndicator(), zeroTransmit, offset, delay);
  }

  /** An NTP timestamp as Java epoch milliseconds, with its fraction. */
  static double millis(TimeStamp ts) {
    long v = ts.ntpValue();
    long wholeSeconds = new TimeStamp(v & 0xFFFFFFFF00000000L).getTime();
    return wholeSeconds + (v & 0xFFFFFFFFL) * 1000.0 / 4294967296.0;
  }
}
