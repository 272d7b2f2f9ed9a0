package dev.reprise.master.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reprise.master.runqueue.RunSubmission;
import dev.reprise.master.runqueue.SubmissionException.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/runs} → a {@link RunSubmission}, or every shape problem at once
 * (each a {@link Problem} with line and column 0 unless the JSON itself is malformed). Two forms:
 * JSON {@code {name, scenario, compose, seed, faultFiles: {name: text}}}, and the parts of a
 * multipart upload ({@code scenario}, {@code compose} and {@code faults} files; {@code name} and
 * {@code seed} fields). What the scenario means is the queue's to say ({@code RunQueue#submit}).
 * Pure; thread-safe.
 */
public final class RunSubmissionJson {

  /** The JSON body's fields. */
  public static final List<String> FIELDS = List.of("name", "scenario", "compose", "seed", "faultFiles");

  /** What parsing gave: the submission when {@code problems} is empty, else null. */
  public record Result(RunSubmission submission, List<Problem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** One part of a multipart upload: its file name (null for a plain field) and its bytes. */
  public record Part(String name, String filename, byte[] content) {}

  private RunSubmissionJson() {}

  /** Parses a JSON body. */
  public static Result parseJson(byte[] body) {
    var problems = new ArrayList<Problem>();
    JsonNode root;
    try {
      root = ApiJson.MAPPER.readTree(body == null ? new byte[0] : body);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      problems.add(new Problem("body", "request body", at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
          "malformed JSON: " + e.getOriginalMessage()));
      return new Result(null, problems);
    } catch (IOException e) {
      problems.add(problem("body", "unreadable: " + e.getMessage()));
      return new Result(null, problems);
    }
    if (root == null || root.isMissingNode() || !root.isObject()) {
      problems.add(problem("body", "must be a JSON object with " + String.join(", ", FIELDS)));
      return new Result(null, problems);
    }
    ObjectNode obj = (ObjectNode) root;
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) problems.add(problem(f, "unknown field; known: " + String.join(", ", FIELDS)));
    }
    String name = optionalString(obj, "name", problems);
    String scenario = optionalString(obj, "scenario", problems);
    if (!obj.hasNonNull("scenario")) {
      problems.add(problem("scenario", "required: the scenario's text"));
    } else if (scenario != null && scenario.isBlank()) {
      problems.add(problem("scenario", "must not be empty"));
    }
    String compose = optionalString(obj, "compose", problems);
    Long seed = null;
    JsonNode s = obj.get("seed");
    if (s != null && !s.isNull()) {
      if (s.isIntegralNumber() && s.canConvertToLong()) {
        seed = s.asLong();
      } else {
        problems.add(problem("seed", "must be an integer, got " + ExperimentRequestJson.kind(s)));
      }
    }
    var faults = new LinkedHashMap<String, byte[]>();
    JsonNode f = obj.get("faultFiles");
    if (f != null && !f.isNull()) {
      if (!f.isObject()) {
        problems.add(problem("faultFiles", "must be an object of file name to script text, got " + ExperimentRequestJson.kind(f)));
      } else {
        for (Iterator<Map.Entry<String, JsonNode>> it = f.properties().iterator(); it.hasNext(); ) {
          var e = it.next();
          if (!e.getValue().isTextual()) {
            problems.add(problem("faultFiles." + e.getKey(), "must be the script's text, got " + ExperimentRequestJson.kind(e.getValue())));
          } else {
            faultFile(e.getKey(), e.getValue().textValue().getBytes(StandardCharsets.UTF_8), faults, "faultFiles." + e.getKey(), problems);
          }
        }
      }
    }
    if (!problems.isEmpty()) return new Result(null, problems);
    return new Result(new RunSubmission(name, scenario, compose, faults, seed), List.of());
  }

  /** Parses the parts of a multipart upload (every part, in order; {@code faults} may repeat). */
  public static Result parseMultipart(List<Part> parts) {
    var problems = new ArrayList<Problem>();
    String name = null;
    String scenario = null;
    String compose = null;
    Long seed = null;
    var faults = new LinkedHashMap<String, byte[]>();
    for (Part p : parts) {
      String text = new String(p.content(), StandardCharsets.UTF_8);
      switch (p.name()) {
        case "name" -> name = text.trim();
        case "scenario" -> scenario = text;
        case "compose" -> compose = text;
        case "seed" -> {
          try {
            seed = Long.parseLong(text.trim());
          } catch (NumberFormatException e) {
            problems.add(problem("seed", "must be an integer, got '" + text.trim() + "'"));
          }
        }
        case "faults" -> {
          if (p.filename() == null || p.filename().isBlank()) {
            problems.add(problem("faults", "each faults part must be a file with a name"));
          } else {
            faultFile(p.filename(), p.content(), faults, "faults", problems);
          }
        }
        default -> problems.add(problem(p.name(), "unknown part; known: name, scenario, compose, seed, faults"));
      }
    }
    if (scenario == null) problems.add(problem("scenario", "required: the scenario file (part 'scenario')"));
    else if (scenario.isBlank()) problems.add(problem("scenario", "must not be empty"));
    if (!problems.isEmpty()) return new Result(null, problems);
    return new Result(new RunSubmission(name == null || name.isEmpty() ? null : name, scenario, compose, faults, seed), List.of());
  }

  private static void faultFile(String fileName, byte[] content, Map<String, byte[]> into, String field, List<Problem> problems) {
    String base = fileName.replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1);
    if (base.isEmpty() || base.equals(".") || base.equals("..") || !base.equals(fileName)) {
      problems.add(problem(field, "a fault file name must be a plain file name (no folders), got '" + fileName + "'"));
    } else if (into.containsKey(base)) {
      problems.add(problem(field, "fault file '" + base + "' given twice"));
    } else {
      into.put(base, content);
    }
  }

  private static String optionalString(ObjectNode obj, String field, List<Problem> problems) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) return null;
    if (!n.isTextual()) {
      problems.add(problem(field, "must be a string, got " + ExperimentRequestJson.kind(n)));
      return null;
    }
    return n.textValue();
  }

  private static Problem problem(String field, String message) {
    return new Problem(field, "request", 0, 0, message);
  }
}
