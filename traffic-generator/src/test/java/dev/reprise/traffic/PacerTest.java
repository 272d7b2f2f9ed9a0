package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacerTest {

  @Test
  void spacesOperationsEvenlyFromTheStart() {
    Pacer p = new Pacer(5_000, 4);
    assertThat(p.intendedNanos(0)).isEqualTo(5_000);
    assertThat(p.intendedNanos(1)).isEqualTo(5_000 + 250_000_000L);
    assertThat(p.intendedNanos(4)).isEqualTo(5_000 + 1_000_000_000L);
    assertThat(p.intendedNanos(7)).isEqualTo(5_000 + 1_750_000_000L);
  }

  @Test
  void doesNotDriftOrOverflowOverLongRuns() {
    Pacer p = new Pacer(0, 3);
    // 1/3 s is not a whole number of ns; every third operation still lands exactly on a second.
    assertThat(p.intendedNanos(3_000_000_000L)).isEqualTo(1_000_000_000L * 1_000_000_000L);
    assertThat(p.intendedNanos(1)).isEqualTo(333_333_333L);
    Pacer fast = new Pacer(0, 1_000_000);
    assertThat(fast.intendedNanos(86_400L * 1_000_000 * 30)).isEqualTo(86_400L * 30 * 1_000_000_000L);
  }

  @Test
  void dueCountIsTheNumberOfOperationsWhoseTimeHasCome() {
    Pacer p = new Pacer(1_000, 10);
    assertThat(p.dueCount(999)).isZero();
    assertThat(p.dueCount(1_000)).isEqualTo(1);
    assertThat(p.dueCount(1_000 + 99_999_999)).isEqualTo(1);
    assertThat(p.dueCount(1_000 + 100_000_000)).isEqualTo(2);
    assertThat(p.dueCount(1_000 + 1_000_000_000)).isEqualTo(11);
    Pacer third = new Pacer(0, 3);
    for (long i = 0; i < 50; i++) {
      assertThat(third.dueCount(third.intendedNanos(i))).as("op %d", i).isEqualTo(i + 1);
      assertThat(third.dueCount(third.intendedNanos(i) - 1)).as("just before op %d", i).isEqualTo(i);
    }
  }

  @Test
  void rejectsARateBelowOne() {
    assertThatThrownBy(() -> new Pacer(0, 0)).hasMessageContaining("at least 1");
  }
}
