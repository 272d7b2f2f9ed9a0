package dev.reprise.master.agentlink;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * A message from the master to an agent (protocol {@value Protocol#VERSION}); {@link #type()} is
 * its {@code type} field on the wire. Immutable.
 */
public sealed interface MasterMessage {
  String type();

  /** Opens the conversation. */
  record Hello(int protocol, String runId, String host) implements MasterMessage {
    @Override public String type() { return "hello"; }
  }

  /**
   * The whole plan and the start instant; the agent fires every action at {@code t0} + offset.
   *
   * @param plan the plan as {@code PlanJson} writes it
   * @param services FDSL service → swarm service name
   * @param recordsDir where the agent writes its records (the run folder in the embedded default)
   * @param faultsDir where custom fault scripts are, null when the scenario has none
   */
  record Arm(String runId, JsonNode plan, Instant t0, String stack, Map<String, String> services, boolean manager,
      String recordsDir, String faultsDir, String ntpServer, long statsIntervalMs, long stopGraceMs)
      implements MasterMessage {
    public Arm {
      services = Map.copyOf(services);
    }

    @Override public String type() { return "arm"; }
  }

  /** Sent every second; an agent that hears none for 5 s heals everything and stops. */
  record Heartbeat(Instant time) implements MasterMessage {
    @Override public String type() { return "heartbeat"; }
  }

  /** Heal everything, flush, reply {@code ended} with outcome {@code aborted}. */
  record Abort(String reason) implements MasterMessage {
    @Override public String type() { return "abort"; }
  }
}
