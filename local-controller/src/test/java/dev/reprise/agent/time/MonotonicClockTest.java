package dev.reprise.agent.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The real clock on a hand-driven counter and wall clock. */
class MonotonicClockTest {
  static final Instant T = Instant.parse("2026-11-23T12:00:00Z");

  long mono = 5_000_000_000L;
  Instant wall = T;
  final MonotonicClock clock = new MonotonicClock(() -> mono, () -> wall);

  void elapse(Duration d) {
    mono += d.toNanos();
    wall = wall.plus(d);
  }

  @Test void readsTheWallClockAtStartThenFollowsTheCounter() {
    assertThat(clock.now()).isEqualTo(T);
    elapse(Duration.ofMillis(1500));
    assertThat(clock.now()).isEqualTo(T.plusMillis(1500));
    assertThat(clock.correctionMillis()).isZero();
  }

  @Test void aSystemClockStepDuringTheRunMovesNothing() {
    elapse(Duration.ofSeconds(1));
    wall = wall.minusSeconds(30); // someone ran date -s
    elapse(Duration.ofSeconds(1));
    assertThat(clock.now()).isEqualTo(T.plusSeconds(2));
    assertThat(clock.correctionMillis()).isCloseTo(30_000, within(1e-6));
  }

  @Test void stepMovesAtOnceInEitherDirection() {
    clock.step(12.5);
    assertThat(clock.now()).isEqualTo(T.plusNanos(12_500_000));
    clock.step(-20);
    assertThat(clock.now()).isEqualTo(T.minusNanos(7_500_000));
    assertThat(clock.correctionMillis()).isCloseTo(-7.5, within(1e-6));
  }

  @Test void slewAbsorbsAPositiveErrorAtOneMillisecondPerSecond() {
    clock.slew(3);
    elapse(Duration.ofSeconds(1));
    assertThat(clock.now()).isEqualTo(T.plusSeconds(1).plusMillis(1));
    assertThat(clock.pendingSlewMillis()).isCloseTo(2, within(1e-6));
    elapse(Duration.ofSeconds(10));
    assertThat(clock.now()).isEqualTo(T.plusSeconds(11).plusMillis(3));
    assertThat(clock.pendingSlewMillis()).isZero();
    assertThat(clock.correctionMillis()).isCloseTo(3, within(1e-6));
  }

  @Test void slewingBackwardsSlowsTheClockButNeverTurnsItBack() {
    clock.slew(-2);
    Instant previous = clock.now();
    for (int i = 0; i < 5000; i++) {
      elapse(Duration.ofNanos(999_937));
      var now = clock.now();
      assertThat(now).isAfter(previous);
      previous = now;
    }
    assertThat(clock.correctionMillis()).isCloseTo(-2, within(1e-6));
  }

  @Test void aNewSlewReplacesTheUnabsorbedRestOfTheLastOne() {
    clock.slew(10);
    elapse(Duration.ofSeconds(2)); // 2 ms absorbed, 8 pending
    clock.slew(-1);                 // measured now: the clock is 1 ms ahead
    assertThat(clock.pendingSlewMillis()).isCloseTo(-1, within(1e-6));
    elapse(Duration.ofSeconds(5));
    assertThat(clock.correctionMillis()).isCloseTo(1, within(1e-6));
  }

  @Test void stepKeepsAPendingSlew() {
    clock.slew(4);
    elapse(Duration.ofSeconds(1));
    clock.step(100);
    assertThat(clock.pendingSlewMillis()).isCloseTo(3, within(1e-6));
    elapse(Duration.ofSeconds(10));
    assertThat(clock.correctionMillis()).isCloseTo(104, within(1e-6));
  }

  @Test void theRealClockIsCloseToTheSystemClock() {
    var real = new MonotonicClock();
    assertThat(Duration.between(Instant.now(), real.now()).abs()).isLessThan(Duration.ofMillis(50));
  }
}
