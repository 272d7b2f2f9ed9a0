package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;
import java.util.List;

/**
 * Which containers an event acts on: exactly one of {@code amount}, {@code percentage},
 * {@code specific}; in a fault's target groups also {@code all}.
 */
public sealed interface Target permits Target.Amount, Target.Percentage, Target.Specific, Target.All {

  /** Where the value is written (the planner points its errors here). */
  SourcePos pos();

  /** The YAML path of the value, e.g. {@code events[3].moment.services.web[0].stop.amount}, for messages. */
  String path();

  /** {@code amount: n}, n &ge; 0: that many (random picks, except for start). */
  record Amount(int amount, SourcePos pos, String path) implements Target {}

  /** {@code percentage: p}: ceil(p% of the containers expected alive), random picks except for start. */
  record Percentage(int percent, SourcePos pos, String path) implements Target {}

  /** {@code specific: [ids]}: exactly these FDSL container IDs, each with its position. */
  record Specific(List<Integer> ids, List<SourcePos> idPositions, SourcePos pos, String path) implements Target {
    public Specific {
      ids = List.copyOf(ids);
      idPositions = List.copyOf(idPositions);
      if (ids.size() != idPositions.size()) throw new IllegalArgumentException("one position per id");
    }
  }

  /**
   * {@code all}, only in a fault's target groups: every container of the service expected alive at
   * that point; with {@code exceptFaultTargets}, less the fault's own targets (a partition's peers).
   */
  record All(boolean exceptFaultTargets, SourcePos pos, String path) implements Target {}
}
