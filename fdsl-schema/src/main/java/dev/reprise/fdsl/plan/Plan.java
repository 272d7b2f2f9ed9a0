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
 */
public record Plan(
    long seed,
    long endMillis,
    SortedMap<String, Integer> beginning,
    List<PlannedAction> actions,
    List<AliveSnapshot> alive) {

  public Plan {
    beginning = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(beginning));
    actions = List.copyOf(actions);
    alive = List.copyOf(alive);
  }
}
