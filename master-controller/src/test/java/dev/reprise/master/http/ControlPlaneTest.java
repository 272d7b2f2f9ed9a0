package dev.reprise.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.master.experiments.ExperimentException;
import dev.reprise.master.experiments.FieldError;
import dev.reprise.master.runqueue.SubmissionException;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control plane over fakes of both ports, through java.net.http. */
class ControlPlaneTest {
  private static final String KILL = "{'experimentId':'k1','targetService':'shop_api','action':'KILL','durationSeconds':30}";

  @TempDir Path runs;
  ControlPlaneHarness h;

  @BeforeEach
  void start() {
    h = new ControlPlaneHarness(runs);
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return ApiJson.MAPPER.readTree(r.body());
  }

  // --- auth ---

  @Test
  void healthNeedsNoToken() throws Exception {
    var r = h.client.send(HttpRequest.newBuilder(h.base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
  }

  @Test
  void missingTokenIs401() throws Exception {
    var r = h.client.send(HttpRequest.newBuilder(h.base.resolve("/api/v1/chaos/experiments")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).get("error").asText()).startsWith("missing Authorization");
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"reprise\"");
    assertThat(h.experiments.calls).isEmpty();
  }

  @Test
  void wrongTokenIs401() throws Exception {
    var r = h.client.send(HttpRequest.newBuilder(h.base.resolve("/api/v1/runs")).header("Authorization", "Bearer nope").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).get("error").asText()).isEqualTo("wrong token");
  }

  @Test
  void otherSchemeIs401() throws Exception {
    var r = h.client.send(HttpRequest.newBuilder(h.base.resolve("/api/v1/runs")).header("Authorization", "Basic " + ControlPlaneHarness.TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void unknownPathsAreAlso401WithoutToken() throws Exception {
    var r = h.client.send(HttpRequest.newBuilder(h.base.resolve("/nothing")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void rightTokenPasses() throws Exception {
    assertThat(h.get("/api/v1/chaos/experiments").statusCode()).isEqualTo(200);
  }

  @Test
  void unknownRouteIs404Json() throws Exception {
    var r = h.get("/api/v1/nothing");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).has("error")).isTrue();
  }

  @Test
  void openApiIsServed() throws Exception {
    var r = h.get("/openapi.json");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("openapi").asText()).isEqualTo("3.1.0");
  }

  // --- experiments ---

  @Test
  void injectAnswers202WithTheStatus() throws Exception {
    var r = h.postJson("/api/v1/chaos/experiments",
        "{'experimentId':'cpu-1','targetService':'shop_api','action':'CPU_SPIKE','parameters':{'cores':1},'durationSeconds':60}");
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode b = json(r);
    assertThat(b.get("status").asText()).isEqualTo("INJECTED");
    assertThat(b.get("injectedAt").asText()).isEqualTo("2026-12-03T15:00:00Z");
    assertThat(b.get("rollbackScheduledAt").asText()).isEqualTo("2026-12-03T15:01:00Z");
    assertThat(b.has("endedAt")).as("nulls omitted").isFalse();
    assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/chaos/experiments/cpu-1/status");
    assertThat(h.experiments.calls).containsExactly("inject cpu-1 shop_api CPU_SPIKE 60s {cores=1}");
  }

  @Test
  void shapeErrorsAre400AndNeverReachThePort() throws Exception {
    var r = h.postJson("/api/v1/chaos/experiments", "{'experimentId':'x','action':'NUKE','durationSeconds':'1'}");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode b = json(r);
    assertThat(b.get("error").asText()).isEqualTo("invalid request");
    var fields = new ArrayList<String>();
    b.get("fields").forEach(f -> fields.add(f.get("field").asText()));
    assertThat(fields).containsExactlyInAnyOrder("targetService", "action", "durationSeconds");
    assertThat(h.experiments.calls).isEmpty();
  }

  @Test
  void wrongContentTypeIs400() throws Exception {
    var r = h.send(h.request("/api/v1/chaos/experiments").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(KILL)));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("fields").get(0).get("field").asText()).isEqualTo("Content-Type");
  }

  @Test
  void malformedJsonIs400WithPosition() throws Exception {
    var r = h.send(h.request("/api/v1/chaos/experiments").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"a\":")));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("fields").get(0).get("message").asText()).startsWith("malformed JSON at line 1, column");
    assertThat(r.body()).doesNotContain("at com.").doesNotContain("Exception");
  }

  @Test
  void invalidFromThePortIs400WithItsFields() throws Exception {
    h.experiments.refuseWith = new ExperimentException.Invalid(List.of(
        new FieldError("parameters.latencyMs", "must be > 0"), new FieldError("targetService", "is a one-shot job")));
    var r = h.postJson("/api/v1/chaos/experiments", KILL);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"error\":\"invalid request\",\"fields\":[{\"field\":\"parameters.latencyMs\",\"message\":\"must be > 0\"},"
        + "{\"field\":\"targetService\",\"message\":\"is a one-shot job\"}]}");
  }

  @Test
  void unknownServiceIs404() throws Exception {
    h.experiments.refuseWith = new ExperimentException.UnknownService("no service 'shop_api'; running: web_a, web_b");
    var r = h.postJson("/api/v1/chaos/experiments", KILL);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("error").asText()).isEqualTo("no service 'shop_api'; running: web_a, web_b");
  }

  @Test
  void overBlastRadiusIs409WithTheCap() throws Exception {
    h.experiments.refuseWith = new ExperimentException.OverBlastRadius("shop_api", "50%", 1, 2, "2 of 3 would be affected");
    var r = h.postJson("/api/v1/chaos/experiments", KILL);
    assertThat(r.statusCode()).isEqualTo(409);
    JsonNode b = json(r);
    assertThat(b.get("cap").asText()).isEqualTo("50%");
    assertThat(b.get("scope").asText()).isEqualTo("shop_api");
    assertThat(b.get("allowed").asInt()).isEqualTo(1);
    assertThat(b.get("wouldBe").asInt()).isEqualTo(2);
    assertThat(b.get("message").asText()).isEqualTo("2 of 3 would be affected");
  }

  @Test
  void duplicateIdIs409() throws Exception {
    assertThat(h.postJson("/api/v1/chaos/experiments", KILL).statusCode()).isEqualTo(202);
    var r = h.postJson("/api/v1/chaos/experiments", KILL);
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(json(r).get("error").asText()).isEqualTo("experiment 'k1' exists already");
  }

  @Test
  void unavailableIs503() throws Exception {
    h.experiments.refuseWith = new ExperimentException.Unavailable("Cannot connect to the Docker daemon");
    assertThat(h.postJson("/api/v1/chaos/experiments", KILL).statusCode()).isEqualTo(503);
  }

  @Test
  void unexpectedErrorIs500WithoutStackTrace() throws Exception {
    h.experiments.crashWith = new IllegalStateException("boom inside");
    var r = h.postJson("/api/v1/chaos/experiments", KILL);
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).isEqualTo("{\"error\":\"internal error (see the server's log)\"}");
  }

  @Test
  void statusListAndRollback() throws Exception {
    h.postJson("/api/v1/chaos/experiments", KILL);
    h.postJson("/api/v1/chaos/experiments", KILL.replace("k1", "k2"));
    var status = h.get("/api/v1/chaos/experiments/k1/status");
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(json(status).get("experimentId").asText()).isEqualTo("k1");
    var list = json(h.get("/api/v1/chaos/experiments"));
    assertThat(list.size()).isEqualTo(2);
    assertThat(list.get(0).get("experimentId").asText()).isEqualTo("k2");
    var rolled = h.send(h.request("/api/v1/chaos/experiments/k1").DELETE());
    assertThat(rolled.statusCode()).isEqualTo(200);
    assertThat(json(rolled).get("status").asText()).isEqualTo("ROLLED_BACK");
    assertThat(json(rolled).get("endedAt").asText()).isEqualTo("2026-12-03T15:00:03Z");
  }

  @Test
  void unknownExperimentIs404() throws Exception {
    assertThat(h.get("/api/v1/chaos/experiments/nope/status").statusCode()).isEqualTo(404);
    var r = h.send(h.request("/api/v1/chaos/experiments/nope").DELETE());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("error").asText()).isEqualTo("no experiment 'nope'");
  }

  @Test
  void experimentFilesThroughItsRunId() throws Exception {
    h.postJson("/api/v1/chaos/experiments", KILL);
    Path folder = Files.createDirectories(runs.resolve("exp-k1"));
    Files.writeString(folder.resolve("timeline.jsonl"), "{\"a\":1}\n");
    var r = h.get("/api/v1/chaos/experiments/k1/files/timeline.jsonl");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"a\":1}\n");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson;charset=utf-8");
  }

  // --- runs ---

  @Test
  void submitJsonIs201WithLocation() throws Exception {
    var r = h.postJson("/api/v1/runs", "{'name':'hello','scenario':'x: 1','compose':'services: {}','seed':7,'faultFiles':{'slow.sh':'sleep 1'}}");
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/runs/r-1");
    assertThat(json(r).get("state").asText()).isEqualTo("QUEUED");
    assertThat(h.queue.calls).containsExactly("submit hello seed=7 faults=[slow.sh]");
    assertThat(new String(h.queue.lastSubmission.faultFiles().get("slow.sh"), StandardCharsets.UTF_8)).isEqualTo("sleep 1");
    assertThat(h.queue.lastSubmission.composeText()).isEqualTo("services: {}");
  }

  @Test
  void submitMultipart() throws Exception {
    String boundary = "----reprise-test";
    String body = part(boundary, "scenario", "scenario.yaml", "x: 1") + part(boundary, "compose", "docker-compose.yml", "services: {}")
        + part(boundary, "faults", "a.sh", "echo a") + part(boundary, "faults", "b.sh", "echo b")
        + part(boundary, "name", null, "up") + part(boundary, "seed", null, "42") + "--" + boundary + "--\r\n";
    var r = h.send(h.request("/api/v1/runs").header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(h.queue.calls).containsExactly("submit up seed=42 faults=[a.sh, b.sh]");
    assertThat(h.queue.lastSubmission.scenarioText()).isEqualTo("x: 1");
  }

  private static String part(String boundary, String name, String filename, String content) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
        + (filename == null ? "" : "; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream") + "\r\n\r\n" + content + "\r\n";
  }

  @Test
  void submissionShapeProblemsAre400() throws Exception {
    var r = h.postJson("/api/v1/runs", "{'seed':'x','scenarios':'a'}");
    assertThat(r.statusCode()).isEqualTo(400);
    var fields = new ArrayList<String>();
    json(r).get("problems").forEach(p -> fields.add(p.get("field").asText()));
    assertThat(fields).containsExactlyInAnyOrder("scenarios", "scenario", "seed");
    assertThat(h.queue.calls).isEmpty();
  }

  @Test
  void submissionRefusedByTheQueueIs400WithPositions() throws Exception {
    h.queue.refuseWith = new SubmissionException(List.of(new SubmissionException.Problem("scenario", "scenario.yaml", 4, 7, "unknown fault type 'cpuu'")));
    var r = h.postJson("/api/v1/runs", "{'scenario':'x: 1'}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"error\":\"invalid submission\",\"problems\":[{\"field\":\"scenario\",\"file\":\"scenario.yaml\",\"line\":4,"
        + "\"column\":7,\"message\":\"unknown fault type 'cpuu'\"}]}");
  }

  @Test
  void submissionWithWrongContentTypeIs400() throws Exception {
    var r = h.send(h.request("/api/v1/runs").header("Content-Type", "text/yaml").POST(HttpRequest.BodyPublishers.ofString("x: 1")));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("problems").get(0).get("field").asText()).isEqualTo("Content-Type");
  }

  @Test
  void runsListGetAbort() throws Exception {
    h.postJson("/api/v1/runs", "{'scenario':'a'}");
    h.postJson("/api/v1/runs", "{'scenario':'b'}");
    assertThat(json(h.get("/api/v1/runs")).get(0).get("id").asText()).isEqualTo("r-2");
    assertThat(json(h.get("/api/v1/runs/r-1")).get("state").asText()).isEqualTo("QUEUED");
    assertThat(h.get("/api/v1/runs/r-9").statusCode()).isEqualTo(404);
    var aborted = h.send(h.request("/api/v1/runs/r-1/abort").POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(aborted.statusCode()).isEqualTo(200);
    assertThat(json(aborted).get("state").asText()).isEqualTo("ABORTED");
    assertThat(h.send(h.request("/api/v1/runs/r-9/abort").POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(404);
  }

  // --- SSE ---

  /** Reads SSE frames (blank-line separated) until the stream ends. */
  private static List<String> frames(InputStream in) throws Exception {
    var out = new ArrayList<String>();
    var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    var frame = new StringBuilder();
    for (String line; (line = reader.readLine()) != null; ) {
      if (line.isEmpty()) {
        if (frame.length() > 0) out.add(frame.toString());
        frame.setLength(0);
      } else {
        frame.append(frame.length() > 0 ? "\n" : "").append(line);
      }
    }
    if (frame.length() > 0) out.add(frame.toString());
    return out;
  }

  @Test
  void eventsStreamLiveAndEndAfterEnded() throws Exception {
    h.postJson("/api/v1/runs", "{'scenario':'a'}");
    h.queue.emit("r-1", "state", Map.of("from", "QUEUED", "to", "RUNNING"));
    var response = h.client.sendAsync(h.request("/api/v1/runs/r-1/events").header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofInputStream());
    var r = response.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    waitUntil(() -> h.queue.liveSubscribers("r-1") == 1);
    h.queue.emit("r-1", "action", Map.of("seq", 1, "outcome", "ok"));
    h.queue.emit("r-1", "ended", Map.of("outcome", "ok"));
    List<String> frames = frames(r.body());
    assertThat(frames).containsExactly(
        "id: 1\nevent: queued\ndata: {\"id\":1,\"type\":\"queued\",\"at\":\"2026-12-03T15:00:00Z\",\"data\":{}}",
        "id: 2\nevent: state\ndata: " + ApiJson.MAPPER.writeValueAsString(h.queue.events.get("r-1").get(1)),
        "id: 3\nevent: action\ndata: " + ApiJson.MAPPER.writeValueAsString(h.queue.events.get("r-1").get(2)),
        "id: 4\nevent: ended\ndata: " + ApiJson.MAPPER.writeValueAsString(h.queue.events.get("r-1").get(3)));
    waitUntil(() -> h.queue.liveSubscribers("r-1") == 0);
  }

  @Test
  void lastEventIdResumesAfterIt() throws Exception {
    h.postJson("/api/v1/runs", "{'scenario':'a'}");
    h.queue.emit("r-1", "state", Map.of());
    h.queue.emit("r-1", "action", Map.of());
    h.queue.emit("r-1", "ended", Map.of());
    var r = h.client.send(h.request("/api/v1/runs/r-1/events").header("Accept", "text/event-stream").header("Last-Event-ID", "2").build(),
        HttpResponse.BodyHandlers.ofInputStream());
    List<String> frames = frames(r.body());
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0)).startsWith("id: 3\nevent: action\n");
    assertThat(frames.get(1)).startsWith("id: 4\nevent: ended\n");
    assertThat(h.queue.calls).contains("subscribe r-1 after 2");
  }

  @Test
  void eventsOfAnUnknownRunAre404() throws Exception {
    assertThat(h.send(h.request("/api/v1/runs/zz/events").header("Accept", "text/event-stream").GET()).statusCode()).isEqualTo(404);
  }

  @Test
  void eventsNeedTheSseAcceptHeader() throws Exception {
    h.postJson("/api/v1/runs", "{'scenario':'a'}");
    assertThat(h.send(h.request("/api/v1/runs/r-1/events").header("Accept", "application/json").GET()).statusCode()).isEqualTo(406);
  }

  @Test
  void badLastEventIdIs400() throws Exception {
    h.postJson("/api/v1/runs", "{'scenario':'a'}");
    assertThat(h.send(h.request("/api/v1/runs/r-1/events").header("Accept", "text/event-stream").header("Last-Event-ID", "x").GET())
        .statusCode()).isEqualTo(400);
  }

  // --- files ---

  @Test
  void runFilesAreServedWithTheirContentTypes() throws Exception {
    Path folder = Files.createDirectories(runs.resolve("hello-1"));
    Files.createDirectories(folder.resolve("plots"));
    Files.writeString(folder.resolve("report.html"), "<html>r</html>");
    Files.writeString(folder.resolve("run.json"), "{}");
    Files.writeString(folder.resolve("plots/cpu.svg"), "<svg/>");
    h.queue.addRun("r-x", folder.toString());
    var report = h.get("/api/v1/runs/r-x/report.html");
    assertThat(report.statusCode()).isEqualTo(200);
    assertThat(report.body()).isEqualTo("<html>r</html>");
    assertThat(report.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
    assertThat(h.get("/api/v1/runs/r-x/files/run.json").headers().firstValue("Content-Type")).hasValue("application/json");
    var svg = h.get("/api/v1/runs/r-x/files/plots/cpu.svg");
    assertThat(svg.body()).isEqualTo("<svg/>");
    assertThat(svg.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
    assertThat(h.get("/api/v1/runs/r-x/files/nothing.txt").statusCode()).isEqualTo(404);
  }

  @Test
  void traversalIsRefused() throws Exception {
    Path folder = Files.createDirectories(runs.resolve("hello-1"));
    Files.writeString(runs.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(folder.resolve("link.txt"), runs.resolve("secret.txt"));
    h.queue.addRun("r-x", folder.toString());
    for (String path : List.of("%2E%2E/secret.txt", "..%2Fsecret.txt", "a/%2E%2E/%2E%2E/secret.txt", "link.txt", "%2Fetc%2Fpasswd")) {
      var r = h.get("/api/v1/runs/r-x/files/" + path);
      assertThat(r.statusCode()).as(path).isIn(400, 404);
      assertThat(r.body()).as(path).doesNotContain("secret\n").isNotEqualTo("secret");
    }
    assertThat(h.get("/api/v1/runs/r-x/files/link.txt").statusCode()).isEqualTo(400);
  }

  @Test
  void aRunWithoutAFolderIs404() throws Exception {
    h.postJson("/api/v1/runs", "{'scenario':'a'}");
    var r = h.get("/api/v1/runs/r-1/report.html");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("error").asText()).isEqualTo("run 'r-1' has no run folder yet");
  }

  // --- lifecycle ---

  @Test
  void closeClosesBothPorts() {
    h.close();
    assertThat(h.queue.calls).containsExactly("close");
    assertThat(h.experiments.calls).containsExactly("close");
  }

  static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError("condition not met within 20 s");
      Thread.sleep(20);
    }
  }
}
