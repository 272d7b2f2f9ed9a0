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

  @Test void keepsTheServersSubMillisecondFractions() {
    var packet = new NtpV3Impl();
    packet.setStratum(2);
    packet.setOriginateTimeStamp(at(EPOCH_MS));          // t1: client sends
    packet.setReceiveTimeStamp(at(EPOCH_MS + 0.25));     // t2: server receives
    packet.setTransmitTime(at(EPOCH_MS + 0.75));    // t3: server answers
    var sample = NtpClockSync.toSample(new TimeInfo(packet, EPOCH_MS + 2)); // t4: client receives

    assertThat(sample.offsetMillis()).isCloseTo(-0.5, within(0.001));
    assertThat(sample.delayMillis()).isCloseTo(1.5, within(0.001));
    assertThat(sample.rejection()).isNull();
  }

  @Test void aDelayJustBelowZeroFromMillisecondClientStampsIsZero() {
    var packet = new NtpV3Impl();
    packet.setStratum(2);
    packet.setOriginateTimeStamp(at(EPOCH_MS));          // the client's stamps are whole ms
    packet.setReceiveTimeStamp(at(EPOCH_MS + 0.1));
    packet.setTransmitTime(at(EPOCH_MS + 0.7));      // server held it 0.6 ms
    var sample = NtpClockSync.toSample(new TimeInfo(packet, EPOCH_MS)); // "returned" in the same ms
    assertThat(sample.delayMillis()).isZero();
    assertThat(sample.rejection()).isNull();
  }

  @Test void timestampsConvertWithTheirFraction() {
    assertThat(NtpClockSync.millis(at(EPOCH_MS + 123.456))).isCloseTo(EPOCH_MS + 123.456, within(0.001));
  }

  @Test void aZeroTransmitTimestampIsFlagged() {
    var packet = new NtpV3Impl();
    packet.setStratum(2);
    packet.setOriginateTimeStamp(at(EPOCH_MS));
    assertThat(NtpClockSync.toSample(new TimeInfo(packet, EPOCH_MS + 2)).rejection()).isEqualTo("zero transmit timestamp");
  }
}
