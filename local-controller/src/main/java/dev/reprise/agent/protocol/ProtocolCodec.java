package dev.reprise.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.RecordJson;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The agent protocol's JSON-lines codec, the one wire form for both ends: one object per line,
 * {@code type} first, snake_case fields, instants as in records ({@link RecordJson}), unknown fields
 * ignored when reading. A null field is left out of a master line and written as {@code null} in an
 * agent line (as each end always wrote them); readers take both as null. Stateless and thread-safe.
 *
 * <p>The two directions differ in one thing: an agent refuses a master line of an unknown
 * {@code type} ({@link #decodeMaster} throws), while a master keeps an agent line of an unknown
 * {@code type} as {@link AgentMessage.Unknown} ({@link #decodeAgent}), so that a newer agent can add
 * messages an older master logs and ignores.
 */
public final class ProtocolCodec {
  /** Master lines: nulls left out. */
  private static final ObjectMapper MASTER_LINES = RecordJson.mapper();
  /** Agent lines: nulls written. */
  private static final ObjectMapper AGENT_LINES = RecordJson.mapper().copy()
      .setSerializationInclusion(JsonInclude.Include.ALWAYS);
  private static final List<String> MASTER_TYPES = typeNames(MasterMessage.class);
  private static final List<String> AGENT_TYPES = typeNames(AgentMessage.class);

  private ProtocolCodec() {}

  /** A line that is not a valid message; the message says why (unknown type, malformed JSON...) and quotes the line. */
  public static final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** {@code m} as one line, without the newline; an {@link AgentMessage.Unknown} is refused (it is never sent). */
  public static String encode(AgentMessage m) {
    if (m instanceof AgentMessage.Unknown u) {
      throw new IllegalArgumentException("an unknown message (type " + u.type() + ") is what a master makes of a line "
          + "it cannot read; it is never sent");
    }
    return write(AGENT_LINES, m);
  }

  /** {@code m} as one line, without the newline. */
  public static String encode(MasterMessage m) {
    return write(MASTER_LINES, m);
  }

  private static String write(ObjectMapper mapper, Object m) {
    try {
      return mapper.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("message is not serializable: " + e.getMessage(), e);
    }
  }

  /** The agent's reading of a master line; an unknown {@code type} is a {@link ProtocolException} naming the known ones. */
  public static MasterMessage decodeMaster(String line) throws ProtocolException {
    JsonNode node = object(line);
    String type = node.get("type").asText();
    if (!MASTER_TYPES.contains(type)) {
      throw new ProtocolException("unknown message type " + type + " (expected one of " + String.join(", ", MASTER_TYPES)
          + ")", null);
    }
    return bind(node, type, line, MasterMessage.class);
  }

  /** The master's reading of an agent line; an unknown {@code type} is an {@link AgentMessage.Unknown}, not an error. */
  public static AgentMessage decodeAgent(String line) throws ProtocolException {
    JsonNode node = object(line);
    String type = node.get("type").asText();
    if (!AGENT_TYPES.contains(type)) return new AgentMessage.Unknown(type, line);
    return bind(node, type, line, AgentMessage.class);
  }

  private static JsonNode object(String line) throws ProtocolException {
    JsonNode node;
    try {
      node = MASTER_LINES.readTree(line);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("not a valid message: not JSON (" + e.getOriginalMessage() + "): " + abbreviate(line), e);
    }
    if (node == null || !node.isObject() || !node.path("type").isTextual()) {
      throw new ProtocolException("not a valid message: not a JSON object with a \"type\": " + abbreviate(line), null);
    }
    return node;
  }

  private static <T> T bind(JsonNode node, String type, String line, Class<T> base) throws ProtocolException {
    try {
      return MASTER_LINES.treeToValue(node, base);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new ProtocolException("not a valid message: malformed " + type + " (" + why + "): " + abbreviate(line), e);
    }
  }

  private static List<String> typeNames(Class<?> base) {
    return Arrays.stream(base.getAnnotation(JsonSubTypes.class).value()).map(JsonSubTypes.Type::name).toList();
  }

  private static String abbreviate(String line) {
    return line.length() <= 200 ? line : line.substring(0, 200) + "…";
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
  public static MasterMessage.Arm arm(String runId, Plan plan, Instant t0, String stack, Map<String, String> services,
      boolean manager, String recordsDir, String faultsDir, String ntpServer, long statsIntervalMs, long stopGraceMs) {
    return arm(runId, plan, t0, stack, services, manager, recordsDir, faultsDir, ntpServer, statsIntervalMs, stopGraceMs, null);
  }

  /** An {@code arm} with a clock resync interval ({@code null}: the agent's default; 0: only at arm). */
  public static MasterMessage.Arm arm(String runId, Plan plan, Instant t0, String stack, Map<String, String> services,
      boolean manager, String recordsDir, String faultsDir, String ntpServer, long statsIntervalMs, long stopGraceMs,
      Long ntpResyncMs) {
    return new MasterMessage.Arm(runId, PlanJson.mapper().valueToTree(plan), t0, stack, services, manager, recordsDir,
        faultsDir, ntpServer, statsIntervalMs, stopGraceMs, ntpResyncMs);
  }
}
