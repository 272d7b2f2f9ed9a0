package dev.reprise.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.RecordJson;

/**
 * The agent protocol's JSON-lines codec, for both ends: snake_case fields, instants as in records
 * ({@link RecordJson}), unknown fields ignored, nulls written as {@code null}. Thread-safe.
 */
public final class ProtocolCodec {
  private static final ObjectMapper MAPPER = RecordJson.mapper().copy()
      .setSerializationInclusion(JsonInclude.Include.ALWAYS);

  private ProtocolCodec() {}

  /** A line that is not a valid message; the message says why (unknown type, malformed JSON...). */
  public static final class ProtocolException extends Exception {
    public ProtocolException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static String encode(AgentMessage m) {
    return write(m);
  }

  public static String encode(MasterMessage m) {
    return write(m);
  }

  private static String write(Object m) {
    try {
      return MAPPER.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("message is not serializable: " + e.getMessage(), e);
    }
  }

  public static MasterMessage decodeMaster(String line) throws ProtocolException {
    return read(line, MasterMessage.class);
  }

  public static AgentMessage decodeAgent(String line) throws ProtocolException {
    return read(line, AgentMessage.class);
  }

  private static <T> T read(String line, Class<T> type) throws ProtocolException {
    try {
      return MAPPER.readValue(line, type);
    } catch (InvalidTypeIdException e) {
      throw new ProtocolException("unknown message type " + e.getTypeId() + " (expected one of "
          + (type == MasterMessage.class ? "hello, arm, heartbeat, abort" : "hello, armed, progress, heartbeat, log, ended, error") + ")", e);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("not a valid message: " + e.getOriginalMessage(), e);
    }
  }

  /** The plan carried by an {@code arm}. */
  public static Plan plan(MasterMessage.Arm arm) throws ProtocolException {
    if (arm.plan() == null || arm.plan().isNull()) throw new ProtocolException("arm carries no plan", null);
    try {
      return PlanJson.mapper().treeToValue(arm.plan(), Plan.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new ProtocolException("arm carries an invalid plan: " + e.getMessage(), e);
    }
  }

  /** An {@code arm} for {@code plan} (for the master and tests). */
  public static MasterMessage.Arm arm(String runId, Plan plan, java.time.Instant t0, String stack,
      java.util.Map<String, String> services, boolean manager, String recordsDir, String faultsDir, String ntpServer,
      long statsIntervalMs, long stopGraceMs) {
    return new MasterMessage.Arm(runId, PlanJson.mapper().valueToTree(plan), t0, stack, services, manager, recordsDir,
        faultsDir, ntpServer, statsIntervalMs, stopGraceMs);
  }
}
