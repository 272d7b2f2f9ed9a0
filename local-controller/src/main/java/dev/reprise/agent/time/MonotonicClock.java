package dev.reprise.agent.time;

import dev.reprise.time.SystemTime;
import java.time.Instant;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The real {@link DisciplinedClock}: the system wall clock read once, at construction, then carried
 * forward by the monotonic counter ({@link SystemTime#nanoTime()}) plus the corrections the agent makes.
 * A step of the system clock during a run (an operator's {@code date -s}, an NTP daemon's
 * {@code makestep}) therefore moves no deadline and no record; the drift of the counter itself is
 * what the agent's NTP re-measurements correct, by slewing. The agent's only class that reads system
 * time, and only through {@link SystemTime}.
 *
 * <p>Lock-free reads: the state is one immutable snapshot, replaced whole by {@link #step} and
 * {@link #slew}.
 */
public final class MonotonicClock implements DisciplinedClock {
  private static final double NANOS_PER_MILLI = 1_000_000d;

  /**
   * The clock since the last correction: at counter value {@code mono} it read {@code epochNanos};
   * later it reads that plus the elapsed counter plus the part of {@code slewNanos} absorbed since.
   */
  private record State(long mono, long epochNanos, long slewNanos) {
    long epochNanosAt(long now) {
      long elapsed = now - mono;
      return epochNanos + elapsed + absorbed(elapsed);
    }

    long absorbed(long elapsed) {
      if (slewNanos == 0 || elapsed <= 0) return 0;
      long max = (long) (elapsed * (MAX_SLEW_PPM / 1_000_000d));
      return slewNanos > 0 ? Math.min(slewNanos, max) : Math.max(slewNanos, -max);
    }
  }

  private final LongSupplier monotonic;
  private final Supplier<Instant> wall;
  private volatile State state;

  /** The real clock: {@link SystemTime}'s counter and wall clock. */
  public MonotonicClock() {
    this(SystemTime.INSTANCE::nanoTime, SystemTime.INSTANCE::now);
  }

  /** A clock on the given counter and wall clock (tests drive both by hand). */
  MonotonicClock(LongSupplier monotonic, Supplier<Instant> wall) {
    this.monotonic = monotonic;
    this.wall = wall;
    this.state = new State(monotonic.getAsLong(), epochNanos(wall.get()), 0);
  }

  @Override
  public Instant now() {
    long n = state.epochNanosAt(monotonic.getAsLong());
    return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
  }

  @Override
  public long nanoTime() {
    return monotonic.getAsLong();
  }

  @Override
  public synchronized void step(double deltaMillis) {
    var s = state;
    long now = monotonic.getAsLong();
    long remaining = s.slewNanos - s.absorbed(now - s.mono);
    state = new State(now, s.epochNanosAt(now) + Math.round(deltaMillis * NANOS_PER_MILLI), remaining);
  }

  @Override
  public synchronized void slew(double deltaMillis) {
    var s = state;
    long now = monotonic.getAsLong();
    state = new State(now, s.epochNanosAt(now), Math.round(deltaMillis * NANOS_PER_MILLI));
  }

  @Override
  public double correctionMillis() {
    long corrected = state.epochNanosAt(monotonic.getAsLong());
    return (corrected - epochNanos(wall.get())) / NANOS_PER_MILLI;
  }

  @Override
  public double pendingSlewMillis() {
    var s = state;
    return (s.slewNanos - s.absorbed(monotonic.getAsLong() - s.mono)) / NANOS_PER_MILLI;
  }

  private static long epochNanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }
}
