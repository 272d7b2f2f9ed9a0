package dev.reprise.agent.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A message from the master to an agent. One JSON object per line, kind in {@code type}; see the
 * README. Read by the agent with {@link ProtocolCodec#decodeMaster}, which refuses an unknown
 * {@code type} (the agent answers {@code error}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MasterMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = MasterMessage.Preflight.class, name = "preflight"),
    @JsonSubTypes.Type(value = MasterMessage.Arm.class, name = "arm"),
    @JsonSubTypes.Type(value = MasterMessage.Heartbeat.class, name = "heartbeat"),
    @JsonSubTypes.Type(value = MasterMessage.Abort.class, name = "abort"),
    @JsonSubTypes.Type(value = MasterMessage.Peers.class, name = "peers"),
    @JsonSubTypes.Type(value = MasterMessage.FireMoment.class, name = "fire_moment"),
})
public sealed interface MasterMessage {

  /**
   * Opens the conversation; the agent answers with its own {@code hello}. A missing {@code protocol}
   * reads as 0, which the agent refuses as an unsupported version.
   */
  record Hello(int protocol, String runId, String host) implements MasterMessage {}

  /**
   * Asks the agent, after {@code hello} and before anything is deployed, whether its host can arm
   * this run: its engine, its clock against {@code ntpServer} (measured, not stepped; null or blank:
   * no clock sync) and the host features the scenario's fault types need ({@code features}: their
   * JSON names, {@code HostFeature#word}). The agent answers {@code preflight_report}, from a
   * thread of its own (it keeps answering heartbeats meanwhile). May be sent again; refused once armed.
   */
  record Preflight(String ntpServer, List<String> features) implements MasterMessage {
    public Preflight {
      features = features == null ? List.of() : List.copyOf(features);
    }
  }

  /**
   * Hands the agent its run; it fires every action at {@code t0} + offset. {@code plan} is the
   * {@code PlanJson} object; {@code services} maps FDSL service → swarm service name (the agent
   * refuses an arm without it); paths are on the agent's host ({@code faultsDir} null when the
   * scenario has no custom faults). {@code statsIntervalMs}, {@code stopGraceMs} and
   * {@code ntpResyncMs} (how often to re-measure the clock against {@code ntpServer}; 0: only at
   * arm) are boxed: when missing the agent uses its defaults (1000, 10000 and 60000).
   */
  record Arm(String runId, JsonNode plan, Instant t0, String stack, Map<String, String> services, boolean manager,
      String recordsDir, String faultsDir, String ntpServer, Long statsIntervalMs, Long stopGraceMs, Long ntpResyncMs)
      implements MasterMessage {
    public Arm {
      services = services == null ? null : Map.copyOf(services);
    }
  }

  /** Sent every second; five seconds without one trigger the agent's dead-man switch. */
  record Heartbeat(Instant time) implements MasterMessage {}

  /**
   * Containers of the run on other hosts and their addresses (what their agents reported as
   * {@code addresses}); the agent keeps the latest per FDSL service and ID, for faults that name
   * peers. Accepted any time after hello.
   */
  record Peers(List<Peer> peers) implements MasterMessage {
    public Peers {
      peers = peers == null ? List.of() : List.copyOf(peers);
    }
  }

  /** One container of another host. */
  record Peer(String service, int id, String container, String host, List<String> addresses) {
    public Peer {
      addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
  }

  /** Heal everything, flush, answer {@code ended} with outcome {@code aborted}. */
  record Abort(String reason) implements MasterMessage {}

  /**
   * A triggered moment's condition held at {@code instant} (the master's judgement, on the run's
   * clock): fire the moment's actions on this agent's containers at once, with {@code instant} as
   * their planned instant. Sent once per moment to every live agent; a skipped moment gets none.
   */
  record FireMoment(int moment, Instant instant) implements MasterMessage {}
}
