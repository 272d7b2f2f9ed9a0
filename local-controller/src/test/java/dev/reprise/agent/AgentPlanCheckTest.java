package dev.reprise.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.StopAction;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arm refuses a plan naming a service the master gave no swarm service for: targets and target groups alike. */
class AgentPlanCheckTest {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  static final Instant T0 = START.plusSeconds(3);

  @TempDir Path dir;

  String armError(dev.reprise.fdsl.plan.Plan plan) throws Exception {
    try (var h = new AgentHarness(START)) {
      h.send(new MasterMessage.Hello(1, "run1", "m"));
      h.expect(AgentMessage.Hello.class);
      h.send(ProtocolCodec.arm("run1", plan, T0, "run1", Map.of("web", "run1_web"), true, dir.toString(), null, null, 1000, 1000));
      var error = h.expect(AgentMessage.Error.class).message();
      assertThat(h.agent.state()).isEqualTo(Agent.State.IDLE);
      h.closeInput();
      assertThat(h.expect(AgentMessage.Ended.class).outcome()).isEqualTo("aborted");
      return error;
    }
  }

  @Test
  void aTargetGroupsServiceWithoutSwarmServiceIsRefusedAtArm() throws Exception {
    var groups = new TreeMap<String, java.util.SortedMap<String, List<Integer>>>(Map.of(
        "near", new TreeMap<>(Map.of("web", List.of(0))), "far", new TreeMap<>(Map.of("db", List.of(0), "cache", List.of(1)))));
    var plan = TestPlans.plan(5000, Map.of("web", 1), new FaultAction(0, 0, 1000, "web", List.of(0), new CpuFault(1000, 1), groups));
    assertThat(armError(plan)).isEqualTo("cannot arm: services has no swarm service for cache, db");
  }

  @Test
  void everyContainerActionsServiceIsChecked() throws Exception {
    var plan = TestPlans.plan(5000, Map.of("web", 1), new StopAction(0, 0, 1000, "api", List.of(0)),
        TestPlans.fault(1, 2000, "db", new CpuFault(1000, 1), 0));
    assertThat(armError(plan)).isEqualTo("cannot arm: services has no swarm service for api, db");
  }
}
