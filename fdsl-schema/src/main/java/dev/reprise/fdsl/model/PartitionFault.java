package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code partition:} — cut the traffic between the target containers and their peers for the
 * duration (both ways, or one way). The peers are resolved by the planner into the action's target
 * group {@value #PEERS_GROUP} ({@code FaultAction.groups()}): the {@link #peers()} named, or, when
 * none is named, every container expected alive at that instant of every service of the run except
 * the targets themselves; {@code all} never includes the targets either. The injector uses that
 * group, not {@link #peers()}.
 *
 * @param durationMillis how long the partition lasts, &gt; 0
 * @param peers FDSL service → which of its containers, as written; empty: every other container of the run
 * @param direction which way traffic is cut
 */
public record PartitionFault(
    @JsonProperty("durationMillis") long durationMillis,
    @JsonProperty("peers") Map<String, PeerIds> peers,
    @JsonProperty("direction") Direction direction)
    implements FaultSpec {
  public static final String TYPE = "partition";
  /** The name of the target group the planner resolves the peers into. */
  public static final String PEERS_GROUP = "peers";

  /** Which way traffic is cut; in FDSL and JSON the lower-case name. */
  public enum Direction {
    /** Neither side reaches the other (the default). */
    @JsonProperty("both") BOTH,
    /** The targets cannot send to the peers; the peers still reach the targets. */
    @JsonProperty("outgoing") OUTGOING,
    /** The peers cannot send to the targets; the targets still reach the peers. */
    @JsonProperty("incoming") INCOMING;

    /** The FDSL word. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public PartitionFault {
    if (durationMillis <= 0) throw new IllegalArgumentException("durationMillis must be > 0");
    peers = peers == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(peers));
    direction = direction == null ? Direction.BOTH : direction;
  }

  @Override public String type() { return TYPE; }
  @Override public String label() { return "partition " + Durations.format(durationMillis); }
  @Override public boolean killsContainer() { return false; }
}
