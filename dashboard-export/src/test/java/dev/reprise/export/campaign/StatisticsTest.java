package dev.reprise.export.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatisticsTest {
  @Test
  void sampleStandardDeviationDividesByNMinusOne() {
    Statistics.Summary s = Statistics.summary(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0));
    assertThat(s.n()).isEqualTo(8);
    assertThat(s.missing()).isZero();
    assertThat(s.mean()).isEqualTo(5.0);
    assertThat(s.sd()).isCloseTo(Math.sqrt(32.0 / 7), offset(1e-12));
    assertThat(s.min()).isEqualTo(2.0);
    assertThat(s.max()).isEqualTo(9.0);
    assertThat(s.cv()).isCloseTo(Math.sqrt(32.0 / 7) / 5, offset(1e-12));
  }

  @Test
  void oneValueHasAMeanAndARangeButNoStandardDeviation() {
    Statistics.Summary s = Statistics.summary(List.of(3.5));
    assertThat(s).isEqualTo(new Statistics.Summary(1, 0, 3.5, null, 3.5, 3.5));
    assertThat(s.cv()).isNull();
  }

  @Test
  void nullNanAndInfiniteValuesAreSkippedAndCounted() {
    Statistics.Summary s = Statistics.summary(Arrays.asList(1.0, null, Double.NaN, 3.0, Double.POSITIVE_INFINITY));
    assertThat(s.n()).isEqualTo(2);
    assertThat(s.missing()).isEqualTo(3);
    assertThat(s.mean()).isEqualTo(2.0);
    assertThat(s.sd()).isCloseTo(Math.sqrt(2), offset(1e-12));
  }

  @Test
  void noValuesGiveNoFigures() {
    assertThat(Statistics.summary(List.of())).isEqualTo(new Statistics.Summary(0, 0, null, null, null, null));
    assertThat(Statistics.summary(Arrays.asList(null, null))).isEqualTo(new Statistics.Summary(0, 2, null, null, null, null));
  }

  @Test
  void equalValuesHaveZeroSpreadWithoutRoundingNoise() {
    Statistics.Summary s = Statistics.summary(List.of(1e9 + 0.1, 1e9 + 0.1, 1e9 + 0.1));
    assertThat(s.sd()).isZero();
    assertThat(s.cv()).isZero();
  }

  @Test
  void nearestRankPercentile() {
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = 100 - i; // 1..100, unsorted
    }
    assertThat(Statistics.percentile(hundred, 99)).isEqualTo(99.0);
    assertThat(Statistics.percentile(hundred, 50)).isEqualTo(50.0);
    assertThat(Statistics.percentile(new double[] {5, 1, 3}, 99)).isEqualTo(5.0);
    assertThat(Statistics.percentile(new double[] {Double.NaN, 2}, 99)).isEqualTo(2.0);
    assertThat(Statistics.percentile(new double[] {Double.NaN}, 99)).isNull();
    assertThat(Statistics.percentile(new double[0], 99)).isNull();
    assertThatThrownBy(() -> Statistics.percentile(new double[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
