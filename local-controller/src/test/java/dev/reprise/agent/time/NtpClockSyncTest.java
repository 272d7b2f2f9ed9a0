package dev.reprise.agent.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.net.ntp.NtpV3Impl;
import org.apache.commons.net.ntp.TimeInfo;
import org.apache.commons.net.ntp.TimeStamp;
import org.junit.jupiter.api.Test;

class NtpClockSyncTest {
  private static final long EPOCH_MS = 1_790_000_000_000L;

  static TimeStamp at(double millis) {
    long whole = (long) Math.floor(millis);
    long seconds = TimeStamp.getNtpTime(whole - Math.floorMod(whole, 1000)).ntpValue() & 0xFFFFFFFF00000000L;
    double fractionMs = millis - (whole - Math.floorMod(whole, 1000));
    return new TimeStamp(seconds | Math.round(fractionMs / 1000.0 * 4294967296.0));
  }

  /** A reply whose server stamps are t2 and t3; commons-net's own client stamps are deliberately wrong. */
  static TimeInfo reply(double t2, double t3) {
    var packet = new NtpV3Impl();
    packet.setStratum(2);
    packet.setOriginateTimeStamp(at(EPOCH_MS - 5_000)); // the system clock's stamp, not the measured clock's
    packet.setReceiveTimeStamp(at(t2));
    packet.setTransmitTime(at(t3));
    return new TimeInfo(packet, EPOCH_MS + 5_000);
  }

  @Test void offsetAndDelayUseTheMeasuredClocksStampsAndTheServersFractions() {
    // t1 = 0, t2 = 0.25, t3 = 0.75, t4 = 2.0 (ms after EPOCH_MS): offset = ((0.25) + (0.75 - 2)) / 2, delay = 2 - 0.5
    var sample = NtpClockSync.toSample(reply(EPOCH_MS + 0.25, EPOCH_MS + 0.75), EPOCH_MS, EPOCH_MS + 2);
    assertThat(sample.offsetMillis()).isCloseTo(-0.5, within(0.001));
    assertThat(sample.delayMillis()).isCloseTo(1.5, within(0.001));
    assertThat(sample.rejection()).isNull();
  }

  @Test void subMillisecondClientStampsGiveASubMillisecondDelay() {
    var sample = NtpClockSync.toSample(reply(EPOCH_MS + 10.040, EPOCH_MS + 10.050), EPOCH_MS + 0.010, EPOCH_MS + 0.090);
    assertThat(sample.delayMillis()).isCloseTo(0.070, within(0.001));
    assertThat(sample.offsetMillis()).isCloseTo(9.995, within(0.001));
  }

  @Test void aDelayJustBelowZeroIsStampJitterNotABadReply() {
    var sample = NtpClockSync.toSample(reply(EPOCH_MS + 0.010, EPOCH_MS + 0.050), EPOCH_MS, EPOCH_MS + 0.020);
    assertThat(sample.delayMillis()).isZero();
    assertThat(sample.rejection()).isNull();
  }

  @Test void aClearlyNegativeDelayIsRejected() {
    var sample = NtpClockSync.toSample(reply(EPOCH_MS + 0.010, EPOCH_MS + 3), EPOCH_MS, EPOCH_MS + 1);
    assertThat(sample.rejection()).isEqualTo("negative or undefined delay");
  }

  @Test void timestampsConvertWithTheirFraction() {
    assertThat(NtpClockSync.millis(at(EPOCH_MS + 123.456))).isCloseTo(EPOCH_MS + 123.456, within(0.001));
    assertThat(NtpClockSync.epochMillis(java.time.Instant.ofEpochMilli(EPOCH_MS).plusNanos(123_456)))
        .isCloseTo(EPOCH_MS + 0.123456, within(0.0000005));
  }

  @Test void aZeroTransmitTimestampIsFlagged() {
    var packet = new NtpV3Impl();
    packet.setStratum(2);
    packet.setOriginateTimeStamp(at(EPOCH_MS));
    assertThat(NtpClockSync.toSample(new TimeInfo(packet, EPOCH_MS + 2), EPOCH_MS, EPOCH_MS + 2).rejection())
        .isEqualTo("zero transmit timestamp");
  }

  /** A loopback UDP socket that reads NTP requests and never answers (a server that is down or filtered). */
  private static final class SilentServer implements AutoCloseable {
    final java.net.DatagramSocket socket;
    final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    final Thread reader;

    SilentServer() throws java.io.IOException {
      socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
      reader = new Thread(() -> {
        var buf = new java.net.DatagramPacket(new byte[64], 64);
        try {
          while (true) {
            socket.receive(buf);
            requests.incrementAndGet();
          }
        } catch (java.io.IOException closed) {
          // closed by the test
        }
      }, "silent-ntp");
      reader.setDaemon(true);
      reader.start();
    }

    String address() {
      return "127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      reader.join(5000);
    }
  }

  @Test void aProbeOfASilentServerGivesUpAfterTwoSamplesWhileAMeasurementTriesThemAll() throws Exception {
    try (var server = new SilentServer()) {
      var sync = new NtpClockSync(server.address(), 6, java.time.Duration.ofMillis(200));
      var clock = new dev.reprise.agent.testing.ManualClock(java.time.Instant.parse("2030-01-01T00:00:00Z"));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync.probe(clock)).isInstanceOf(java.io.IOException.class)
          .hasMessageStartingWith("no usable NTP reply from " + server.address());
      awaitRequests(server, 2);
      assertThat(server.requests.get()).isEqualTo(2);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync.measure(clock)).isInstanceOf(java.io.IOException.class);
      awaitRequests(server, 8);
      assertThat(server.requests.get()).isEqualTo(8);
    }
  }

  /** Waits (10 s at most) until the silent server has read {@code n} requests: its reader thread may lag. */
  private static void awaitRequests(SilentServer server, int n) throws InterruptedException {
    for (int i = 0; i < 1000 && server.requests.get() < n; i++) java.util.concurrent.TimeUnit.MILLISECONDS.sleep(10);
  }
}
