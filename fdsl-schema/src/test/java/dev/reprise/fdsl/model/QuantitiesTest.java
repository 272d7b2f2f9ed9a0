package dev.reprise.fdsl.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantitiesTest {
  @Test void percentagesTakeAnOptionalSign() {
    assertThat(Quantities.parsePercent("10%")).isEqualTo(10.0);
    assertThat(Quantities.parsePercent(" 0.5 % ")).isEqualTo(0.5);
    assertThat(Quantities.parsePercent("25")).isEqualTo(25.0);
    assertThatThrownBy(() -> Quantities.parsePercent("1e2")).hasMessageContaining("is not a percentage");
    assertThat(Quantities.formatPercent(10.0)).isEqualTo("10");
    assertThat(Quantities.formatPercent(0.25)).isEqualTo("0.25");
  }

  @Test void sizesTakeBinaryAndDecimalUnitsInAnyCase() {
    assertThat(Quantities.parseBytes("512MiB", "MiB")).isEqualTo(512L << 20);
    assertThat(Quantities.parseBytes("1gib", "MiB")).isEqualTo(1L << 30);
    assertThat(Quantities.parseBytes("1 GB", "MiB")).isEqualTo(1_000_000_000L);
    assertThat(Quantities.parseBytes("4096B", "MiB")).isEqualTo(4096L);
    assertThat(Quantities.parseBytes("2", "MiB")).isEqualTo(2L << 20);
    assertThatThrownBy(() -> Quantities.parseBytes("5M", "MiB")).hasMessageContaining("'5M' is not a size");
  }

  @Test void sizesAreFormattedInTheLargestExactUnit() {
    assertThat(Quantities.formatBytes(512L << 20)).isEqualTo("512MiB");
    assertThat(Quantities.formatBytes(1L << 30)).isEqualTo("1GiB");
    assertThat(Quantities.formatBytes(2_000_000_000L)).isEqualTo("2GB");
    assertThat(Quantities.formatBytes(1536L << 20)).isEqualTo("1536MiB");
    assertThat(Quantities.formatBytes(1001)).isEqualTo("1001B");
    for (long b : new long[] {1, 1000, 1024, 3L << 40, 123_456_789}) {
      assertThat(Quantities.parseBytes(Quantities.formatBytes(b), "MiB")).isEqualTo(b);
    }
  }

  @Test void bandwidthsAreTcsDecimalBitsOrBytes() {
    assertThat(Quantities.parseBitsPerSecond("1mbit")).isEqualTo(1_000_000L);
    assertThat(Quantities.parseBitsPerSecond("1.5Mbit")).isEqualTo(1_500_000L);
    assertThat(Quantities.parseBitsPerSecond("100kbps")).isEqualTo(800_000L);
    assertThat(Quantities.parseBitsPerSecond("8bps")).isEqualTo(64L);
    assertThatThrownBy(() -> Quantities.parseBitsPerSecond("100")).hasMessageContaining("is not a bandwidth");
    assertThatThrownBy(() -> Quantities.parseBitsPerSecond("1xbit")).hasMessageContaining("is not a bandwidth");
    assertThat(Quantities.formatBitsPerSecond(1_000_000)).isEqualTo("1mbit");
    assertThat(Quantities.formatBitsPerSecond(1_500_000)).isEqualTo("1500kbit");
    assertThat(Quantities.formatBitsPerSecond(64)).isEqualTo("64bit");
  }

  @Test void byteRatesArePerSecondSizes() {
    assertThat(Quantities.parseBytesPerSecond("64MiB/s")).isEqualTo(64L << 20);
    assertThat(Quantities.parseBytesPerSecond("1GiB")).isEqualTo(1L << 30);
    assertThat(Quantities.parseBytesPerSecond("10")).isEqualTo(10L << 20);
    assertThatThrownBy(() -> Quantities.parseBytesPerSecond("fast")).hasMessageContaining("'fast' is not a rate");
  }

  @Test void microsecondDurations() {
    assertThat(Quantities.parseMicros("50ms")).isEqualTo(50_000);
    assertThat(Quantities.parseMicros("1.5ms")).isEqualTo(1_500);
    assertThat(Quantities.parseMicros("250us")).isEqualTo(250);
    assertThat(Quantities.parseMicros("1s500us")).isEqualTo(1_000_500);
    assertThatThrownBy(() -> Quantities.parseMicros("5 parsecs")).hasMessageContaining("is not a duration");
    assertThat(Quantities.formatMicros(50_000)).isEqualTo("50ms");
    assertThat(Quantities.formatMicros(1_500)).isEqualTo("1.5ms");
    assertThat(Quantities.formatMicros(250)).isEqualTo("0.25ms");
    assertThat(Quantities.formatMicros(90_000_000)).isEqualTo("1m30s");
  }
}
