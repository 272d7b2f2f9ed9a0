package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code network:} — degrade the target containers' traffic for the duration, netem-like; the
 * effects combine (at least one is given). Percentages are of packets, 0..100; a correlation is the
 * percent by which each packet's outcome depends on the previous one's (netem's meaning), 0 = independent.
 *
 * <p>Which traffic: {@code direction} (the targets' sent packets, received packets, or both),
 * narrowed, when given, to packets exchanged with the {@code to} containers (sent to them,
 * received from them) and to packets whose destination port is one of {@code ports} (egress: the
 * port the targets send to; ingress: the targets' own port the packets arrive at). The {@code to} IDs are
 * resolved by the planner into the action's target group {@value #TO_GROUP}
 * ({@code FaultAction.groups()}); the injector uses that group, not {@link #to()}.
 *
 * @param durationMillis how long the effects stay, &gt; 0
 * @param delay added latency; null: none
 * @param loss dropped packets; null: none
 * @param corruptPercent packets with a flipped bit, (0, 100]; null: none
 * @param duplicatePercent packets sent twice, (0, 100]; null: none
 * @param reorder packets sent at once, ahead of the delayed ones; needs {@code delay}; null: none
 * @param rateBitsPerSecond a bandwidth limit, &gt; 0; null: none
 * @param to FDSL service → which of its containers the effects are limited to, as written; empty: every peer
 * @param ports the destination ports the effects are limited to, sorted, each 1..65535; empty: every port
 * @param direction which of the targets' packets are affected
 */
public record NetworkFault(
    @JsonProperty("durationMillis") long durationMillis,
    @JsonProperty("delay") Delay delay,
    @JsonProperty("loss") Loss loss,
    @JsonProperty("corruptPercent") Double corruptPercent,
    @JsonProperty("duplicatePercent") Double duplicatePercent,
    @JsonProperty("reorder") Reorder reorder,
    @JsonProperty("rateBitsPerSecond") Long rateBitsPerSecond,
    @JsonProperty("to") Map<String, PeerIds> to,
    @JsonProperty("ports") List<Integer> ports,
    @JsonProperty("direction") Direction direction)
    implements FaultSpec {
  public static final String TYPE = "network";
  /** The name of the target group the planner resolves {@link #to()} into. */
  public static final String TO_GROUP = "to";

  /**
   * Added latency (netem {@code delay TIME JITTER CORRELATION}).
   *
   * @param timeMicros the mean delay, &gt; 0
   * @param jitterMicros the spread around it, &ge; 0
   * @param correlationPercent of the jitter, 0..100
   */
  public record Delay(@JsonProperty("timeMicros") long timeMicros, @JsonProperty("jitterMicros") long jitterMicros,
      @JsonProperty("correlationPercent") double correlationPercent) {
    public Delay {
      if (timeMicros <= 0) throw new IllegalArgumentException("timeMicros must be > 0");
      if (jitterMicros < 0) throw new IllegalArgumentException("jitterMicros must be >= 0");
      checkPercent(correlationPercent, "correlationPercent", true);
    }

    /** {@code 50ms±5ms}, or {@code 50ms} without jitter: as the fault's label writes it. */
    public String label() {
      return Quantities.formatMicros(timeMicros) + (jitterMicros > 0 ? "±" + Quantities.formatMicros(jitterMicros) : "");
    }
  }

  /**
   * Dropped packets (netem {@code loss PERCENT CORRELATION}).
   *
   * @param percent (0, 100]
   * @param correlationPercent 0..100; 0 = independent drops (an iptables {@code statistic} rule can do that)
   */
  public record Loss(@JsonProperty("percent") double percent, @JsonProperty("correlationPercent") double correlationPercent) {
    public Loss {
      checkPercent(percent, "percent", false);
      checkPercent(correlationPercent, "correlationPercent", true);
    }
  }

  /**
   * Reordered packets (netem {@code reorder PERCENT CORRELATION}, with a delay).
   *
   * @param percent (0, 100]
   * @param correlationPercent 0..100
   */
  public record Reorder(@JsonProperty("percent") double percent, @JsonProperty("correlationPercent") double correlationPercent) {
    public Reorder {
      checkPercent(percent, "percent", false);
      checkPercent(correlationPercent, "correlationPercent", true);
    }
  }

  /** Which of the targets' packets are affected; in FDSL and JSON the lower-case name. */
  public enum Direction {
    /** Packets the targets send (the default). */
    @JsonProperty("egress") EGRESS,
    /** Packets the targets receive. */
    @JsonProperty("ingress") INGRESS,
    /** Both. */
    @JsonProperty("both") BOTH;

    /** The FDSL word. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public NetworkFault {
    if (durationMillis <= 0) throw new IllegalArgumentException("durationMillis must be > 0");
    if (corruptPercent != null) checkPercent(corruptPercent, "corruptPercent", false);
    if (duplicatePercent != null) checkPercent(duplicatePercent, "duplicatePercent", false);
    if (rateBitsPerSecond != null && rateBitsPerSecond <= 0) throw new IllegalArgumentException("rateBitsPerSecond must be > 0");
    if (delay == null && loss == null && corruptPercent == null && duplicatePercent == null && reorder == null && rateBitsPerSecond == null) {
      throw new IllegalArgumentException("at least one of delay, loss, corrupt, duplicate, reorder, rate");
    }
    if (reorder != null && delay == null) throw new IllegalArgumentException("reorder needs a delay");
    to = to == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(to));
    ports = ports == null ? List.of() : ports.stream().sorted().distinct().toList();
    for (int p : ports) if (p < 1 || p > 65535) throw new IllegalArgumentException("port " + p + " is not in 1..65535");
    direction = direction == null ? Direction.EGRESS : direction;
  }

  /** Whether some effect needs packet emulation (delay, corrupt, duplicate, reorder, or correlated loss): netem, or a packet queue. */
  public boolean emulates() {
    return delay != null || corruptPercent != null || duplicatePercent != null || reorder != null
        || (loss != null && loss.correlationPercent() > 0);
  }

  @Override public String type() { return TYPE; }

  /** E.g. {@code network delay 50ms±5ms loss 10% 30s}: the effects in FDSL order, then the duration. */
  @Override public String label() {
    var parts = new ArrayList<String>();
    parts.add(TYPE);
    if (delay != null) parts.add("delay " + delay.label());
    if (loss != null) parts.add("loss " + Quantities.formatPercent(loss.percent()) + "%");
    if (corruptPercent != null) parts.add("corrupt " + Quantities.formatPercent(corruptPercent) + "%");
    if (duplicatePercent != null) parts.add("duplicate " + Quantities.formatPercent(duplicatePercent) + "%");
    if (reorder != null) parts.add("reorder " + Quantities.formatPercent(reorder.percent()) + "%");
    if (rateBitsPerSecond != null) parts.add("rate " + Quantities.formatBitsPerSecond(rateBitsPerSecond));
    parts.add(Durations.format(durationMillis));
    return String.join(" ", parts);
  }

  @Override public boolean killsContainer() { return false; }

  static void checkPercent(double value, String name, boolean zeroAllowed) {
    Objects.requireNonNull(name);
    if (Double.isNaN(value) || value > 100 || (zeroAllowed ? value < 0 : value <= 0)) {
      throw new IllegalArgumentException(name + " must be in " + (zeroAllowed ? "[0, 100]" : "(0, 100]") + ", got " + value);
    }
  }
}
