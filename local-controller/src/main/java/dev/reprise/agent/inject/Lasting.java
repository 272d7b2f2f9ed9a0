package dev.reprise.agent.inject;

import dev.reprise.agent.runtime.RunContainer;
import dev.reprise.agent.runtime.RuntimeFailure;
import java.time.Instant;

/** What the injectors of lasting effects share: when the effect ends, and how its processes are marked. */
final class Lasting {
  private Lasting() {}

  /** {@code planned + durationMillis}, but never after the run's end (the TTL of a lasting effect). */
  static Instant end(InjectionContext ctx, FaultApplication<?> application, long durationMillis) {
    var until = application.planned().plusMillis(durationMillis);
    return until.isAfter(ctx.runEnd()) ? ctx.runEnd() : until;
  }

  /** The marker of the processes this application starts: {@code <burnerMarker>/<seq>/<container id, 12 digits>}. */
  static String marker(InjectionContext ctx, FaultApplication<?> application) {
    var id = application.target().container().id();
    return ctx.burnerMarker() + "/" + application.seq() + "/" + id.substring(0, Math.min(12, id.length()));
  }

  /** The target's container, which must run (with a known main PID). */
  static RunContainer running(FaultApplication<?> application) {
    var c = application.target().container();
    if (!c.running() || c.pid() <= 0) throw new RuntimeFailure(c.describe() + " is not running");
    return c;
  }
}
