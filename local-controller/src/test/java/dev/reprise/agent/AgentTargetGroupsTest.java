package dev.reprise.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.StopAction;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.TimelineRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault actions with target groups on the agent: the groups survive the arm message, the action fires
 * on this host's targets like any other, and arm refuses a plan naming a service (as a target or in a
 * group) the master gave no swarm service for.
 */
class AgentTargetGroupsTest {
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

  static SortedMap<String, SortedMap<String, List<Integer>>> sides() {
    return new TreeMap<>(Map.of("left", new TreeMap<>(Map.of("web", List.of(0))), "right", new TreeMap<>(Map.of("web", List.of(1)))));
  }

  @Test
  void theGroupsSurviveTheArmMessage() throws Exception {
    var plan = TestPlans.plan(5000, Map.of("web", 2), new FaultAction(0, 0, 1000, "web", List.of(0, 1), new KillFault(), sides()));
    var line = ProtocolCodec.encode(ProtocolCodec.arm("run1", plan, T0, "run1", Map.of("web", "run1_web"), true, dir.toString(),
        null, null, 1000, 1000));
    var decoded = ProtocolCodec.plan((MasterMessage.Arm) ProtocolCodec.decodeMaster(line));
    assertThat(decoded).isEqualTo(plan);
    assertThat(((FaultAction) decoded.actions().get(0)).groups()).isEqualTo(sides());
  }

  @Test
  void aFaultWithGroupsFiresOnThisHostsTargetsAndIsRecordedLikeAnyOther() throws Exception {
    var plan = TestPlans.plan(5000, Map.of("web", 2), new FaultAction(0, 0, 1000, "web", List.of(0, 1), new KillFault(), sides()));
    try (var h = new AgentHarness(START)) {
      h.runtime.deploy("run1_web", 2);
      h.send(new MasterMessage.Hello(1, "run1", "m"));
      h.expect(AgentMessage.Hello.class);
      h.send(ProtocolCodec.arm("run1", plan, T0, "run1", Map.of("web", "run1_web"), true, dir.toString(), null, null, 1000, 1000));
      h.expect(AgentMessage.Armed.class);
      AgentTest.step(h, T0.plusMillis(1000));
      var progress = h.expect(AgentMessage.Progress.class);
      assertThat(progress.seq()).isZero();
      assertThat(progress.outcome()).isEqualTo("ok");
      // one action's targets are called concurrently: which kill is recorded first is not defined
      assertThat(h.runtime.calls("kill")).containsExactlyInAnyOrder("kill run1_web.1 SIGKILL", "kill run1_web.2 SIGKILL");
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
      assertThat(h.outcome.get(5, TimeUnit.SECONDS)).isEqualTo("aborted");
    }
    var action = Files.readAllLines(dir.resolve("timeline.jsonl")).stream().map(l -> RecordJson.parse(l, TimelineRecord.class))
        .filter(r -> r.kind().equals(TimelineRecord.KIND_ACTION)).toList();
    assertThat(action).singleElement().satisfies(r -> {
      assertThat(r.fault()).isEqualTo("kill");
      assertThat(r.label()).isEqualTo("kill");
      assertThat(r.ids()).containsExactly(0, 1);
      assertThat(r.planned()).isEqualTo(T0.plusMillis(1000));
    });
  }

  @Test
  void containersOfThisHostAreReportedAndPeersOfOtherHostsAreCutOffByTheAddressesTheMasterPassedOn() throws Exception {
    var peers = new TreeMap<String, SortedMap<String, List<Integer>>>(Map.of("peers", new TreeMap<>(Map.of("db", List.of(0)))));
    var plan = TestPlans.plan(5000, Map.of("web", 1, "db", 1), new FaultAction(0, 0, 1000, "web", List.of(0),
        new dev.reprise.fdsl.model.PartitionFault(2000, null, null), peers));
    try (var h = new AgentHarness(START)) {
      h.runtime.deploy("run1_web", 1); // db runs on another host
      h.send(new MasterMessage.Hello(1, "run1", "m"));
      h.expect(AgentMessage.Hello.class);
      h.send(ProtocolCodec.arm("run1", plan, T0, "run1", Map.of("web", "run1_web", "db", "run1_db"), true, dir.toString(), null, null,
          1000, 1000));
      h.expect(AgentMessage.Armed.class);
      var reported = h.expect(AgentMessage.Addresses.class);
      assertThat(reported.service()).isEqualTo("web");
      assertThat(reported.id()).isZero();
      assertThat(reported.addresses()).isEqualTo(h.runtime.addresses(h.runtime.get("run1_web", 1).id()));
      h.send(new MasterMessage.Peers(List.of(new MasterMessage.Peer("db", 0, "c0ffee", "vm2", List.of("10.9.9.9")))));
      AgentTest.step(h, T0.plusMillis(1000));
      var progress = h.expect(AgentMessage.Progress.class);
      assertThat(progress.outcome()).isEqualTo("ok");
      long pid = h.runtime.get("run1_web", 1).pid();
      assertThat(h.host.calls()).anyMatch(c -> c.startsWith("run nsenter --target " + pid + " --net -- iptables-restore")
          && c.contains("-A RPR-P0O -d 10.9.9.9/32") && c.contains("-A RPR-P0I -s 10.9.9.9/32"));
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
      assertThat(h.host.calls()).anyMatch(c -> c.contains("iptables -w -X RPR-P0O"));
    }
  }
}
