package dev.reprise.agent.inject;

import java.util.List;

/**
 * The addresses of the containers a fault names besides its targets (a partition's peers, a
 * network fault's {@code to}), by FDSL service and ID. Called on firing threads; thread-safe.
 */
public interface PeerResolver {
  /**
   * Every IPv4 address of FDSL ID {@code id} of {@code service} now (all its networks).
   *
   * @throws dev.reprise.agent.runtime.RuntimeFailure when it cannot be found, with why (not running,
   *     on a host whose addresses this agent cannot learn)
   */
  List<String> addresses(String service, int id);

  /** Resolves nothing: every call fails (contexts of tests that name no peers). */
  PeerResolver NONE = (service, id) -> {
    throw new dev.reprise.agent.runtime.RuntimeFailure("no peer resolver: cannot find " + service + " ID " + id);
  };

  /** The addresses of every member of a target group (service → IDs), in order, without repeats. */
  default List<String> addresses(java.util.SortedMap<String, List<Integer>> group) {
    var out = new java.util.LinkedHashSet<String>();
    if (group != null) group.forEach((service, ids) -> ids.forEach(id -> out.addAll(addresses(service, id))));
    return List.copyOf(out);
  }
}
