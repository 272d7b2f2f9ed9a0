package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Objects;

/**
 * Which containers of one FDSL service a fault names besides its targets (a network fault's
 * {@code to}, a partition's {@code peers}): {@code all} of those expected alive at the fault's
 * instant, or these FDSL IDs. The planner resolves it to IDs (the action's target groups); this is
 * what the scenario wrote. JSON: {@code "all"} or {@code [0, 1]}, as in FDSL.
 *
 * @param all whether every container of the service is meant ({@code ids} is then empty)
 * @param ids the FDSL IDs, sorted, distinct, non-empty, when {@code all} is false
 */
public record PeerIds(boolean all, List<Integer> ids) {
  public static final PeerIds ALL = new PeerIds(true, List.of());

  public PeerIds {
    ids = ids.stream().sorted().distinct().toList();
    if (all != ids.isEmpty()) throw new IllegalArgumentException(all ? "'all' takes no IDs" : "name at least one ID");
  }

  /** These FDSL IDs. */
  public static PeerIds of(List<Integer> ids) {
    return new PeerIds(false, ids);
  }

  @JsonValue
  Object json() {
    return all ? "all" : ids;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static PeerIds fromJson(Object json) {
    if ("all".equals(json)) return ALL;
    if (json instanceof List<?> list) return of(list.stream().map(id -> ((Number) Objects.requireNonNull(id, "id")).intValue()).toList());
    throw new IllegalArgumentException("expected \"all\" or a list of IDs, got " + json);
  }

  @Override public String toString() {
    return all ? "all" : ids.toString();
  }
}
