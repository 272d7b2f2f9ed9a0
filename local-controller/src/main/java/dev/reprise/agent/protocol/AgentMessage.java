package dev.reprise.agent.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A message from an agent to the master. One JSON object per line, kind in {@code type}; see the
 * README. Read by the master with {@link ProtocolCodec#decodeAgent}, which tolerates what a newer
 * agent may add: unknown fields are ignored, an unknown {@code type} is an {@link Unknown}.
 *
 * <p>Numbers the master only shows or checks when present are boxed: a field an agent left out is
 * null, never a crash ({@code protocol}, {@code seq}, {@code firing_error_ms}, {@code healed},
 * {@code cores}, {@code mem_bytes}, {@code clock_uncertainty_ms}). {@code clock_offset_ms} stays a
 * {@code double}: a missing one reads as 0 ms, which is the correction the master assumes anyway.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AgentMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = AgentMessage.PreflightReport.class, name = "preflight_report"),
    @JsonSubTypes.Type(value = AgentMessage.Armed.class, name = "armed"),
    @JsonSubTypes.Type(value = AgentMessage.Progress.class, name = "progress"),
    @JsonSubTypes.Type(value = AgentMessage.Heartbeat.class, name = "heartbeat"),
    @JsonSubTypes.Type(value = AgentMessage.Log.class, name = "log"),
    @JsonSubTypes.Type(value = AgentMessage.Ended.class, name = "ended"),
    @JsonSubTypes.Type(value = AgentMessage.Error.class, name = "error"),
    @JsonSubTypes.Type(value = AgentMessage.Addresses.class, name = "addresses"),
    @JsonSubTypes.Type(value = AgentMessage.WorkloadSample.class, name = "workload_sample"),
    @JsonSubTypes.Type(value = AgentMessage.TriggerObservation.class, name = "trigger_observation"),
})
public sealed interface AgentMessage {
  /** The protocol version both ends speak (the {@code protocol} of both {@code hello}s). */
  int PROTOCOL = 1;

  /** The agent's answer to the master's {@code hello}: who and where it is. */
  record Hello(Integer protocol, String agentVersion, String host, String nodeId, String dockerVersion, String kernel,
      Integer cores, Long memBytes) implements AgentMessage {}

  /**
   * The answer to {@code preflight}: what the agent found on its host. The host can arm when
   * {@code problems} is empty; each problem is a sentence a user can act on.
   *
   * @param dockerVersion the engine's version; null when the engine did not answer
   * @param swarmState {@code manager}, {@code worker} or {@code inactive}; null when the engine did not answer
   * @param ntpServer the server the clock was measured against; null without clock sync
   * @param clockOffsetMs reference − the agent's clock, measured (not applied); null without clock sync or when it failed
   * @param clockUncertaintyMs half the kept sample's round trip; null likewise
   * @param features each requested feature (its JSON name) → {@code ok}, or why it is missing
   * @param problems everything that keeps this host from arming; empty when it can
   */
  record PreflightReport(String dockerVersion, String swarmState, String ntpServer, Double clockOffsetMs,
      Double clockUncertaintyMs, Map<String, String> features, List<String> problems) implements AgentMessage {
    public PreflightReport {
      features = features == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(features));
      problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /** The value of {@link #features} for a feature the host has. */
    public static final String OK = "ok";
  }

  /**
   * The run is armed; every action will fire at T0 + offset on the corrected clock
   * (corrected = local + {@code clockOffsetMs}); the uncertainty is null without NTP. {@code alive}:
   * the running containers per FDSL service on this agent's host at arm (null from older agents).
   */
  record Armed(double clockOffsetMs, Double clockUncertaintyMs, Map<String, Integer> alive) implements AgentMessage {
    /** An {@code armed} without alive counts. */
    public Armed(double clockOffsetMs, Double clockUncertaintyMs) {
      this(clockOffsetMs, clockUncertaintyMs, null);
    }
  }

  /** Sent after each action this agent fired (its timeline record is written by then); {@code alive} per service. */
  record Progress(Instant time, Integer seq, String action, String service, List<Integer> ids, String outcome,
      Double firingErrorMs, Map<String, Integer> alive) implements AgentMessage {}

  record Heartbeat(Instant time) implements AgentMessage {}

  /**
   * A container of the run started on this host with these IPv4 addresses: the master passes it on
   * to the other hosts' agents ({@code peers}), so a partition or a network fault's {@code to} on
   * one host can name containers of another.
   */
  record Addresses(String service, Integer id, String container, List<String> addresses) implements AgentMessage {
    public Addresses {
      addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
  }

  /**
   * One per-second line a run container wrote on its stdout in the workload line format
   * ({@code {"type":"traffic",...}}, as the traffic generator writes it), passed on live as it is
   * read so the master's safety loop and metrics see what clients feel during the run.
   *
   * @param time the end of the interval the line covers, corrected to the run's clock (the line's
   *     own {@code time}, else when the agent read it)
   * @param intervalMillis the interval the line covers ({@code interval_ms})
   * @param ok operations that succeeded in it ({@code ops_ok})
   * @param failed operations that failed in it (the sum of {@code errors})
   * @param p99Ms the p99 latency of its successful operations, ms; null when none succeeded
   */
  record WorkloadSample(String service, Integer id, Instant time, Long intervalMillis, Long ok, Long failed,
      Double p99Ms) implements AgentMessage {}

  /**
   * What a triggered moment's condition is judged from, seen on this agent's containers: for a log
   * trigger the first line of a container matching its pattern ({@code kind} {@code log}, once per
   * container and moment), for a running trigger a container seen running or ended ({@code running},
   * {@code ended}). The master judges (counts span hosts) and answers {@code fire_moment}.
   *
   * @param moment the plan's moment index ({@code PlannedTrigger.moment})
   * @param time the line's engine timestamp, or when the container was seen (run clock)
   * @param text the line; null for container states
   */
  record TriggerObservation(Integer moment, String kind, String service, Integer id, String container, Instant time,
      String text) implements AgentMessage {}

  /** Something a user should see; {@code level} is {@code info}, {@code warn} or {@code error}. */
  record Log(String level, String message) implements AgentMessage {}

  /** The last message: {@code outcome} is {@code ok}, {@code failed} or {@code aborted}. */
  record Ended(String outcome, String reason, Integer healed) implements AgentMessage {}

  /** A message the agent could not accept (bad line, unknown type, refused arm). */
  record Error(String message) implements AgentMessage {}

  /**
   * What the master makes of a line whose {@code type} it does not know (one a newer agent added):
   * the type and the line as received, for the log; otherwise ignored. Never sent: no agent writes
   * it, and {@link ProtocolCodec#encode(AgentMessage)} refuses it.
   */
  record Unknown(String type, String line) implements AgentMessage {}
}
