package dev.reprise.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.master.testbed.LocalProcesses;
import dev.reprise.master.testbed.MasterJvm;
import dev.reprise.master.testbed.Testbed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code master serve} on the real engine, as a separate JVM on port 0: a stack this test deploys
 * itself ({@code docker stack deploy}, stack {@value #STACK}) gets a KILL and a CPU_SPIKE through the
 * HTTP API, each going INJECTED → RUNNING → ROLLED_BACK at its TTL; a server SIGKILLed during a
 * CPU_SPIKE leaves no burner after the TTL; a run submitted with POST /api/v1/runs completes and its
 * events stream in order, ending with {@code ended}. Bounds are seconds on a loaded 2-core machine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneIT {
  static final String STACK = "cpit";
  static final String SERVICE = STACK + "_hello";
  static final String COMPOSE = """
      version: "3.7"
      services:
        hello:
          image: reprise/hello:latest
          environment:
            HELLO_INTERVAL: "0.5"
          deploy:
            replicas: 3
            endpoint_mode: dnsrr
            restart_policy:
              condition: none
      """;
  /** Slack on top of a TTL for the agents' heal and the status to say so. */
  static final Duration HEAL_SLACK = Duration.ofSeconds(40);

  @TempDir static Path tmp;
  static Process server;
  static URI base;
  static String token;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  static final List<String> runIds = new ArrayList<>();

  @BeforeAll
  static void deployAndServe() throws Exception {
    Path compose = Files.writeString(tmp.resolve("cpit-compose.yml"), COMPOSE);
    docker("stack", "deploy", "-c", compose.toString(), STACK);
    waitUntil(Duration.ofSeconds(90), () -> runningContainers().size() == 3, "3 running containers of " + STACK);
    startServer();
  }

  static void startServer() throws IOException {
    Path jar = Testbed.REPO.resolve("master-controller/target/master-all.jar");
    server = new ProcessBuilder(MasterJvm.javaBinary(), "-jar", jar.toString(), "serve", "--port", "0",
        "--state-dir", tmp.resolve("state").toString(), "--out", tmp.resolve("runs").toString(), "--catalog", "none")
        .redirectError(tmp.resolve("server-stderr.log").toFile()).start();
    var out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    assertThat(first).as("the server's first line (stderr: %s)", tmp.resolve("server-stderr.log")).startsWith("http://127.0.0.1:");
    base = URI.create(first);
    LocalProcesses.drain(server.getInputStream(), new StringBuffer(), "serve-stdout");
    token = Files.readString(tmp.resolve("state/token")).strip();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try {
      if (server != null && server.isAlive()) {
        server.destroy();
        if (!server.waitFor(60, TimeUnit.SECONDS)) server.destroyForcibly();
      }
    } finally {
      docker("stack", "rm", STACK);
      for (String runId : runIds) LocalProcesses.killBurnersOf(runId, "ControlPlaneIT");
      Path runs = tmp.resolve("runs");
      if (Files.isDirectory(runs)) {
        try (var dirs = Files.list(runs)) {
          for (Path d : dirs.toList()) {
            String name = d.getFileName().toString();
            if (name.startsWith("cpit-run")) docker("stack", "rm", name);
          }
        }
      }
    }
  }

  @Test
  @Order(1)
  void killThroughTheApiGoesInjectedRunningRolledBack() throws Exception {
    var r = post("/api/v1/chaos/experiments",
        "{\"experimentId\":\"cpit-kill\",\"targetService\":\"" + SERVICE + "\",\"action\":\"KILL\",\"durationSeconds\":8}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode injected = ApiJson.MAPPER.readTree(r.body());
    assertThat(injected.get("status").asText()).isEqualTo("INJECTED");
    Instant rollbackAt = Instant.parse(injected.get("rollbackScheduledAt").asText());
    assertThat(Duration.between(Instant.parse(injected.get("injectedAt").asText()), rollbackAt)).isEqualTo(Duration.ofSeconds(8));
    waitForStatus("cpit-kill", Duration.ofSeconds(60), "RUNNING", "ROLLED_BACK");
    waitUntil(Duration.ofSeconds(60), () -> runningContainers().size() == 2, "one container of " + STACK + " killed");
    JsonNode end = waitForStatus("cpit-kill", Duration.ofSeconds(8).plus(HEAL_SLACK), "ROLLED_BACK");
    assertThat(end.get("remainingSeconds").asLong()).isZero();
    if (end.has("runId")) runIds.add(end.get("runId").asText());
  }

  @Test
  @Order(2)
  void cpuSpikeThroughTheApiBurnsThenHealsAtTheTtl() throws Exception {
    var r = post("/api/v1/chaos/experiments", "{\"experimentId\":\"cpit-cpu\",\"targetService\":\"" + SERVICE
        + "\",\"action\":\"CPU_SPIKE\",\"parameters\":{\"cores\":1},\"durationSeconds\":12}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode running = waitForStatus("cpit-cpu", Duration.ofSeconds(60), "RUNNING");
    String runId = running.get("runId").asText();
    runIds.add(runId);
    waitUntil(Duration.ofSeconds(30), () -> !LocalProcesses.burnersOf(runId).isEmpty(), "a burner of " + runId);
    waitForStatus("cpit-cpu", Duration.ofSeconds(12).plus(HEAL_SLACK), "ROLLED_BACK");
    waitUntil(Duration.ofSeconds(20), () -> LocalProcesses.burnersOf(runId).isEmpty(), "no burner of " + runId + " left");
  }

  @Test
  @Order(3)
  void aServerKilledMidExperimentLeavesNothingAppliedAfterTheTtl() throws Exception {
    var r = post("/api/v1/chaos/experiments", "{\"experimentId\":\"cpit-cpu-orphan\",\"targetService\":\"" + SERVICE
        + "\",\"action\":\"CPU_SPIKE\",\"parameters\":{\"cores\":1},\"durationSeconds\":15}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    Instant rollbackAt = Instant.parse(ApiJson.MAPPER.readTree(r.body()).get("rollbackScheduledAt").asText());
    JsonNode running = waitForStatus("cpit-cpu-orphan", Duration.ofSeconds(60), "RUNNING");
    String runId = running.get("runId").asText();
    runIds.add(runId);
    waitUntil(Duration.ofSeconds(30), () -> !LocalProcesses.burnersOf(runId).isEmpty(), "a burner of " + runId);
    server.destroyForcibly();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Duration untilTtl = Duration.between(Instant.now(), rollbackAt);
    waitUntil(untilTtl.isNegative() ? HEAL_SLACK : untilTtl.plus(HEAL_SLACK), () -> LocalProcesses.burnersOf(runId).isEmpty(),
        "no burner of " + runId + " after the TTL with the server dead");
    assertThat(burnersInContainers()).as("burners in the stack's containers (docker top)").isEmpty();
    startServer();
    JsonNode after = get("/api/v1/chaos/experiments/cpit-cpu-orphan/status");
    assertThat(after.get("status").asText()).isIn("ABORTED", "ROLLED_BACK", "FAILED");
  }

  @Test
  @Order(4)
  void aSubmittedRunCompletesAndItsEventsStreamInOrder() throws Exception {
    String scenario = """
        environment:
          seed: 11
        events:
          - beginning:
              hello: 1
          - moment:
              time: 2
              mark: "half-way"
          - end: 5
        """;
    String compose = "version: \\\"3.7\\\"\\nservices:\\n  hello:\\n    image: reprise/hello:latest\\n    deploy:\\n      endpoint_mode: dnsrr\\n";
    String body = "{\"name\":\"cpit-run\",\"scenario\":" + ApiJson.MAPPER.writeValueAsString(scenario) + ",\"compose\":\"" + compose + "\"}";
    var r = post("/api/v1/runs", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    String id = ApiJson.MAPPER.readTree(r.body()).get("id").asText();
    assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/runs/" + id);

    var events = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v1/runs/" + id + "/events")).timeout(Duration.ofSeconds(240))
        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
    var ids = new ArrayList<Long>();
    var types = new ArrayList<String>();
    events.body().forEach(line -> {
      if (line.startsWith("id: ")) ids.add(Long.parseLong(line.substring(4).strip()));
      if (line.startsWith("event: ")) types.add(line.substring(7).strip());
    });
    assertThat(types).as("events").isNotEmpty();
    assertThat(types.get(0)).isEqualTo("queued");
    assertThat(types.get(types.size() - 1)).isEqualTo("ended");
    assertThat(types).contains("armed");
    for (int i = 0; i < ids.size(); i++) assertThat(ids.get(i)).isEqualTo(i + 1L);
    JsonNode run = get("/api/v1/runs/" + id);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
    var file = HTTP.send(request("/api/v1/runs/" + id + "/files/run.json").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(file.statusCode()).isEqualTo(200);
  }

  // --- helpers ---

  static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token);
  }

  static HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    var r = HTTP.send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r;
  }

  static JsonNode get(String path) throws IOException, InterruptedException {
    var r = HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return ApiJson.MAPPER.readTree(r.body());
  }

  /** Polls the status until it is one of {@code wanted}; fails on another final state or the bound. */
  static JsonNode waitForStatus(String id, Duration bound, String... wanted) throws Exception {
    Instant deadline = Instant.now().plus(bound);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = get("/api/v1/chaos/experiments/" + id + "/status");
      String s = last.get("status").asText();
      if (List.of(wanted).contains(s)) return last;
      if (List.of("ROLLED_BACK", "ABORTED", "FAILED").contains(s)) throw new AssertionError(id + " ended " + s + ": " + last);
      Thread.sleep(250);
    }
    throw new AssertionError(id + " not " + String.join("/", wanted) + " within " + bound.toSeconds() + " s; last: " + last);
  }

  static void waitUntil(Duration bound, BooleanSupplier condition, String what) throws InterruptedException {
    Instant deadline = Instant.now().plus(bound);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) throw new AssertionError(what + ": not within " + bound.toSeconds() + " s");
      Thread.sleep(200);
    }
  }

  static List<String> runningContainers() {
    return docker("ps", "-q", "--filter", "label=com.docker.stack.namespace=" + STACK);
  }

  /** Every process of the stack's running containers (docker top: the container's cgroup) that is a burner. */
  static List<String> burnersInContainers() {
    var out = new ArrayList<String>();
    for (String c : runningContainers()) {
      docker("top", c, "-eo", "pid,args").stream().filter(l -> l.contains("reprise-burner")).forEach(l -> out.add(c + ": " + l));
    }
    return out;
  }

  static List<String> docker(String... args) {
    var cmd = new ArrayList<String>();
    cmd.add("docker");
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(120, TimeUnit.SECONDS);
      return text.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
