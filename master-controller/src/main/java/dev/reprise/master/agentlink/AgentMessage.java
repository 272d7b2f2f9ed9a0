package dev.reprise.master.agentlink;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A message from an agent to the master (protocol {@value Protocol#VERSION}). Immutable. */
public sealed interface AgentMessage {

  /** The agent's answer to {@code hello}: who and where it is. */
  record Hello(Integer protocol, String agentVersion, String host, String nodeId, String dockerVersion, String kernel,
      Integer cores, Long memBytes) implements AgentMessage {}

  /** The plan is accepted; the clock offset is corrected = local + offset. */
  record Armed(Double clockOffsetMs, Double clockUncertaintyMs) implements AgentMessage {}

  /** One action the agent fired, with the alive count per service after it. */
  record Progress(Instant time, Integer seq, String action, String service, List<Integer> ids, String outcome,
      Double firingErrorMs, Map<String, Integer> alive) implements AgentMessage {}

  record Heartbeat(Instant time) implements AgentMessage {}

  /** Something the user should see; {@code level} is {@code info}, {@code warn} or {@code error}. */
  record Log(String level, String message) implements AgentMessage {}

  /** The agent's last message; {@code outcome} is {@code ok}, {@code failed} or {@code aborted}. */
  record Ended(String outcome, String reason, Integer healed) implements AgentMessage {}

  /** The agent refused a message (e.g. an {@code arm} it cannot carry out). */
  record Error(String message) implements AgentMessage {}

  /** A message of a type this master does not know (a newer agent); kept for the log, otherwise ignored. */
  record Unknown(String type, String line) implements AgentMessage {}
}
