package dev.reprise.fdsl.plan;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The resolved timeline of one scenario for one seed: a pure function of scenario, compose file
 * and seed. Agents receive it whole (as JSON) with a start instant T0 and fire every action at
 * T0 + {@link PlannedAction#offsetMillis()}.
 *
 * @param seed the root seed the random picks were drawn from
 * @param endMillis when the experiment ends, after T0
 * @param beginning service → number of containers at T0 (FDSL IDs 0..n-1)
 * @param actions every action, in {@link PlannedAction#seq()} order
 * @param alive the expected alive set at T0 and after every moment, in moment order
 * @param triggers the triggered moments' conditions, in moment order; the actions of a moment listed
 *     here fire when its condition holds, not at their offset. Empty for a plan without {@code when:},
 *     and then absent from the JSON form (such plans keep their bytes and hashes).
 */
public record Plan(
    long seed,
    long endMillis,
    SortedMap<String, Integer> beginning,
    List<PlannedAction> actions,
    List<AliveSnapshot> alive,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
    List<PlannedTrigger> triggers) {

  public Plan {
    beginning = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(beginning));
    actions = List.copyOf(actions);
    alive = List.copyOf(alive);
    triggers = triggers == null ? List.of() : List.copyOf(triggers);
  }

  /** A plan without triggered moments. */
  public Plan(long seed, long endMillis, SortedMap<String, Integer> beginning, List<PlannedAction> actions,
      List<AliveSnapshot> alive) {
    this(seed, endMillis, beginning, actions, alive, List.of());
  }

  /** The trigger of moment {@code moment} (by {@link PlannedAction#moment()}), if it waits for one. */
  public java.util.Optional<PlannedTrigger> triggerOf(int moment) {
    for (PlannedTrigger t : triggers) if (t.moment() == moment) return java.util.Optional.of(t);
    return java.util.Optional.empty();
  }
}
