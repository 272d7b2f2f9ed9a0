package dev.reprise.agent.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/** A message from the master to an agent. One JSON object per line, kind in {@code type}; see README. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MasterMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = MasterMessage.Arm.class, name = "arm"),
    @JsonSubTypes.Type(value = MasterMessage.Heartbeat.class, name = "heartbeat"),
    @JsonSubTypes.Type(value = MasterMessage.Abort.class, name = "abort"),
})
public sealed interface MasterMessage {

  /** Opens the conversation; the agent answers with its own {@code hello}. */
  record Hello(int protocol, String runId, String host) implements MasterMessage {}

  /**
   * Hands the agent its run. {@code plan} is the {@code PlanJson} object; {@code services} maps FDSL
   * service → swarm service name; paths are on the agent's host.
   */
  record Arm(String runId, JsonNode plan, Instant t0, String stack, Map<String, String> services, boolean manager,
      String recordsDir, String faultsDir, String ntpServer, Long statsIntervalMs, Long stopGraceMs) implements MasterMessage {}

  /** Sent every second; five seconds without one trigger the agent's dead-man switch. */
  record Heartbeat(Instant time) implements MasterMessage {}

  /** Heal everything, flush, answer {@code ended} with outcome {@code aborted}. */
  record Abort(String reason) implements MasterMessage {}
}
