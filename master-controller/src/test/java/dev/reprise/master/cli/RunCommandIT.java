package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.testbed.LocalEngine;
import dev.reprise.master.testbed.MasterJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code master run} against the real Docker engine (single-node swarm, initialised if needed) with
 * the agent as a child process of the master and the offline {@code reprise/hello:latest} image (images/hello/build.sh).
 * Every run uses a unique name (so a unique stack); the tests check that their stack is gone after.
 */
class RunCommandIT {
  private static DockerSwarmCluster docker;
  @TempDir Path tmp;

  @BeforeAll
  static void engine() {
    docker = LocalEngine.connectWithHello();
  }

  @AfterAll
  static void close() throws IOException {
    docker.close();
  }

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(RunCommandIT.class.getResource("/run-it/" + name + "/scenario.yaml").toURI());
  }

  private static String unique(String what) {
    return "mc-it-" + what + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private record Outcome(int exit, String stdout, String stderr) {
    Path runDir() {
      var lines = stdout.strip().lines().toList();
      return Path.of(lines.get(lines.size() - 1));
    }
  }

  private Outcome run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int exit = new CommandLine(new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static RunManifest manifest(Path runDir) throws IOException {
    return RecordJson.mapper().readValue(Files.readString(runDir.resolve("run.json")), RunManifest.class);
  }

  private static List<JsonNode> lines(Path file) throws IOException {
    var out = new ArrayList<JsonNode>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) out.add(RecordJson.mapper().readTree(line));
    }
    return out;
  }

  private static void assertStackGone(String stack) {
    LocalEngine.assertStackGone(docker, stack);
  }

  @Test
  void fullRunWritesACompleteRunFolderAndRemovesTheStack() throws Exception {
    // a user's folder, with capitals, a space and a dot: the run folder keeps the dot and the capitals,
    // the stack (swarm wants DNS name components) has a dash for the dot
    Path scenario = Files.createDirectories(tmp.resolve("My Scenario.v1"));
    for (String f : List.of("scenario.yaml", "docker-compose.yml")) {
      Files.copy(fixture("ok").resolveSibling(f), scenario.resolve(f));
    }
    var r = run(scenario.resolve("scenario.yaml").toString(), "--out", tmp.toString(), "--no-export");

    assertThat(r.exit()).as(r.stderr()).isZero();
    Path dir = r.runDir();
    assertThat(dir.getParent()).isEqualTo(tmp.toAbsolutePath());
    assertThat(dir.getFileName().toString()).startsWith("My-Scenario.v1-");
    String stack = dev.reprise.master.run.RunFolders.stackName(dir.getFileName().toString());
    assertThat(stack).startsWith("My-Scenario-v1-");
    var m = manifest(dir);
    assertThat(m.outcome()).isEqualTo("ok");
    assertThat(m.t0()).isNotNull();
    assertThat(m.end()).isAfter(m.t0());
    assertThat(m.hosts()).singleElement().satisfies(h -> assertThat(h.dockerVersion()).isNotBlank());

    var plan = PlanJson.read(m.plan().toString());
    var timeline = lines(dir.resolve("timeline.jsonl"));
    for (var action : plan.actions()) {
      assertThat(timeline).as("timeline record of planned action #" + action.seq())
          .anySatisfy(t -> {
            assertThat(t.path("seq").asInt(-1)).isEqualTo(action.seq());
            assertThat(t.path("kind").asText()).isIn("action", "mark");
            assertThat(t.path("outcome").asText()).isIn("ok", "failed", "unknown");
            assertThat(t.path("actual").asText()).isNotBlank();
          });
    }
    assertThat(lines(dir.resolve("containers.jsonl"))).hasSizeGreaterThanOrEqualTo(3);
    assertThat(lines(dir.resolve("container-events.jsonl"))).anySatisfy(e -> assertThat(e.path("event").asText()).isEqualTo("die"));
    assertThat(lines(dir.resolve("stats.jsonl"))).isNotEmpty();
    try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
      assertThat(logs.map(p -> p.getFileName().toString())).contains("hello.0.jsonl", "hello.1.jsonl", "hello.2.jsonl");
    }
    assertThat(Files.readString(dir.resolve("logs/hello.0.jsonl"))).contains("got SIGUSR1");
    assertThat(r.stderr()).contains("armed, T0 =").contains("deploying stack " + stack).contains("removed stack " + stack);
    assertStackGone(stack);
  }

  @Test
  void missingImageIsDiagnosedExitsOneAndLeavesNoStack() throws Exception {
    String name = unique("missing");
    var r = run(fixture("missing").toString(), "--out", tmp.toString(), "--name", name, "--no-export");

    assertThat(r.exit()).as(r.stderr()).isEqualTo(1);
    assertThat(r.stderr()).contains("image reprise/master-it-missing:latest is not present on node")
        .contains("build it (scripts/build-images.sh) or load it");
    Path dir = r.runDir();
    assertThat(manifest(dir).outcome()).isEqualTo("failed");
    assertThat(manifest(dir).reason()).contains("reprise/master-it-missing:latest");
    assertStackGone(dir.getFileName().toString());
  }

  @Test
  void anUnreachableNtpServerFailsPreflightWithExitThreeInSecondsAndDeploysNothing() throws Exception {
    String name = unique("preflight");
    long start = System.nanoTime();
    var r = run(fixture("unreachable-ntp").toString(), "--out", tmp.toString(), "--name", name, "--no-export");
    var took = java.time.Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.exit()).as(r.stderr()).isEqualTo(3);
    assertThat(r.stderr()).contains("pre-flight found").contains("nothing deployed: host ")
        .contains("ntp_server 127.0.0.1:1 unreachable: ");
    assertThat(r.stderr()).doesNotContain("deploying stack");
    assertThat(took).as("pre-flight fails in seconds (took %s)", took).isLessThan(java.time.Duration.ofSeconds(30));
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).as("no run folder is left").isEmpty();
    }
    var ended = java.util.regex.Pattern.compile("run (\\S+): environment, nothing deployed").matcher(r.stderr());
    assertThat(ended.find()).as(r.stderr()).isTrue();
    assertStackGone(ended.group(1));
    System.out.println("pre-flight failure took " + took.toMillis() + " ms: " + r.stderr().lines()
        .filter(l -> l.contains("pre-flight found")).findFirst().orElse(""));
  }

  @Test
  void sigintToTheMasterProcessHealsAbortsAndRemovesTheStack() throws Exception {
    String name = unique("sigint");
    String java = MasterJvm.javaBinary();
    // perl resets SIGINT to its default first: a JVM started with SIGINT ignored (a background job
    // of a non-interactive shell, as in CI) would otherwise never see it.
    var pb = new ProcessBuilder("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"", java,
        "-cp", System.getProperty("java.class.path"), MasterCli.class.getName(), "run", fixture("sigint").toString(),
        "--out", tmp.toString(), "--name", name, "--no-export");
    Process p = pb.start();
    var stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    var stderrLines = new java.util.concurrent.LinkedBlockingQueue<String>();
    var stderr = new StringBuilder();
    var errReader = new Thread(() -> {
      try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) stderrLines.add(line);
      } catch (IOException e) {
        // the process ended
      }
    });
    errReader.start();
    try {
      boolean burning = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!burning && System.nanoTime() < deadline && p.isAlive()) {
        String line = stderrLines.poll(1, TimeUnit.SECONDS);
        if (line == null) continue;
        stderr.append(line).append('\n');
        burning = line.contains("#0 fault");
      }
      assertThat(burning).as("the CPU fault fired before the interrupt; stderr so far:\n" + stderr).isTrue();
      new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the master exits after SIGINT").isTrue();
      errReader.join(5000);
      stderrLines.forEach(l -> stderr.append(l).append('\n'));

      assertThat(p.exitValue()).as(stderr.toString()).isEqualTo(1);
      var out = stdout.get(10, TimeUnit.SECONDS).strip().lines().toList();
      Path dir = Path.of(out.get(out.size() - 1));
      var m = manifest(dir);
      assertThat(m.outcome()).isEqualTo(RunManifest.ABORTED);
      assertThat(lines(dir.resolve("timeline.jsonl"))).as("the burn was healed")
          .anySatisfy(t -> {
            assertThat(t.path("kind").asText()).isEqualTo("heal");
            assertThat(t.path("fault").asText()).isEqualTo("cpu");
          });
      assertStackGone(dir.getFileName().toString());
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      removeLeftovers(name);
    }
  }

  /** Removes the stack of a run named {@code name} if a failed test left it behind (only that stack). */
  private void removeLeftovers(String name) throws IOException {
    for (String runId : MasterJvm.runFolders(tmp, name)) LocalEngine.removeStack(docker, dev.reprise.master.run.RunFolders.stackName(runId));
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
