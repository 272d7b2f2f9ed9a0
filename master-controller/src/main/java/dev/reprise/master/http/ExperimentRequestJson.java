package dev.reprise.master.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reprise.master.experiments.ChaosAction;
import dev.reprise.master.experiments.ExperimentRequest;
import dev.reprise.master.experiments.FieldError;
import dev.reprise.master.experiments.SafetyThreshold;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The body of {@code POST /api/v1/chaos/experiments} → an {@link ExperimentRequest}, or every shape
 * error at once (each a {@link FieldError} named by its JSON path). Shape errors: the content type,
 * malformed JSON (with line and column), a body that is not an object, an unknown field (top level or
 * in {@code safetyThreshold}), a missing required field, a wrong JSON type, an unknown action (with
 * the valid ones), a parameter the action does not take, and the bounds the port's records document
 * (the ID's pattern, a positive duration, {@code targetCount} xor {@code targetPercent}, the
 * threshold's ranges). Whether the service exists and the fault fits the cluster is
 * {@link dev.reprise.master.experiments.Experiments#inject}'s to say. Pure; thread-safe.
 */
public final class ExperimentRequestJson {

  /** The top-level fields, in the record's order. */
  public static final List<String> FIELDS =
      List.of("experimentId", "targetService", "action", "parameters", "durationSeconds", "safetyThreshold");
  /** The fields of {@code safetyThreshold}. */
  public static final List<String> THRESHOLD_FIELDS = List.of("maxErrorRatePct", "maxP99LatencyMs", "windowSeconds");

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** What parsing gave: the request when {@code errors} is empty, else null. */
  public record Result(ExperimentRequest request, List<FieldError> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  private ExperimentRequestJson() {}

  /**
   * Parses {@code body} sent with {@code contentType} (null when the request had none).
   */
  public static Result parse(String contentType, byte[] body) {
    var errors = new ArrayList<FieldError>();
    if (!isJson(contentType)) {
      errors.add(new FieldError("Content-Type",
          "must be application/json, got " + (contentType == null || contentType.isBlank() ? "none" : "'" + contentType + "'")));
      return new Result(null, errors);
    }
    JsonNode root;
    try {
      root = ApiJson.MAPPER.readTree(body == null ? new byte[0] : body);
    } catch (JsonProcessingException e) {
      errors.add(new FieldError("body", "malformed JSON" + where(e.getLocation()) + ": " + e.getOriginalMessage()));
      return new Result(null, errors);
    } catch (java.io.IOException e) {
      errors.add(new FieldError("body", "unreadable: " + e.getMessage()));
      return new Result(null, errors);
    }
    if (root == null || root.isMissingNode()) {
      errors.add(new FieldError("body", "empty; expected a JSON object with " + String.join(", ", FIELDS)));
      return new Result(null, errors);
    }
    if (!root.isObject()) {
      errors.add(new FieldError("body", "must be a JSON object, got " + kind(root)));
      return new Result(null, errors);
    }
    ObjectNode obj = (ObjectNode) root;
    unknownFields(obj, FIELDS, "", errors);

    String experimentId = requiredString(obj, "experimentId", errors);
    if (experimentId != null && !ID.matcher(experimentId).matches()) {
      errors.add(new FieldError("experimentId", "must be 1-64 of A-Z a-z 0-9 . _ -, got '" + experimentId + "'"));
    }
    String targetService = requiredString(obj, "targetService", errors);
    if (targetService != null && targetService.isBlank()) {
      errors.add(new FieldError("targetService", "must not be empty"));
    }
    ChaosAction action = null;
    String actionName = requiredString(obj, "action", errors);
    if (actionName != null) {
      try {
        action = ChaosAction.valueOf(actionName);
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("action", "unknown action '" + actionName + "'; one of: " + actionNames()));
      }
    }
    Map<String, Object> parameters = parameters(obj.get("parameters"), action, errors);
    Long duration = null;
    JsonNode d = obj.get("durationSeconds");
    if (d == null || d.isNull()) {
      errors.add(new FieldError("durationSeconds", "required: the fault's TTL in seconds (an integer > 0)"));
    } else if (!d.isIntegralNumber() || !d.canConvertToLong()) {
      errors.add(new FieldError("durationSeconds", "must be an integer number of seconds, got " + kind(d)));
    } else if (d.asLong() <= 0) {
      errors.add(new FieldError("durationSeconds", "must be > 0, got " + d.asLong()));
    } else {
      duration = d.asLong();
    }
    SafetyThreshold threshold = threshold(obj.get("safetyThreshold"), errors);
    if (!errors.isEmpty()) return new Result(null, errors);
    return new Result(new ExperimentRequest(experimentId, targetService, action, parameters, duration, threshold), List.of());
  }

  /** Whether {@code contentType} is JSON ({@code application/json}, any parameters, any case; {@code +json} suffixes). */
  static boolean isJson(String contentType) {
    if (contentType == null) return false;
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
  }

  static String actionNames() {
    return Arrays.stream(ChaosAction.values()).map(Enum::name).collect(Collectors.joining(", "));
  }

  private static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 0) return "";
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static void unknownFields(ObjectNode obj, List<String> known, String prefix, List<FieldError> errors) {
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        errors.add(new FieldError(prefix + name, "unknown field; known: " + String.join(", ", known)));
      }
    }
  }

  private static String requiredString(ObjectNode obj, String field, List<FieldError> errors) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      errors.add(new FieldError(field, "required"));
      return null;
    }
    if (!n.isTextual()) {
      errors.add(new FieldError(field, "must be a string, got " + kind(n)));
      return null;
    }
    return n.textValue();
  }

  private static Map<String, Object> parameters(JsonNode n, ChaosAction action, List<FieldError> errors) {
    if (n == null || n.isNull()) return Map.of();
    if (!n.isObject()) {
      errors.add(new FieldError("parameters", "must be an object, got " + kind(n)));
      return Map.of();
    }
    var out = new LinkedHashMap<String, Object>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      String key = e.getKey();
      JsonNode v = e.getValue();
      if (action != null && !ChaosAction.COMMON_PARAMETERS.contains(key) && !action.parameters().contains(key)) {
        var takes = new ArrayList<>(action.parameters());
        takes.addAll(ChaosAction.COMMON_PARAMETERS);
        errors.add(new FieldError("parameters." + key, "not a parameter of " + action + "; it takes: " + String.join(", ", takes)));
        continue;
      }
      if (v.isObject() || v.isNull()) {
        errors.add(new FieldError("parameters." + key, "must be a number, a string, a boolean or a list, got " + kind(v)));
        continue;
      }
      out.put(key, ApiJson.MAPPER.convertValue(v, Object.class));
    }
    if (out.containsKey("targetCount") && out.containsKey("targetPercent")) {
      errors.add(new FieldError("parameters.targetPercent", "give targetCount or targetPercent, not both"));
    }
    positiveInteger(n.get("targetCount"), "parameters.targetCount", errors);
    JsonNode pct = n.get("targetPercent");
    if (pct != null && !pct.isNull() && (!pct.isNumber() || pct.asDouble() <= 0 || pct.asDouble() > 100)) {
      errors.add(new FieldError("parameters.targetPercent", "must be a number in (0, 100], got " + pct));
    }
    return out;
  }

  private static void positiveInteger(JsonNode n, String field, List<FieldError> errors) {
    if (n == null || n.isNull()) return;
    if (!n.isIntegralNumber() || n.asLong() <= 0) {
      errors.add(new FieldError(field, "must be an integer > 0, got " + n));
    }
  }

  private static SafetyThreshold threshold(JsonNode n, List<FieldError> errors) {
    if (n == null || n.isNull()) return SafetyThreshold.none();
    if (!n.isObject()) {
      errors.add(new FieldError("safetyThreshold", "must be an object with " + String.join(", ", THRESHOLD_FIELDS) + ", got " + kind(n)));
      return SafetyThreshold.none();
    }
    unknownFields((ObjectNode) n, THRESHOLD_FIELDS, "safetyThreshold.", errors);
    Double errorRate = number(n.get("maxErrorRatePct"), "safetyThreshold.maxErrorRatePct", errors);
    if (errorRate != null && (errorRate <= 0 || errorRate > 100)) {
      errors.add(new FieldError("safetyThreshold.maxErrorRatePct", "must be in (0, 100] percent, got " + errorRate));
    }
    Double p99 = number(n.get("maxP99LatencyMs"), "safetyThreshold.maxP99LatencyMs", errors);
    if (p99 != null && p99 <= 0) {
      errors.add(new FieldError("safetyThreshold.maxP99LatencyMs", "must be > 0 ms, got " + p99));
    }
    Integer window = null;
    JsonNode w = n.get("windowSeconds");
    if (w != null && !w.isNull()) {
      if (!w.isIntegralNumber() || !w.canConvertToInt()) {
        errors.add(new FieldError("safetyThreshold.windowSeconds", "must be an integer number of seconds, got " + kind(w)));
      } else if (w.asInt() <= 0) {
        errors.add(new FieldError("safetyThreshold.windowSeconds", "must be > 0, got " + w.asInt()));
      } else {
        window = w.asInt();
      }
    }
    return new SafetyThreshold(errorRate, p99, window);
  }

  private static Double number(JsonNode n, String field, List<FieldError> errors) {
    if (n == null || n.isNull()) return null;
    if (!n.isNumber()) {
      errors.add(new FieldError(field, "must be a number, got " + kind(n)));
      return null;
    }
    return n.asDouble();
  }

  /** How a JSON value reads in a message: {@code a string ("10")}, {@code an object}, … */
  static String kind(JsonNode n) {
    if (n.isTextual()) return "a string (\"" + n.textValue() + "\")";
    if (n.isBoolean()) return "a boolean (" + n + ")";
    if (n.isIntegralNumber()) return "an integer (" + n + ")";
    if (n.isNumber()) return "a number (" + n + ")";
    if (n.isArray()) return "a list";
    if (n.isObject()) return "an object";
    if (n.isNull()) return "null";
    return n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
