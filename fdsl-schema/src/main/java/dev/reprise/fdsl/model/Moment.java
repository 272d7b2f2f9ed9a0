package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;
import java.util.List;

/**
 * A {@code moment}: things that happen at one instant.
 *
 * @param fileIndex 0-based position among the scenario's moments in file order (ties in time run in this order)
 * @param timeMillis when, after T0
 * @param mark text recorded at that instant, or null
 * @param services per service (file order), the events to fire, in list order
 * @param pos where the moment is written
 * @param trigger its {@code when:}, or null for a moment at a fixed time; with a trigger,
 *     {@code timeMillis} is the earliest instant (its {@code time:}, else 0)
 */
public record Moment(int fileIndex, long timeMillis, String mark, List<ServiceEvents> services, SourcePos pos,
    Trigger trigger) {
  public Moment {
    services = List.copyOf(services);
  }

  /** A moment at a fixed time. */
  public Moment(int fileIndex, long timeMillis, String mark, List<ServiceEvents> services, SourcePos pos) {
    this(fileIndex, timeMillis, mark, services, pos, null);
  }

  /** Whether it waits for a {@code when:} condition. */
  public boolean triggered() {
    return trigger != null;
  }
}
