package dev.reprise.agent.time;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import org.apache.commons.net.ntp.NTPUDPClient;
import org.apache.commons.net.ntp.TimeInfo;

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

  private static NtpSample toSample(TimeInfo info) {
    info.computeDetails();
    var msg = info.getMessage();
    boolean zeroTransmit = msg.getTransmitTimeStamp() == null || msg.getTransmitTimeStamp().ntpValue() == 0;
    Long offset = info.getOffset();
    Long delay = info.getDelay();
    return new NtpSample(msg.getStratum(), msg.getLeapIndicator(), zeroTransmit,
        offset == null ? Double.NaN : offset, delay == null ? Double.NaN : delay);
  }
}
