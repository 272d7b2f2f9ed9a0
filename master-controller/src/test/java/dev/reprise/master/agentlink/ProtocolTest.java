package dev.reprise.master.agentlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolTest {
  @Test
  void armIsOneSnakeCaseLineWithTypeFirstAndThePlanAsIs() {
    var plan = JsonNodeFactory.instance.objectNode().put("endMillis", 30000);
    String line = Protocol.encode(new MasterMessage.Arm("r1", plan, Instant.parse("2026-11-23T09:00:03Z"), "r1",
        Map.of("hello", "r1_hello"), true, "/runs/r1", null, null, 1000, 10000));
    assertThat(line).startsWith("{\"type\":\"arm\",\"run_id\":\"r1\",\"plan\":{\"endMillis\":30000},\"t0\":\"2026-11-23T09:00:03.000000Z\"");
    assertThat(line).contains("\"services\":{\"hello\":\"r1_hello\"}", "\"manager\":true", "\"records_dir\":\"/runs/r1\"",
        "\"stats_interval_ms\":1000", "\"stop_grace_ms\":10000").doesNotContain("\n");
  }

  @Test
  void heartbeatHelloAndAbort() {
    assertThat(Protocol.encode(new MasterMessage.Heartbeat(Instant.parse("2026-11-23T09:00:00.123Z"))))
        .isEqualTo("{\"type\":\"heartbeat\",\"time\":\"2026-11-23T09:00:00.123000Z\"}");
    assertThat(Protocol.encode(new MasterMessage.Hello(1, "r1", "box"))).isEqualTo("{\"type\":\"hello\",\"protocol\":1,\"run_id\":\"r1\",\"host\":\"box\"}");
    assertThat(Protocol.encode(new MasterMessage.Abort("ctrl-c"))).isEqualTo("{\"type\":\"abort\",\"reason\":\"ctrl-c\"}");
  }

  @Test
  void decodesAgentMessagesIgnoringUnknownFields() throws Exception {
    var p = (AgentMessage.Progress) Protocol.decode("{\"type\":\"progress\",\"time\":\"2026-11-23T09:00:05.001Z\",\"seq\":3,"
        + "\"action\":\"fault\",\"service\":\"hello\",\"ids\":[2],\"outcome\":\"ok\",\"firing_error_ms\":1.25,"
        + "\"alive\":{\"hello\":2},\"future_field\":true}");
    assertThat(p).isEqualTo(new AgentMessage.Progress(Instant.parse("2026-11-23T09:00:05.001Z"), 3, "fault", "hello", List.of(2), "ok",
        1.25, Map.of("hello", 2)));
    assertThat(Protocol.decode("{\"type\":\"ended\",\"outcome\":\"ok\",\"healed\":0}")).isEqualTo(new AgentMessage.Ended("ok", null, 0));
    assertThat(Protocol.decode("{\"type\":\"hello\",\"protocol\":1,\"agent_version\":\"x\",\"host\":\"h\",\"node_id\":\"n\","
        + "\"docker_version\":\"20.10\",\"kernel\":\"6.1\",\"cores\":2,\"mem_bytes\":1024}"))
        .isEqualTo(new AgentMessage.Hello(1, "x", "h", "n", "20.10", "6.1", 2, 1024L));
  }

  @Test
  void unknownTypeIsKeptAndGarbageIsAProtocolException() throws Exception {
    assertThat(Protocol.decode("{\"type\":\"telemetry\",\"x\":1}")).isInstanceOf(AgentMessage.Unknown.class);
    assertThatThrownBy(() -> Protocol.decode("not json")).isInstanceOf(ProtocolException.class).hasMessageContaining("not json");
    assertThatThrownBy(() -> Protocol.decode("[1,2]")).isInstanceOf(ProtocolException.class).hasMessageContaining("with a type");
  }

  @Test
  void agentEncodingRoundTrips() throws Exception {
    var m = new AgentMessage.Log("warn", "slow");
    assertThat(Protocol.decode(Protocol.encodeAgent(m))).isEqualTo(m);
  }
}
