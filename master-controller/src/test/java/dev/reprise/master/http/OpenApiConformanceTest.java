package dev.reprise.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.reprise.master.experiments.ChaosAction;
import dev.reprise.master.experiments.ExperimentState;
import dev.reprise.master.experiments.ExperimentStatus;
import dev.reprise.master.runqueue.QueueState;
import dev.reprise.master.runqueue.QueuedRun;
import dev.reprise.master.runqueue.RunEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * openapi.json and the server agree: every route Javalin registered is a path + method of the
 * document and back; every example validates against its schema; the records serialize to what
 * their schemas allow, with every component (so a field added to a record fails here until documented).
 */
class OpenApiConformanceTest {
  private static final JsonNode DOC = read();

  private static JsonNode read() {
    try {
      return ApiJson.MAPPER.readTree(ControlPlane.openApiDocument());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute(@TempDir Path runs) {
    var documented = new TreeSet<String>();
    for (Iterator<Map.Entry<String, JsonNode>> p = DOC.get("paths").properties().iterator(); p.hasNext(); ) {
      var path = p.next();
      for (Iterator<String> m = path.getValue().fieldNames(); m.hasNext(); ) {
        String method = m.next();
        if (List.of("get", "post", "put", "delete", "patch", "head", "options").contains(method)) {
          documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      }
    }
    TreeSet<String> served;
    try (var h = new ControlPlaneHarness(runs)) {
      served = new TreeSet<>(h.server.routes());
    }
    assertThat(served).hasSize(14);
    assertThat(served).isEqualTo(documented);
  }

  @Test
  void everyExampleValidatesAgainstItsSchema() {
    var failures = new ArrayList<String>();
    int checked = 0;
    for (Iterator<Map.Entry<String, JsonNode>> p = DOC.get("paths").properties().iterator(); p.hasNext(); ) {
      var path = p.next();
      for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().properties().iterator(); m.hasNext(); ) {
        var op = m.next();
        var media = new ArrayList<Map.Entry<String, JsonNode>>();
        JsonNode body = op.getValue().path("requestBody").path("content");
        body.properties().forEach(e -> media.add(Map.entry(op.getKey() + " " + path.getKey() + " request " + e.getKey(), e.getValue())));
        op.getValue().path("responses").properties().forEach(r -> r.getValue().path("content").properties()
            .forEach(e -> media.add(Map.entry(op.getKey() + " " + path.getKey() + " " + r.getKey() + " " + e.getKey(), e.getValue()))));
        for (var e : media) {
          if (!e.getValue().has("example") || !e.getKey().contains("json")) continue;
          checked++;
          for (ValidationMessage v : validate(e.getValue().get("schema"), e.getValue().get("example"))) failures.add(e.getKey() + ": " + v.getMessage());
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(10);
    assertThat(failures).isEmpty();
  }

  @Test
  void recordsSerializeToTheirSchemasWithEveryComponentDocumented() {
    Instant t = Instant.parse("2026-12-03T15:00:00Z");
    var status = new ExperimentStatus("e", "s_a", ChaosAction.PAUSE, ExperimentState.ROLLED_BACK, t, t, t, 1, 0,
        new ExperimentStatus.SafetyMetrics(1.0, 2.0, "PASSING"), List.of(new ExperimentStatus.ImpactedNode("p", "n", "HEALED")), "r", "m");
    assertValid("ExperimentStatus", status);
    var run = new QueuedRun("r", "n", QueueState.SUCCEEDED, t, t, t, "id", "/d", "RUNNING", 1, 1, "ok", "m");
    assertValid("QueuedRun", run);
    assertValid("RunEvent", new RunEvent(1, "ended", t, Map.of("outcome", "ok")));
    assertValid("ExperimentRequest", Map.of("experimentId", "a", "targetService", "s", "action", "KILL", "durationSeconds", 3,
        "parameters", Map.of("targetCount", 1), "safetyThreshold", Map.of("maxErrorRatePct", 1, "maxP99LatencyMs", 2, "windowSeconds", 3)));
    assertThat(names(DOC.at("/components/schemas/ExperimentRequest/properties"))).containsExactlyElementsOf(ExperimentRequestJson.FIELDS);
    assertThat(names(DOC.at("/components/schemas/SafetyThreshold/properties"))).containsExactlyElementsOf(ExperimentRequestJson.THRESHOLD_FIELDS);
    assertThat(names(DOC.at("/components/schemas/RunSubmission/properties"))).containsExactlyElementsOf(RunSubmissionJson.FIELDS);
    var actions = new ArrayList<String>();
    DOC.at("/components/schemas/ChaosAction/enum").forEach(a -> actions.add(a.asText()));
    assertThat(actions).containsExactly(java.util.Arrays.stream(ChaosAction.values()).map(Enum::name).toArray(String[]::new));
  }

  private static List<String> names(JsonNode object) {
    var out = new ArrayList<String>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static void assertValid(String schemaName, Object value) {
    JsonNode node = ApiJson.MAPPER.valueToTree(value);
    var schema = ApiJson.MAPPER.createObjectNode().put("$ref", "#/components/schemas/" + schemaName);
    assertThat(validate(schema, node)).as(schemaName + " " + node).isEmpty();
    JsonNode properties = DOC.at("/components/schemas/" + schemaName + "/properties");
    assertThat(names(properties)).as(schemaName + ": every field documented").containsAll(names(node));
  }

  private static java.util.Set<ValidationMessage> validate(JsonNode schema, JsonNode instance) {
    ObjectNode wrapper = schema.deepCopy();
    wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    wrapper.set("components", DOC.get("components"));
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(wrapper).validate(instance);
  }
}
