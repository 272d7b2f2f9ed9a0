package dev.reprise.traffic;

import dev.reprise.time.Time;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;

/**
 * One sender thread's share of the open-loop schedule: operations {@code first, first + stride,
 * ...}. Each is sent at its intended time (or at once when the loop is behind), whether or not
 * earlier ones were answered; only the in-flight cap can hold a send back, and then the wait shows
 * up in that operation's latency because latency is measured from the intended time.
 *
 * <p>Closed loop ({@code --closed-loop}, YCSB's discipline): the next operation is sent when the
 * previous one has completed, with no pacing; its latency is measured from when it was sent, and
 * throughput is what the server can take from these senders.
 *
 * <p>With an {@link AckLog}, the index of every acknowledged write is appended to it
 * ({@code --verify-writes}).
 *
 * <p>Not thread-safe: {@link #run()} belongs to one thread; {@link #nextIntendedNanos()} may be
 * read from another.
 */
public final class LoadLoop implements Runnable {

  private final Pacer pacer;
  private final Workload workload;
  private final LoadTarget target;
  private final Semaphore inFlightPermits;
  private final Metrics metrics;
  private final Time clock;
  private final int stride;
  private final boolean closedLoop;
  private final AckLog acks;
  private final long endNanos;
  private volatile long next;
  private volatile boolean running = true;

  public LoadLoop(int first, int stride, Pacer pacer, Workload workload, LoadTarget target,
      Semaphore inFlightPermits, Metrics metrics, Time clock) {
    this(first, stride, pacer, workload, target, inFlightPermits, metrics, clock, false, null);
  }

  /**
   * @param closedLoop send each operation when the previous one completed, ignoring the pacer
   * @param acks where acknowledged writes' indices go; null: not recorded
   */
  LoadLoop(int first, int stride, Pacer pacer, Workload workload, LoadTarget target,
      Semaphore inFlightPermits, Metrics metrics, Time clock, boolean closedLoop, AckLog acks) {
    this(first, stride, pacer, workload, target, inFlightPermits, metrics, clock, closedLoop, acks, Long.MAX_VALUE);
  }

  /**
   * @param endNanos the end of the run's duration ({@link Time#nanoTime()} scale; {@code Long.MAX_VALUE}:
   *     none): no operation intended at or after it is sent (open loop), none is started once it has
   *     passed (closed loop), so a run of D seconds at R ops/s sends at most D × R however late the
   *     owner's own stop comes on a loaded machine
   */
  LoadLoop(int first, int stride, Pacer pacer, Workload workload, LoadTarget target,
      Semaphore inFlightPermits, Metrics metrics, Time clock, boolean closedLoop, AckLog acks, long endNanos) {
    this.endNanos = endNanos;
    this.closedLoop = closedLoop;
    this.acks = acks;
    this.next = first;
    this.stride = stride;
    this.pacer = pacer;
    this.workload = workload;
    this.target = target;
    this.inFlightPermits = inFlightPermits;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Sends until {@link #stop()} or an interrupt. */
  @Override
  public void run() {
    try {
      while (running) {
        step();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits for the next operation's intended time and for an in-flight permit, then sends it.
   *
   * @throws InterruptedException when stopped while waiting
   */
  public void step() throws InterruptedException {
    if (closedLoop) {
      inFlightPermits.acquire();
      if (!running || clock.nanoTime() >= endNanos) {
        running = false;
        inFlightPermits.release();
        return;
      }
      CompletionStage<Void> stage = send(workload.operation(next, clock.nanoTime()));
      next += stride;
      try {
        stage.toCompletableFuture().get();
      } catch (java.util.concurrent.ExecutionException e) {
        // Counted by the completion handler.
      }
      return;
    }
    long due = pacer.intendedNanos(next);
    if (due >= endNanos) {
      running = false;
      return;
    }
    clock.sleepUntilNanos(due);
    inFlightPermits.acquire();
    if (!running) {
      inFlightPermits.release();
      return;
    }
    send(workload.operation(next, due));
    next += stride;
  }

  /** Asks the loop to stop after the current send; the owner interrupts it to cut a wait short. */
  public void stop() {
    running = false;
  }

  /** Intended send time of the next operation this loop will send. */
  public long nextIntendedNanos() {
    return closedLoop ? Long.MAX_VALUE : pacer.intendedNanos(next);
  }

  private CompletionStage<Void> send(Operation op) {
    metrics.recordIssued();
    CompletionStage<Void> stage;
    try {
      stage = target.execute(op);
    } catch (RuntimeException e) {
      // A target must fail through the stage; if it throws, count it rather than kill the sender.
      complete(op, e);
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    return stage.whenComplete((ok, error) -> complete(op, error));
  }

  private void complete(Operation op, Throwable error) {
    long latency = clock.nanoTime() - op.intendedNanos();
    inFlightPermits.release();
    if (error == null) {
      metrics.recordSuccess(op.kind(), latency);
      if (op.kind() == OpKind.WRITE) {
        metrics.recordWriteCompleted(op.intendedNanos() + latency);
      }
      if (acks != null && op.kind() == OpKind.WRITE) {
        acks.add(op.index());
      }
      return;
    }
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof OperationFailedException f) {
      metrics.recordFailure(op.kind(), f.kind(), f.causeClass());
    } else {
      metrics.recordFailure(op.kind(), ErrorKind.OTHER, e.getClass().getSimpleName());
    }
  }
}
