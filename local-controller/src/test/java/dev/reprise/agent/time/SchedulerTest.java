package dev.reprise.agent.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void manualClockRunsDueTasksInDeadlineOrderWithTheClockAtEachDeadline() {
    var clock = new ManualClock(T0);
    var seen = new CopyOnWriteArrayList<String>();
    clock.at(T0.plusMillis(300), () -> seen.add("c@" + clock.now()));
    clock.at(T0.plusMillis(100), () -> seen.add("a@" + clock.now()));
    clock.at(T0.plusMillis(100), () -> seen.add("b@" + clock.now()));
    var cancelled = clock.at(T0.plusMillis(200), () -> seen.add("cancelled"));
    cancelled.cancel();

    clock.advance(Duration.ofMillis(250));
    assertThat(seen).containsExactly("a@2030-01-01T00:00:00.100Z", "b@2030-01-01T00:00:00.100Z");
    assertThat(clock.now()).isEqualTo(T0.plusMillis(250));

    clock.advance(Duration.ofMillis(100));
    assertThat(seen).hasSize(3).last().isEqualTo("c@2030-01-01T00:00:00.300Z");
    assertThat(clock.nanoTime()).isEqualTo(Duration.ofMillis(350).toNanos());
  }

  @Test
  void manualClockRunsTasksScheduledByTasksWhenTheyFallInsideTheAdvance() {
    var clock = new ManualClock(T0);
    var seen = new CopyOnWriteArrayList<Instant>();
    clock.at(T0.plusSeconds(1), () -> {
      seen.add(clock.now());
      clock.at(clock.now().plusSeconds(1), () -> seen.add(clock.now()));
    });
    clock.advance(Duration.ofSeconds(5));
    assertThat(seen).containsExactly(T0.plusSeconds(1), T0.plusSeconds(2));
  }

  @Test
  void preciseSchedulerNeverFiresBeforeItsDeadlineAndKeepsDeadlineOrder() throws Exception {
    var clock = new MonotonicClock();
    try (var scheduler = new PreciseScheduler(clock, "test-scheduler", Throwable::printStackTrace)) {
      var start = clock.now().plusMillis(50);
      List<long[]> fired = new CopyOnWriteArrayList<>();
      var done = new CountDownLatch(5);
      // Scheduled out of order on purpose.
      for (int i : new int[] {4, 1, 3, 0, 2}) {
        var deadline = start.plusMillis(20L * i);
        scheduler.at(deadline, () -> {
          fired.add(new long[] {i, Duration.between(deadline, clock.now()).toNanos()});
          done.countDown();
        });
      }
      var never = scheduler.at(start.plusMillis(30), () -> fired.add(new long[] {99, 0}));
      never.cancel();
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(fired).extracting(f -> f[0]).containsExactly(0L, 1L, 2L, 3L, 4L);
      assertThat(fired).allSatisfy(f -> assertThat(f[1]).isGreaterThanOrEqualTo(0));
    }
  }

  @Test
  void preciseSchedulerRunsAPastDeadlineAtOnceAndSurvivesAThrowingTask() throws Exception {
    var clock = new MonotonicClock();
    var errors = new CopyOnWriteArrayList<Throwable>();
    try (var scheduler = new PreciseScheduler(clock, "test-scheduler", errors::add)) {
      var done = new CountDownLatch(1);
      scheduler.at(clock.now().minusSeconds(10), () -> {
        throw new IllegalStateException("boom");
      });
      scheduler.at(clock.now().minusSeconds(5), done::countDown);
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(errors).hasSize(1);
    }
  }
}
