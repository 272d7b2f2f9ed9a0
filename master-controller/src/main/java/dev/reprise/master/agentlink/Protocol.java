package dev.reprise.master.agentlink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reprise.fdsl.record.RecordJson;

/**
 * The agent protocol's wire form: one JSON object per line, {@code type} first, snake_case field
 * names, instants as {@link RecordJson} writes them. Unknown fields are ignored when reading.
 * Stateless and thread-safe.
 */
public final class Protocol {
  /** The protocol version this master speaks. */
  public static final int VERSION = 1;

  private Protocol() {}

  /** {@code message} as one line, without the newline. */
  public static String encode(MasterMessage message) {
    ObjectNode node = RecordJson.mapper().createObjectNode();
    node.put("type", message.type());
    ObjectNode body = RecordJson.mapper().valueToTree(message);
    node.setAll(body);
    return node.toString();
  }

  /** Parses one line from an agent; a type this master does not know becomes {@link AgentMessage.Unknown}. */
  public static AgentMessage decode(String line) throws ProtocolException {
    JsonNode node;
    try {
      node = RecordJson.mapper().readTree(line);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("not a JSON line: " + abbreviate(line), e);
    }
    if (node == null || !node.isObject() || !node.path("type").isTextual()) {
      throw new ProtocolException("not a protocol message (a JSON object with a type): " + abbreviate(line), null);
    }
    String type = node.get("type").asText();
    Class<? extends AgentMessage> cls = switch (type) {
      case "hello" -> AgentMessage.Hello.class;
      case "armed" -> AgentMessage.Armed.class;
      case "progress" -> AgentMessage.Progress.class;
      case "heartbeat" -> AgentMessage.Heartbeat.class;
      case "log" -> AgentMessage.Log.class;
      case "ended" -> AgentMessage.Ended.class;
      case "error" -> AgentMessage.Error.class;
      default -> null;
    };
    if (cls == null) return new AgentMessage.Unknown(type, line);
    try {
      ((ObjectNode) node).remove("type");
      return RecordJson.mapper().treeToValue(node, cls);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new ProtocolException("malformed " + type + " message: " + abbreviate(line), e);
    }
  }

  /** Encodes a message the way an agent would; for fakes and tests. */
  public static String encodeAgent(AgentMessage message) {
    String type;
    if (message instanceof AgentMessage.Hello) type = "hello";
    else if (message instanceof AgentMessage.Armed) type = "armed";
    else if (message instanceof AgentMessage.Progress) type = "progress";
    else if (message instanceof AgentMessage.Heartbeat) type = "heartbeat";
    else if (message instanceof AgentMessage.Log) type = "log";
    else if (message instanceof AgentMessage.Ended) type = "ended";
    else if (message instanceof AgentMessage.Error) type = "error";
    else type = ((AgentMessage.Unknown) message).type();
    ObjectNode node = RecordJson.mapper().createObjectNode();
    node.put("type", type);
    node.setAll((ObjectNode) RecordJson.mapper().valueToTree(message));
    return node.toString();
  }

  private static String abbreviate(String line) {
    return line.length() <= 200 ? line : line.substring(0, 200) + "…";
  }
}
