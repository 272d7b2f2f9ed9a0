package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;
import java.util.List;

/** One service's list of events inside a moment, in the order written. */
public record ServiceEvents(String service, List<ServiceEvent> events, SourcePos pos) {
  public ServiceEvents {
    events = List.copyOf(events);
  }
}
