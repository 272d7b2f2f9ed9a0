package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;
import java.util.List;
import java.util.Map;

/**
 * A parsed FDSL scenario, structurally valid (every field present and in range). Whether targets
 * exist at their moments is checked by the planner, which simulates the alive sets.
 *
 * @param environment the {@code environment} section
 * @param beginning service → containers at T0, in file order
 * @param beginningPositions service → where its {@code beginning} entry is written
 * @param endMillis the {@code end} event: when the experiment ends, after T0
 * @param moments every {@code moment}, in file order ({@link Moment#fileIndex()} 0, 1, ...)
 */
public record Scenario(
    Environment environment,
    Map<String, Integer> beginning,
    Map<String, SourcePos> beginningPositions,
    long endMillis,
    List<Moment> moments) {

  public Scenario {
    beginning = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(beginning));
    beginningPositions = Map.copyOf(beginningPositions);
    moments = List.copyOf(moments);
  }
}
