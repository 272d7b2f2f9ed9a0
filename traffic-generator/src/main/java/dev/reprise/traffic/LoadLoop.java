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
  private volatile long next;
  private volatile boolean running = true;

  public LoadLoop(int first, int stride, Pacer pacer, Workload workload, LoadTarget target,
      Semaphore inFlightPermits, Metrics metrics, Time clock) {
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
    long due = pacer.intendedNanos(next);
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
    return pacer.intendedNanos(next);
  }

  private void send(Operation op) {
    metrics.recordIssued();
    CompletionStage<Void> stage;
    try {
      stage = target.execute(op);
    } catch (RuntimeException e) {
      // A target must fail through the stage; if it throws, count it rather than kill the sender.
      complete(op, e);
      return;
    }
    stage.whenComplete((ok, error) -> complete(op, error));
  }

  private void complete(Operation op, Throwable error) {
    long latency = clock.nanoTime() - op.intendedNanos();
    inFlightPermits.release();
    if (error == null) {
      metrics.recordSuccess(op.kind(), latency);
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
