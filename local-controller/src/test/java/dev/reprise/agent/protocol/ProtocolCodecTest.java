package dev.reprise.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.agent.TestPlans;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolCodecTest {
  @Test
  void armRoundTripsWithItsPlanAndSnakeCaseFields() throws Exception {
    var plan = TestPlans.killAt(1000, "web", 0, 5000);
    var arm = ProtocolCodec.arm("run-1", plan, Instant.parse("2030-01-01T00:00:05Z"), "run-1", Map.of("web", "run-1_web"),
        true, "/tmp/rec", null, null, 1000, 10_000);
    var line = ProtocolCodec.encode(arm);
    assertThat(line).startsWith("{\"type\":\"arm\"").contains("\"run_id\":\"run-1\"", "\"records_dir\":\"/tmp/rec\"",
        "\"t0\":\"2030-01-01T00:00:05.000000Z\"", "\"stats_interval_ms\":1000", "\"faults_dir\":null");
    var back = (MasterMessage.Arm) ProtocolCodec.decodeMaster(line);
    assertThat(ProtocolCodec.plan(back)).isEqualTo(plan);
    assertThat(back.services()).isEqualTo(Map.of("web", "run-1_web"));
  }

  @Test
  void agentMessagesUseTheDocumentedNames() throws Exception {
    var progress = new AgentMessage.Progress(Instant.parse("2030-01-01T00:00:01Z"), 3, "fault", "web", List.of(0), "ok", 1.25,
        Map.of("web", 2));
    assertThat(ProtocolCodec.encode(progress)).isEqualTo("{\"type\":\"progress\",\"time\":\"2030-01-01T00:00:01.000000Z\","
        + "\"seq\":3,\"action\":\"fault\",\"service\":\"web\",\"ids\":[0],\"outcome\":\"ok\",\"firing_error_ms\":1.25,"
        + "\"alive\":{\"web\":2}}");
    assertThat(ProtocolCodec.encode(new AgentMessage.Armed(0, null)))
        .isEqualTo("{\"type\":\"armed\",\"clock_offset_ms\":0.0,\"clock_uncertainty_ms\":null}");
    assertThat(ProtocolCodec.decodeAgent(ProtocolCodec.encode(new AgentMessage.Ended("aborted", "why", 2))))
        .isEqualTo(new AgentMessage.Ended("aborted", "why", 2));
  }

  @Test
  void unknownFieldsAreIgnoredAndUnknownTypesAreNamed() throws Exception {
    assertThat(ProtocolCodec.decodeMaster("{\"type\":\"abort\",\"reason\":\"ctrl-c\",\"extra\":1}"))
        .isEqualTo(new MasterMessage.Abort("ctrl-c"));
    assertThatThrownBy(() -> ProtocolCodec.decodeMaster("{\"type\":\"launch\"}"))
        .hasMessageContaining("unknown message type launch").hasMessageContaining("hello, arm, heartbeat, abort");
    assertThatThrownBy(() -> ProtocolCodec.decodeMaster("{not json")).hasMessageStartingWith("not a valid message");
  }
}
