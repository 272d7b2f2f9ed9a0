package dev.reprise.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The real adapter's waiting contract, and the manual clock the three modules' tests share. */
class TimeTest {
  private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void systemTimeNeverReturnsBeforeItsDeadlineAndAtOnceForOneInThePast() throws Exception {
    var time = SystemTime.INSTANCE;
    long deadline = time.nanoTime() + Duration.ofMillis(50).toNanos();
    time.sleepUntilNanos(deadline);
    assertThat(time.nanoTime()).isGreaterThanOrEqualTo(deadline);
    long before = time.nanoTime();
    time.sleepUntilNanos(before - 1_000_000_000L);
    // bound in seconds: a past deadline does not wait (a loaded machine may still deschedule us)
    assertThat(time.nanoTime() - before).isLessThan(Duration.ofSeconds(5).toNanos());
  }

  @Test
  void systemTimeSleepIsInterruptible() throws Exception {
    var thrown = new AtomicReference<Throwable>();
    var started = new CountDownLatch(1);
    var t = new Thread(() -> {
      started.countDown();
      try {
        SystemTime.INSTANCE.sleep(Duration.ofMinutes(10));
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    t.interrupt();
    t.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(t.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void manualTimeRunsDueTasksInDeadlineOrderAsItAdvances() {
    var time = new ManualTime(START);
    var ran = new ArrayList<String>();
    time.runAt(START.plusSeconds(2), () -> ran.add("b at " + time.now()));
    time.runAt(START.plusSeconds(1), () -> ran.add("a at " + time.now()));
    var cancelled = time.runAt(START.plusSeconds(1), () -> ran.add("cancelled"));
    cancelled.cancel();
    time.runAt(START.plusSeconds(9), () -> ran.add("later"));
    time.advance(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("a at " + START.plusSeconds(1), "b at " + START.plusSeconds(2));
    assertThat(time.now()).isEqualTo(START.plusSeconds(5));
    assertThat(time.nanoTime()).isEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(time.pending()).isEqualTo(1);
  }

  @Test
  void manualSleepAdvancesTheClockAndAWallShiftLeavesTheCounter() throws Exception {
    var time = new ManualTime(START);
    time.sleep(Duration.ofMillis(1500));
    assertThat(time.now()).isEqualTo(START.plusMillis(1500));
    assertThat(time.sleeps()).containsExactly("sleep 0ms -> 1500ms");
    time.shiftWall(Duration.ofSeconds(-3));
    assertThat(time.now()).isEqualTo(START.minusMillis(1500));
    assertThat(time.nanoTime()).isEqualTo(Duration.ofMillis(1500).toNanos());
    time.sleepUntilNanos(0); // a past deadline: no wait, no sleep recorded
    assertThat(time.sleeps()).hasSize(1);
  }
}
