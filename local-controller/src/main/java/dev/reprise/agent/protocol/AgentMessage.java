package dev.reprise.agent.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A message from an agent to the master. One JSON object per line, kind in {@code type}; see README. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AgentMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = AgentMessage.Armed.class, name = "armed"),
    @JsonSubTypes.Type(value = AgentMessage.Progress.class, name = "progress"),
    @JsonSubTypes.Type(value = AgentMessage.Heartbeat.class, name = "heartbeat"),
    @JsonSubTypes.Type(value = AgentMessage.Log.class, name = "log"),
    @JsonSubTypes.Type(value = AgentMessage.Ended.class, name = "ended"),
    @JsonSubTypes.Type(value = AgentMessage.Error.class, name = "error"),
})
public sealed interface AgentMessage {
  int PROTOCOL = 1;

  record Hello(int protocol, String agentVersion, String host, String nodeId, String dockerVersion, String kernel,
      Integer cores, Long memBytes) implements AgentMessage {}

  /** The run is armed; every action will fire at T0 + offset on the corrected clock. */
  record Armed(double clockOffsetMs, Double clockUncertaintyMs) implements AgentMessage {}

  /** Sent after each action this agent fired (its timeline record is written by then). */
  record Progress(Instant time, int seq, String action, String service, List<Integer> ids, String outcome,
      double firingErrorMs, Map<String, Integer> alive) implements AgentMessage {}

  record Heartbeat(Instant time) implements AgentMessage {}

  /** Something a user should see; {@code level} is {@code info}, {@code warn} or {@code error}. */
  record Log(String level, String message) implements AgentMessage {}

  /** The last message: {@code outcome} is {@code ok}, {@code failed} or {@code aborted}. */
  record Ended(String outcome, String reason, int healed) implements AgentMessage {}

  /** A message the agent could not accept (bad line, unknown type, refused arm). */
  record Error(String message) implements AgentMessage {}
}
