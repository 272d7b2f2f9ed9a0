package dev.reprise.fdsl.plan;

import dev.reprise.fdsl.model.FaultSpec;
import java.util.List;

/** Inject {@code fault} into the containers {@code ids} of {@code service}. */
public record FaultAction(int seq, int moment, long offsetMillis, String service, List<Integer> ids, FaultSpec fault)
    implements PlannedAction {
  public static final String ACTION = "fault";

  public FaultAction {
    ids = List.copyOf(ids);
  }

  @Override public String action() { return ACTION; }
}
