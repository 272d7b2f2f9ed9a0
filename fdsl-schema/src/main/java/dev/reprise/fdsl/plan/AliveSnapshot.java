package dev.reprise.fdsl.plan;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The containers expected alive after a moment's actions, per service (service → sorted FDSL IDs).
 * Snapshot {@code moment = -1} is the state at T0, right after {@code beginning}.
 */
public record AliveSnapshot(int moment, long offsetMillis, SortedMap<String, List<Integer>> alive) {
  public AliveSnapshot {
    var copy = new TreeMap<String, List<Integer>>();
    alive.forEach((service, ids) -> copy.put(service, List.copyOf(ids)));
    alive = java.util.Collections.unmodifiableSortedMap(copy);
  }

  /** Expected number of alive containers of {@code service} (0 for an unknown service). */
  public int count(String service) {
    var ids = alive.get(service);
    return ids == null ? 0 : ids.size();
  }
}
