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
 */
public record Moment(int fileIndex, long timeMillis, String mark, List<ServiceEvents> services, SourcePos pos) {
  public Moment {
    services = List.copyOf(services);
  }
}
