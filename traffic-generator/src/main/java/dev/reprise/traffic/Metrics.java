package dev.reprise.traffic;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts what completed: per interval (reset by {@link #takeInterval()}) and in total. Latencies
 * are recorded in microseconds from each operation's intended start.
 *
 * <p>Thread-safety: {@code record*} are called from driver completion threads concurrently;
 * {@link #takeInterval()} and the total accessors from one reporting thread at a time.
 */
public final class Metrics {

  /** Counts and latency histogram of one interval ({@code failed}: the failed operations by kind). */
  public record Interval(Map<OpKind, Long> ok, Map<ErrorKind, Long> errors, Histogram latencyMicros,
      Map<OpKind, Long> failed) {}

  private final Map<OpKind, LongAdder> okInterval = adders(OpKind.class);
  private final Map<ErrorKind, LongAdder> errorsInterval = adders(ErrorKind.class);
  private final Map<OpKind, LongAdder> failedInterval = adders(OpKind.class);
  private final Map<OpKind, LongAdder> okTotal = adders(OpKind.class);
  private final Map<OpKind, LongAdder> failedTotal = adders(OpKind.class);
  private final Map<ErrorKind, LongAdder> errorsTotal = adders(ErrorKind.class);
  private final Map<String, LongAdder> exceptions = new ConcurrentHashMap<>();
  private final LongAdder issued = new LongAdder();
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private Histogram recycled;
  private final WriteGaps writeGaps = new WriteGaps();

  /**
   * The longest gap between successful writes (the write outage, i.e. the measured RTO), kept from
   * completion instants on the {@code nanoTime} scale. Updated under its own lock only when a gap
   * grows past the longest so far, so the common path is one atomic swap.
   */
  static final class WriteGaps {
    private final java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    private long longestNanos;
    private long longestFrom;
    private long longestTo;

    void start(long nanos) {
      last.compareAndSet(Long.MIN_VALUE, nanos);
    }

    void write(long nanos) {
      long before = last.getAndUpdate(v -> Math.max(v, nanos));
      if (before != Long.MIN_VALUE && nanos - before > longestNanos) {
        synchronized (this) {
          if (nanos - before > longestNanos) {
            longestNanos = nanos - before;
            longestFrom = before;
            longestTo = nanos;
          }
        }
      }
    }

    long lastNanos() {
      return last.get();
    }

    synchronized long[] longest() {
      return new long[] {longestNanos, longestFrom, longestTo};
    }
  }

  /** Starts the write-outage clock (the instant the load starts: no write yet is an outage from here). */
  public void startWriteClock(long nanos) {
    writeGaps.start(nanos);
  }

  /** When the last successful write completed ({@code nanoTime} scale), or the load's start. */
  public long lastWriteNanos() {
    return writeGaps.lastNanos();
  }

  /** The longest gap between successful writes so far: {length, from, to} in nanos. */
  public long[] longestWriteGap() {
    return writeGaps.longest();
  }

  /** A write succeeded and completed at {@code completedNanos}. */
  public void recordWriteCompleted(long completedNanos) {
    writeGaps.write(completedNanos);
  }

  private static <K extends Enum<K>> Map<K, LongAdder> adders(Class<K> type) {
    Map<K, LongAdder> m = new EnumMap<>(type);
    for (K k : type.getEnumConstants()) {
      m.put(k, new LongAdder());
    }
    return m;
  }

  /** An operation was handed to the target. */
  public void recordIssued() {
    issued.increment();
  }

  /** An operation succeeded {@code latencyNanos} after its intended start. */
  public void recordSuccess(OpKind kind, long latencyNanos) {
    recorder.recordValue(Math.max(0, latencyNanos / 1000));
    okInterval.get(kind).increment();
    okTotal.get(kind).increment();
  }

  /** An operation failed; {@code exceptionClass} is counted for the final log. */
  public void recordFailure(OpKind kind, ErrorKind error, String exceptionClass) {
    errorsInterval.get(error).increment();
    errorsTotal.get(error).increment();
    failedTotal.get(kind).increment();
    failedInterval.get(kind).increment();
    recordException(exceptionClass);
  }

  /** Counts an exception that did not fail an operation (storm, leak, connection attempts). */
  public void recordException(String exceptionClass) {
    exceptions.computeIfAbsent(exceptionClass, k -> new LongAdder()).increment();
  }

  /**
   * Everything recorded since the previous call, and resets the interval counters. The interval's
   * histogram is also added to the run's total.
   */
  public synchronized Interval takeInterval() {
    Map<OpKind, Long> ok = new EnumMap<>(OpKind.class);
    okInterval.forEach((k, v) -> ok.put(k, v.sumThenReset()));
    Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
    errorsInterval.forEach((k, v) -> errors.put(k, v.sumThenReset()));
    Map<OpKind, Long> failed = new EnumMap<>(OpKind.class);
    failedInterval.forEach((k, v) -> failed.put(k, v.sumThenReset()));
    Histogram h = recorder.getIntervalHistogram(recycled);
    total.add(h);
    Histogram copy = h.copy();
    recycled = h;
    return new Interval(ok, errors, copy, failed);
  }

  /** All latencies recorded up to the last {@link #takeInterval()}. */
  public synchronized Histogram totalLatencyMicros() {
    return total.copy();
  }

  public long issued() {
    return issued.sum();
  }

  public Map<OpKind, Long> okTotal() {
    Map<OpKind, Long> m = new EnumMap<>(OpKind.class);
    okTotal.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  public Map<OpKind, Long> failedTotal() {
    Map<OpKind, Long> m = new EnumMap<>(OpKind.class);
    failedTotal.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  public Map<ErrorKind, Long> errorsTotal() {
    Map<ErrorKind, Long> m = new EnumMap<>(ErrorKind.class);
    errorsTotal.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** Exception counts by simple class name, sorted by name. */
  public Map<String, Long> exceptions() {
    Map<String, Long> m = new TreeMap<>();
    exceptions.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }
}
