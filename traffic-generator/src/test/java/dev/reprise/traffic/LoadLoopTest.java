package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.time.ManualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LoadLoopTest {

  private final ManualTime clock = new ManualTime(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeTarget target = new FakeTarget(clock);
  private final Metrics metrics = new Metrics();

  private LoadLoop loop(int first, int stride, long rate, Semaphore permits) {
    return new LoadLoop(first, stride, new Pacer(0, rate), new Workload(Mode.READ, 0, 1000, 7), target, permits,
        metrics, clock);
  }

  @Test
  void sendsEachOperationAtItsIntendedTime() throws Exception {
    target.completeImmediately = true;
    LoadLoop l = loop(0, 1, 10, new Semaphore(100));
    for (int i = 0; i < 4; i++) {
      l.step();
    }
    assertThat(target.calls).extracting(c -> c.replaceAll("key=\\d+ ", ""))
        .containsExactly("read intended=0ms sent=0ms", "read intended=100ms sent=100ms",
            "read intended=200ms sent=200ms", "read intended=300ms sent=300ms");
    assertThat(clock.sleeps()).containsExactly("sleep 0ms -> 100ms", "sleep 100ms -> 200ms", "sleep 200ms -> 300ms");
  }

  @Test
  void aThreadSendsOnlyItsShareOfTheSchedule() throws Exception {
    target.completeImmediately = true;
    LoadLoop l = loop(1, 3, 30, new Semaphore(100));
    l.step();
    l.step();
    assertThat(target.calls).extracting(c -> c.replaceAll("key=\\d+ ", ""))
        .containsExactly("read intended=33ms sent=33ms", "read intended=133ms sent=133ms");
  }

  @Test
  void keepsSendingWhileEarlierOperationsAreUnansweredAndMeasuresFromIntendedTime() throws Exception {
    LoadLoop l = loop(0, 1, 10, new Semaphore(100));
    for (int i = 0; i < 10; i++) {
      l.step();
    }
    // Open loop: a server that answers nothing does not slow the sender down.
    assertThat(target.calls).hasSize(10);
    assertThat(target.pending).hasSize(10);
    clock.sleepUntilNanos(2_000_000_000L);
    target.completeAll();
    Histogram h = metrics.takeInterval().latencyMicros();
    assertThat(h.getTotalCount()).isEqualTo(10);
    // Operation 0 was due at 0 ms, operation 9 at 900 ms; all answered at 2000 ms.
    assertThat(h.getMaxValue()).isBetween(1_995_000L, 2_005_000L);
    assertThat(h.getMinValue()).isBetween(1_095_000L, 1_105_000L);
  }

  @Test
  void theInFlightCapHoldsSendsBackAndTheWaitCountsAsLatency() throws Exception {
    Semaphore permits = new Semaphore(3);
    LoadLoop l = loop(0, 1, 10, permits);
    Thread sender = new Thread(l::run, "test-sender");
    sender.start();
    try {
      waitFor(() -> target.calls.size() == 3 && sender.getState() == Thread.State.WAITING);
      assertThat(target.calls).hasSize(3);
      assertThat(permits.availablePermits()).isZero();

      // Answer the first operation at 1000 ms: one permit frees, operation 3 (due at 300 ms) goes out.
      clock.advance(Duration.ofMillis(1000 - clock.nanoTime() / 1_000_000));
      target.pending.remove(0).complete(null);
      waitFor(() -> target.calls.size() == 4);
      assertThat(target.calls.get(3)).endsWith("intended=300ms sent=1000ms");
    } finally {
      l.stop();
      sender.interrupt();
      sender.join(5_000);
    }
    target.completeAll();
    Histogram h = metrics.takeInterval().latencyMicros();
    // Operation 3 waited for the cap from 300 ms to 1000 ms: that wait is part of its latency.
    assertThat(h.getMaxValue()).isGreaterThanOrEqualTo(690_000L);
  }

  @Test
  void failuresAreCountedByKindAndExceptionClass() throws Exception {
    LoadLoop l = loop(0, 1, 10, new Semaphore(10));
    l.step();
    l.step();
    target.failOldest(ErrorKind.TIMEOUT, "DriverTimeoutException");
    target.failOldest(ErrorKind.NO_HOST, "NoNodeAvailableException");
    Metrics.Interval iv = metrics.takeInterval();
    assertThat(iv.errors()).containsEntry(ErrorKind.TIMEOUT, 1L).containsEntry(ErrorKind.NO_HOST, 1L)
        .containsEntry(ErrorKind.OTHER, 0L);
    assertThat(iv.latencyMicros().getTotalCount()).isZero();
    assertThat(metrics.exceptions()).containsExactly(
        java.util.Map.entry("DriverTimeoutException", 1L), java.util.Map.entry("NoNodeAvailableException", 1L));
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
