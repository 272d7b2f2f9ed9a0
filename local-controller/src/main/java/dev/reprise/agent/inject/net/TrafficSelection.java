package dev.reprise.agent.inject.net;

import java.util.List;

/**
 * Which of a container's traffic a network fault acts on.
 *
 * @param peers the remote IPv4 addresses (empty: every address)
 * @param ports destination ports (empty: every port): egress, the port the container sends to;
 *     ingress, the container's own port the packets arrive at
 * @param direction egress (what the container sends), ingress (what it receives), or both
 */
public record TrafficSelection(List<String> peers, List<Integer> ports, Direction direction) {
  public TrafficSelection {
    peers = List.copyOf(peers);
    ports = List.copyOf(ports);
  }

  /** Which way packets go, seen from the target container. */
  public enum Direction {
    EGRESS, INGRESS, BOTH;

    public boolean egress() {
      return this != INGRESS;
    }

    public boolean ingress() {
      return this != EGRESS;
    }
  }

  /** Every packet the container sends. */
  public static TrafficSelection allEgress() {
    return new TrafficSelection(List.of(), List.of(), Direction.EGRESS);
  }

  public boolean filtered() {
    return !peers.isEmpty() || !ports.isEmpty();
  }
}
