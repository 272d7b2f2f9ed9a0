package dev.reprise.master.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.swarm.SwarmOrchestrator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Run folders as {@code master run} writes them for {@code examples/hello} (scenario, compose, the
 * plan of seed 789, its one custom script copied into {@code inputs/faults/}, one image, the
 * translated services, one host), without running anything; {@link #write} takes an edit of the
 * manifest so each test makes the one difference it is about.
 */
final class RunFolderFixture {
  static final Path HELLO = Path.of("../examples/hello").toAbsolutePath().normalize();
  static final String IMAGE = "reprise/hello:latest";
  static final String IMAGE_ID = "sha256:1111";

  private RunFolderFixture() {}

  /** The hello run's manifest as recorded, with run ID {@code runId}. */
  static RunManifest hello(String runId) throws Exception {
    var loaded = ScenarioLoader.load(HELLO.resolve("scenario.yaml"), null);
    var plan = loaded.plan(null);
    JsonNode planJson = PlanJson.mapper().readTree(PlanJson.write(plan));
    var services = SwarmOrchestrator.translator(Map.of())
        .translate(loaded.composeFile(), loaded.composeText(), plan.beginning()).stack().named(runId).describeServices();
    var host = new RunManifest.HostInfo("box", "n1", "24.0.7", "6.1.0", 8, 16_000_000_000L, null, 0.0, null, null, null, null)
        .withPreflight(Map.of("cpu", "ok"), new RunManifest.Preflight("manager", null, null));
    String script = Files.readString(HELLO.resolve("faults/say-hello.sh"));
    return new RunManifest(RunManifest.FORMAT, "scenario", runId, "dev",
        new RunManifest.SourceFile("examples/hello/scenario.yaml", sha256(loaded.scenarioText()), loaded.scenarioText()),
        new RunManifest.SourceFile("examples/hello/docker-compose.yml", sha256(loaded.composeText()), loaded.composeText()),
        plan.seed(), planJson, List.of(host), Instant.parse("2026-12-01T10:00:03Z"), Instant.parse("2026-12-01T10:00:00Z"),
        Instant.parse("2026-12-01T10:00:33Z"), RunManifest.OK, null, null,
        List.of(new RunManifest.FaultScript("say-hello.sh", sha256(script))),
        List.of(new RunManifest.ImageFact(IMAGE, IMAGE_ID, null)), services, null);
  }

  /** Writes the hello run folder {@code parent/runId}, its manifest edited by {@code edit}; returns the folder. */
  static Path write(Path parent, String runId, UnaryOperator<RunManifest> edit) throws Exception {
    Path dir = Files.createDirectories(parent.resolve(runId));
    var m = edit.apply(hello(runId));
    Files.writeString(dir.resolve("run.json"), RecordJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    Path faults = Files.createDirectories(dir.resolve("inputs/faults"));
    Files.copy(HELLO.resolve("faults/say-hello.sh"), faults.resolve("say-hello.sh"), StandardCopyOption.COPY_ATTRIBUTES);
    return dir;
  }

  static Path write(Path parent, String runId) throws Exception {
    return write(parent, runId, m -> m);
  }

  /** {@code m} with its plan's {@code actions[index].offsetMillis} moved by one second. */
  static RunManifest shiftAction(RunManifest m, int index) {
    JsonNode plan = m.plan().deepCopy();
    var action = (ObjectNode) plan.path("actions").get(index);
    action.put("offsetMillis", action.path("offsetMillis").asLong() + 1000);
    return with(m, plan, m.seed(), m.scenario(), m.compose(), m.faultScripts(), m.images(), m.services(), m.hosts());
  }

  static RunManifest with(RunManifest m, JsonNode plan, long seed, RunManifest.SourceFile scenario, RunManifest.SourceFile compose,
      List<RunManifest.FaultScript> scripts, List<RunManifest.ImageFact> images, List<RunManifest.ServiceSpec> services,
      List<RunManifest.HostInfo> hosts) {
    return new RunManifest(m.format(), m.name(), m.runId(), m.toolVersion(), scenario, compose, seed, plan, hosts, m.t0(),
        m.start(), m.end(), m.outcome(), m.reason(), m.safetyTrip(), scripts, images, services, m.replayOf());
  }

  static RunManifest.SourceFile text(String path, String content) {
    return new RunManifest.SourceFile(path, sha256(content), content);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
