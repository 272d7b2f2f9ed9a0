package dev.reprise.agent;

import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.plan.AliveSnapshot;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlannedAction;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Plans built directly, for tests. */
public final class TestPlans {
  private TestPlans() {}

  public static Plan plan(long endMillis, Map<String, Integer> beginning, PlannedAction... actions) {
    return new Plan(42, endMillis, new TreeMap<>(beginning), List.of(actions),
        List.of(new AliveSnapshot(-1, 0, new TreeMap<>())));
  }

  public static Plan killAt(long offset, String service, int id, long endMillis) {
    return plan(endMillis, Map.of(service, id + 1), new FaultAction(0, 0, offset, service, List.of(id), new KillFault()));
  }

  public static FaultAction fault(int seq, long offset, String service, FaultSpec spec, Integer... ids) {
    return new FaultAction(seq, seq, offset, service, List.of(ids), spec);
  }
}
