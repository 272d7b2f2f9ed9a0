package dev.reprise.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.model.KillFault;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How many firing threads arm starts: enough for the plan's busiest instant, so none is created at an instant. */
class AgentPoolSizeTest {
  @Test
  void theBusiestInstantCountsEveryTargetOfEveryActionDueThen() {
    var plan = TestPlans.plan(10_000, Map.of("web", 9, "db", 1),
        TestPlans.fault(0, 1000, "web", new KillFault(), 0, 1, 2, 3, 4, 5),
        TestPlans.fault(1, 1000, "db", new KillFault(), 0),
        TestPlans.fault(2, 2000, "web", new KillFault(), 6, 7));
    assertThat(Agent.busiestInstant(plan)).isEqualTo(7);
    assertThat(Agent.busiestInstant(TestPlans.plan(10_000, Map.of()))).isZero();
  }
}
