package dev.reprise.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.reprise.agent.TestPlans;
import dev.reprise.agent.protocol.ProtocolCodec.ProtocolException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire form both ends share, and the two ends' different readings of an unknown {@code type}. */
class ProtocolCodecTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:01Z");

  // --- master → agent ---

  @Test
  void armIsOneSnakeCaseLineWithTypeFirstThePlanAndNullsLeftOut() throws Exception {
    var plan = TestPlans.killAt(1000, "web", 0, 5000);
    var arm = ProtocolCodec.arm("run-1", plan, Instant.parse("2030-01-01T00:00:05Z"), "run-1", Map.of("web", "run-1_web"),
        true, "/tmp/rec", null, null, 1000, 10_000);
    var line = ProtocolCodec.encode(arm);
    assertThat(line).startsWith("{\"type\":\"arm\",\"run_id\":\"run-1\",\"plan\":{")
        .contains("\"t0\":\"2030-01-01T00:00:05.000000Z\",\"stack\":\"run-1\",\"services\":{\"web\":\"run-1_web\"},"
            + "\"manager\":true,\"records_dir\":\"/tmp/rec\",\"stats_interval_ms\":1000,\"stop_grace_ms\":10000}")
        .doesNotContain("faults_dir", "ntp_server", "\n");
    var back = (MasterMessage.Arm) ProtocolCodec.decodeMaster(line);
    assertThat(ProtocolCodec.encode(back)).isEqualTo(line);
    assertThat(ProtocolCodec.plan(back)).isEqualTo(plan);
  }

  @Test
  void everyMasterMessageRoundTripsInItsDocumentedForm() throws Exception {
    assertThat(ProtocolCodec.encode(new MasterMessage.Hello(1, "r1", "box")))
        .isEqualTo("{\"type\":\"hello\",\"protocol\":1,\"run_id\":\"r1\",\"host\":\"box\"}");
    assertThat(ProtocolCodec.encode(new MasterMessage.Heartbeat(Instant.parse("2026-11-23T09:00:00.123Z"))))
        .isEqualTo("{\"type\":\"heartbeat\",\"time\":\"2026-11-23T09:00:00.123000Z\"}");
    assertThat(ProtocolCodec.encode(new MasterMessage.Abort("ctrl-c"))).isEqualTo("{\"type\":\"abort\",\"reason\":\"ctrl-c\"}");
    var plan = JsonNodeFactory.instance.objectNode().put("end_millis", 30000);
    List<MasterMessage> all = List.of(new MasterMessage.Hello(1, "r1", "box"),
        new MasterMessage.Arm("r1", plan, T, "r1", Map.of("a", "r1_a"), false, "/runs/r1", "/faults", "10.0.0.1", 500L, 0L, 15_000L),
        new MasterMessage.Arm("r1", plan, T, "r1", Map.of(), true, "/runs/r1", null, null, null, null, null),
        new MasterMessage.Heartbeat(T), new MasterMessage.Abort(null));
    for (MasterMessage m : all) assertThat(ProtocolCodec.decodeMaster(ProtocolCodec.encode(m))).isEqualTo(m);
  }

  @Test
  void theAgentReadsMissingFieldsAsNullOrZeroAndIgnoresUnknownOnes() throws Exception {
    assertThat(ProtocolCodec.decodeMaster("{\"type\":\"abort\",\"reason\":\"ctrl-c\",\"extra\":1}"))
        .isEqualTo(new MasterMessage.Abort("ctrl-c"));
    assertThat(ProtocolCodec.decodeMaster("{\"type\":\"hello\"}")).as("a missing protocol is 0, which the agent refuses")
        .isEqualTo(new MasterMessage.Hello(0, null, null));
    var arm = (MasterMessage.Arm) ProtocolCodec.decodeMaster("{\"type\":\"arm\",\"run_id\":\"r\"}");
    assertThat(arm.statsIntervalMs()).as("the agent's default applies").isNull();
    assertThat(arm.ntpResyncMs()).as("the agent's default applies").isNull();
    assertThat(arm.services()).as("the agent refuses it by name").isNull();
    assertThatThrownBy(() -> ProtocolCodec.plan(arm)).isInstanceOf(ProtocolException.class).hasMessage("arm carries no plan");
  }

  @Test
  void theAgentRefusesAnUnknownMasterTypeNamingTheKnownOnes() {
    assertThatThrownBy(() -> ProtocolCodec.decodeMaster("{\"type\":\"launch\"}")).isInstanceOf(ProtocolException.class)
        .hasMessage("unknown message type launch (expected one of hello, preflight, arm, heartbeat, abort, peers, fire_moment)");
  }

  @Test
  void fireMomentAndTriggerObservationsRoundTrip() throws Exception {
    var fire = new MasterMessage.FireMoment(4, java.time.Instant.parse("2026-01-01T00:01:31.250Z"));
    assertThat(ProtocolCodec.decodeMaster(ProtocolCodec.encode(fire))).isEqualTo(fire);
    var seen = new AgentMessage.TriggerObservation(4, "log", "cassandra", 2, "abc", java.time.Instant.parse("2026-01-01T00:01:30Z"),
        "INFO Startup complete");
    assertThat(ProtocolCodec.decodeAgent(ProtocolCodec.encode(seen))).isEqualTo(seen);
  }

  // --- agent → master ---

  @Test
  void agentMessagesUseTheDocumentedNamesAndWriteTheirNulls() throws Exception {
    var progress = new AgentMessage.Progress(T, 3, "fault", "web", List.of(0), "ok", 1.25, Map.of("web", 2));
    assertThat(ProtocolCodec.encode(progress)).isEqualTo("{\"type\":\"progress\",\"time\":\"2030-01-01T00:00:01.000000Z\","
        + "\"seq\":3,\"action\":\"fault\",\"service\":\"web\",\"ids\":[0],\"outcome\":\"ok\",\"firing_error_ms\":1.25,"
        + "\"alive\":{\"web\":2}}");
    assertThat(ProtocolCodec.encode(new AgentMessage.Armed(0, null)))
        .isEqualTo("{\"type\":\"armed\",\"clock_offset_ms\":0.0,\"clock_uncertainty_ms\":null,\"alive\":null}");
    assertThat(ProtocolCodec.encode(new AgentMessage.Armed(1.5, 0.25, Map.of("web", 3))))
        .isEqualTo("{\"type\":\"armed\",\"clock_offset_ms\":1.5,\"clock_uncertainty_ms\":0.25,\"alive\":{\"web\":3}}");
    assertThat(ProtocolCodec.encode(new AgentMessage.Hello(1, "0.1", "h", "n", "24.0", "6.1", 2, 1024L)))
        .isEqualTo("{\"type\":\"hello\",\"protocol\":1,\"agent_version\":\"0.1\",\"host\":\"h\",\"node_id\":\"n\","
            + "\"docker_version\":\"24.0\",\"kernel\":\"6.1\",\"cores\":2,\"mem_bytes\":1024}");
  }

  @Test
  void everyAgentMessageRoundTrips() throws Exception {
    List<AgentMessage> all = List.of(new AgentMessage.Hello(1, "0.1", "h", null, null, null, null, null),
        new AgentMessage.Armed(-3.5, 0.25), new AgentMessage.Armed(0, null), new AgentMessage.Armed(0, null, Map.of("db", 2)),
        new AgentMessage.Progress(T, 1, "stop", "db", List.of(0, 1), "failed", -0.5, Map.of("db", 0)),
        new AgentMessage.Heartbeat(T), new AgentMessage.Log("warn", "slow"), new AgentMessage.Ended("aborted", "why", 2),
        new AgentMessage.Ended("ok", null, 0), new AgentMessage.Error("no plan"));
    for (AgentMessage m : all) assertThat(ProtocolCodec.decodeAgent(ProtocolCodec.encode(m))).isEqualTo(m);
  }

  @Test
  void aWorkloadSampleRoundTripsInItsDocumentedForm() throws Exception {
    var sample = new AgentMessage.WorkloadSample("client", 0, T, 1000L, 480L, 20L, 12.5);
    var line = ProtocolCodec.encode(sample);
    assertThat(line).isEqualTo("{\"type\":\"workload_sample\",\"service\":\"client\",\"id\":0,"
        + "\"time\":\"2030-01-01T00:00:01.000000Z\",\"interval_millis\":1000,\"ok\":480,\"failed\":20,\"p99_ms\":12.5}");
    assertThat(ProtocolCodec.decodeAgent(line)).isEqualTo(sample);
    var none = new AgentMessage.WorkloadSample("client", 1, T, 1000L, 0L, 500L, null);
    assertThat(ProtocolCodec.encode(none)).as("no operation succeeded: no p99, written as null").endsWith(",\"p99_ms\":null}");
    assertThat(ProtocolCodec.decodeAgent(ProtocolCodec.encode(none))).isEqualTo(none);
    assertThat(ProtocolCodec.decodeAgent("{\"type\":\"workload_sample\",\"service\":\"client\"}"))
        .isEqualTo(new AgentMessage.WorkloadSample("client", null, null, null, null, null, null));
  }

  @Test
  void theMasterReadsMissingNumbersAsNullNotACrash() throws Exception {
    assertThat(ProtocolCodec.decodeAgent("{\"type\":\"hello\",\"host\":\"h\"}"))
        .isEqualTo(new AgentMessage.Hello(null, null, "h", null, null, null, null, null));
    assertThat(ProtocolCodec.decodeAgent("{\"type\":\"armed\"}")).as("no offset is no correction")
        .isEqualTo(new AgentMessage.Armed(0, null));
    assertThat(ProtocolCodec.decodeAgent("{\"type\":\"progress\",\"action\":\"mark\"}"))
        .isEqualTo(new AgentMessage.Progress(null, null, "mark", null, null, null, null, null));
    assertThat(ProtocolCodec.decodeAgent("{\"type\":\"ended\",\"outcome\":\"ok\"}")).isEqualTo(new AgentMessage.Ended("ok", null, null));
    assertThat(ProtocolCodec.decodeAgent("{\"type\":\"log\",\"level\":\"info\",\"message\":\"m\",\"future_field\":[1]}"))
        .isEqualTo(new AgentMessage.Log("info", "m"));
  }

  @Test
  void theMasterKeepsAnUnknownAgentTypeAsUnknownWhichIsNeverSent() throws Exception {
    String line = "{\"type\":\"telemetry\",\"x\":1}";
    assertThat(ProtocolCodec.decodeAgent(line)).isEqualTo(new AgentMessage.Unknown("telemetry", line));
    assertThatThrownBy(() -> ProtocolCodec.encode(new AgentMessage.Unknown("telemetry", line)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never sent");
  }

  // --- malformed lines, either way ---

  @Test
  void aMalformedLineIsRefusedOnBothEndsSayingWhyAndQuotingIt() {
    for (String bad : List.of("garbage", "{not json")) {
      assertThatThrownBy(() -> ProtocolCodec.decodeMaster(bad)).isInstanceOf(ProtocolException.class)
          .hasMessageStartingWith("not a valid message: not JSON (").hasMessageEndingWith("): " + bad);
      assertThatThrownBy(() -> ProtocolCodec.decodeAgent(bad)).isInstanceOf(ProtocolException.class)
          .hasMessageStartingWith("not a valid message: not JSON (").hasMessageEndingWith("): " + bad);
    }
    for (String bad : List.of("[1,2]", "{\"kind\":\"hello\"}", "{\"type\":7}", "")) {
      assertThatThrownBy(() -> ProtocolCodec.decodeMaster(bad)).isInstanceOf(ProtocolException.class)
          .hasMessage("not a valid message: not a JSON object with a \"type\": " + bad);
      assertThatThrownBy(() -> ProtocolCodec.decodeAgent(bad)).isInstanceOf(ProtocolException.class)
          .hasMessage("not a valid message: not a JSON object with a \"type\": " + bad);
    }
    assertThatThrownBy(() -> ProtocolCodec.decodeAgent("{\"type\":\"progress\",\"seq\":\"third\"}"))
        .isInstanceOf(ProtocolException.class).hasMessageStartingWith("not a valid message: malformed progress (")
        .hasMessageEndingWith("): {\"type\":\"progress\",\"seq\":\"third\"}");
    assertThatThrownBy(() -> ProtocolCodec.decodeMaster("{\"type\":\"heartbeat\",\"time\":\"yesterday\"}"))
        .isInstanceOf(ProtocolException.class).hasMessageStartingWith("not a valid message: malformed heartbeat (");
    String longLine = "{\"type\":\"log\",\"message\":" + "x".repeat(500);
    assertThatThrownBy(() -> ProtocolCodec.decodeAgent(longLine)).as("a long line is quoted abbreviated")
        .hasMessageEndingWith(longLine.substring(0, 200) + "…");
  }

  @Test
  void preflightAndItsReportRoundTripInTheirDocumentedForm() throws Exception {
    var pre = new MasterMessage.Preflight("10.0.0.9", List.of("cgroup_procs", "shell"));
    var line = ProtocolCodec.encode(pre);
    assertThat(line).isEqualTo("{\"type\":\"preflight\",\"ntp_server\":\"10.0.0.9\",\"features\":[\"cgroup_procs\",\"shell\"]}");
    assertThat(ProtocolCodec.decodeMaster(line)).isEqualTo(pre);
    assertThat(ProtocolCodec.decodeMaster("{\"type\":\"preflight\"}")).as("no ntp_server, no features")
        .isEqualTo(new MasterMessage.Preflight(null, List.of()));

    var report = new AgentMessage.PreflightReport("24.0.7", "manager", "10.0.0.9", null, null,
        Map.of("cgroup_procs", "missing: not writable"), List.of("ntp_server 10.0.0.9 unreachable: timed out"));
    var out = ProtocolCodec.encode(report);
    assertThat(out).startsWith("{\"type\":\"preflight_report\",\"docker_version\":\"24.0.7\",\"swarm_state\":\"manager\"")
        .contains("\"clock_offset_ms\":null", "\"problems\":[\"ntp_server 10.0.0.9 unreachable: timed out\"]");
    assertThat(ProtocolCodec.decodeAgent(out)).isEqualTo(report);
    assertThat(ProtocolCodec.decodeAgent("{\"type\":\"preflight_report\"}")).as("an empty report has no problems, never null")
        .isEqualTo(new AgentMessage.PreflightReport(null, null, null, null, null, Map.of(), List.of()));
  }
}
