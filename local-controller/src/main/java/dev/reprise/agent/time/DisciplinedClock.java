package dev.reprise.agent.time;

import dev.reprise.time.Clock;



/**
 * A {@link Clock} that can be corrected while a run uses it, without ever going backwards: the
 * agent steps it once at arm (before any action's deadline is scheduled) and slews it after every
 * re-measurement during the run, so deadlines already scheduled keep their order and none is
 * skipped. Thread-safe; {@link #now()} stays cheap (the scheduler spins on it).
 */
public interface DisciplinedClock extends Clock {
  /** The largest rate at which {@link #slew} bends the clock: 1000 ppm, 1 ms per second. */
  double MAX_SLEW_PPM = 1000;

  /**
   * Moves the clock by {@code deltaMillis} at once (forwards or backwards). Only for arm, before
   * the run's deadlines exist: a backward step would re-run the past.
   */
  void step(double deltaMillis);

  /**
   * Absorbs {@code deltaMillis} gradually, at {@link #MAX_SLEW_PPM}: the clock runs up to 0.1 %
   * fast (positive delta) or slow (negative) until the delta is absorbed, so it never goes
   * backwards and never jumps. {@code deltaMillis} is the error measured <em>now</em>, so it
   * replaces whatever an earlier slew had not absorbed yet.
   */
  void slew(double deltaMillis);

  /** What the clock adds to the system wall clock right now, in milliseconds (corrected = local + this). */
  double correctionMillis();

  /** The part of the last {@link #slew} not absorbed yet, in milliseconds (signed). */
  double pendingSlewMillis();
}
