package dev.reprise.agent.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NtpSampleFilterTest {
  static NtpSample good(double offset, double delay) {
    return new NtpSample(2, 0, false, offset, delay);
  }

  @Test
  void keepsTheUsableSampleWithTheLeastDelay() throws IOException {
    var best = NtpSampleFilter.best("ntp.test", List.of(good(12, 8), good(10.5, 1.2), good(30, 40)), List.of());
    assertThat(best).isEqualTo(new ClockOffset(10.5, 0.6, "ntp.test"));
  }

  @Test
  void rejectsStratumZeroUnsynchronisedLeapAndZeroTransmitTimeEvenWhenFaster() throws IOException {
    var samples = List.of(
        new NtpSample(0, 0, false, 500, 0.1),      // kiss-o'-death
        new NtpSample(2, 3, false, 400, 0.2),      // leap: unsynchronised
        new NtpSample(2, 0, true, 300, 0.3),       // zero transmit timestamp
        good(5, 3));
    assertThat(NtpSampleFilter.best("ntp.test", samples, List.of()).offsetMillis()).isEqualTo(5);
  }

  @Test
  void noUsableSampleIsAnErrorListingEveryReason() {
    var samples = Arrays.asList(new NtpSample(0, 0, false, 1, 1), null, new NtpSample(3, 3, false, 1, 1));
    assertThatThrownBy(() -> NtpSampleFilter.best("ntp.test", samples, List.of("SocketTimeoutException: timed out")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no usable NTP reply from ntp.test")
        .hasMessageContaining("timed out")
        .hasMessageContaining("stratum 0")
        .hasMessageContaining("leap indicator 3");
  }

  @Test
  void noServerMeansNoCorrection() throws IOException {
    assertThat(ClockSync.forServer(null).measure(new dev.reprise.agent.testing.ManualClock(java.time.Instant.EPOCH))).isEqualTo(ClockOffset.NONE);
    assertThat(ClockSync.forServer(" ").measure(new dev.reprise.agent.testing.ManualClock(java.time.Instant.EPOCH))).isEqualTo(ClockOffset.NONE);
    assertThat(ClockSync.forServer("pool.example")).isInstanceOf(NtpClockSync.class);
  }
}
