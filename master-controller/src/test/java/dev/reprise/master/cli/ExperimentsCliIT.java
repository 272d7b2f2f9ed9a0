package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.master.experiments.ExperimentJson;
import dev.reprise.master.experiments.ExperimentStatus;
import dev.reprise.master.experiments.ExperimentStore;
import dev.reprise.master.testbed.MasterJvm;
import dev.reprise.master.testbed.Testbed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * {@code master inject} and {@code master experiments} on the real engine without a server, each as
 * its own JVM as a user runs them, against a stack this test deploys itself ({@code docker stack
 * deploy}, stack {@value #STACK}): a PAUSE is in effect on one container, {@code experiments
 * status/list} show it, it ends ROLLED_BACK at its TTL with the container running again and a run
 * folder left (run.json, timeline, container events); a PAUSE rolled back with {@code experiments
 * rollback} heals at once and its inject exits 130; a KILL kills one container and ends ROLLED_BACK
 * at its TTL. Bounds are seconds on a loaded 2-core machine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentsCliIT {
  static final String STACK = "cpfinish";
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
  /** From starting {@code master inject} to its fault in effect: a JVM, an agent process, pre-flight, clock measurement. */
  static final Duration ARMING = Duration.ofSeconds(90);
  /** Slack on top of a TTL for the agents' heal and the inject to say so. */
  static final Duration HEAL_SLACK = Duration.ofSeconds(60);

  @TempDir static Path tmp;
  static Path jar;
  static Path out;
  static final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void deploy() throws Exception {
    jar = Files.copy(Testbed.REPO.resolve("master-controller/target/master-all.jar"), tmp.resolve("master.jar"));
    out = tmp.resolve("runs");
    Path compose = Files.writeString(tmp.resolve("cpfinish-compose.yml"), COMPOSE);
    docker("stack", "deploy", "-c", compose.toString(), STACK);
    waitUntil(Duration.ofSeconds(120), () -> runningContainers().size() == 3, "3 running containers of " + STACK);
  }

  @AfterAll
  static void cleanUp() {
    try {
      for (Process p : started) {
        if (p.isAlive()) {
          p.destroy(); // SIGTERM: the inject's hook heals
          try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
          } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
          }
        }
      }
      for (String c : docker("ps", "-q", "--filter", "status=paused", "--filter", "label=com.docker.stack.namespace=" + STACK)) {
        docker("unpause", c);
      }
    } finally {
      docker("stack", "rm", STACK);
    }
  }

  /** A foreground {@code master inject} (or any command) as its own JVM, its output collected by two threads. */
  record Cli(Process process, StringBuffer out, StringBuffer err, List<Thread> drains) {
    String said() {
      return "stdout:\n" + out + "stderr:\n" + err;
    }

    /** Waits for the exit and for every line it printed; its exit code. */
    int awaitExit(Duration bound) throws InterruptedException {
      assertThat(process.waitFor(bound.toSeconds(), TimeUnit.SECONDS)).as("exited within %d s; %s", bound.toSeconds(), said()).isTrue();
      for (Thread t : drains) t.join(TimeUnit.SECONDS.toMillis(10));
      return process.exitValue();
    }
  }

  static Thread drain(java.io.InputStream in, StringBuffer into, String name) {
    var t = new Thread(() -> {
      try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) into.append(line).append('\n');
      } catch (IOException e) {
        // the process is gone
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static Cli start(String... args) throws IOException {
    var cmd = new ArrayList<>(List.of(MasterJvm.javaBinary(), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    started.add(p);
    var o = new StringBuffer();
    var e = new StringBuffer();
    return new Cli(p, o, e, List.of(drain(p.getInputStream(), o, "cli-stdout"), drain(p.getErrorStream(), e, "cli-stderr")));
  }

  /** Runs a short command to its end (at most 90 s). */
  static Cli run(String... args) throws Exception {
    Cli c = start(args);
    c.awaitExit(Duration.ofSeconds(90));
    return c;
  }

  static Cli inject(String id, String action, String duration) throws IOException {
    return start("inject", SERVICE, action, "--duration", duration, "--id", id, "--out", out.toString());
  }

  /** The experiment as the state folder says now (what {@code experiments status} reads). */
  static Optional<ExperimentStatus> stored(String id) {
    try {
      return new ExperimentStore(out.resolve("experiments"), 500).read().stream()
          .map(ExperimentStore.Entry::status).filter(s -> s.experimentId().equals(id)).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static ExperimentStatus awaitState(String id, Duration bound, Cli inject, String wanted) throws InterruptedException {
    waitUntil(bound, () -> {
      if (!inject.process().isAlive() && stored(id).map(s -> !s.status().name().equals(wanted)).orElse(true)) {
        throw new AssertionError("master inject ended before " + id + " was " + wanted + "; " + inject.said());
      }
      return stored(id).map(s -> s.status().name().equals(wanted)).orElse(false);
    }, id + " " + wanted + "; " + inject.said());
    return stored(id).orElseThrow();
  }

  static JsonNode statusJson(String id) throws Exception {
    Cli c = run("experiments", "status", id, "--out", out.toString());
    assertThat(c.process().exitValue()).as(c.said()).isZero();
    return ExperimentJson.mapper().readTree(c.out().toString());
  }

  static String podOf(ExperimentStatus s) {
    assertThat(s.impactedNodes()).hasSize(1);
    return s.impactedNodes().get(0).podName();
  }

  static void assertRunFolder(Cli inject, String faultType) throws IOException {
    var lines = inject.out().toString().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("the run folder last on stdout; %s", inject.said()).isNotEmpty();
    Path folder = Path.of(lines.get(lines.size() - 1));
    assertThat(folder).as(inject.said()).isDirectory();
    assertThat(folder.getParent()).isEqualTo(out);
    assertThat(folder.resolve("run.json")).exists();
    assertThat(folder.resolve("container-events.jsonl")).exists();
    Path timeline = folder.resolve("timeline.jsonl");
    assertThat(timeline).exists();
    assertThat(Files.readString(timeline, StandardCharsets.UTF_8)).as("timeline of %s", folder).contains("\"fault\":\"" + faultType + "\"");
  }

  static void assertNothingPaused() throws InterruptedException {
    waitUntil(Duration.ofSeconds(30),
        () -> docker("ps", "-q", "--filter", "status=paused", "--filter", "label=com.docker.stack.namespace=" + STACK).isEmpty(),
        "no paused container of " + STACK);
  }

  @Test
  @Order(1)
  void aPauseIsInEffectShownAndRolledBackAtItsTtlLeavingARunFolder() throws Exception {
    Cli inject = inject("cli-pause", "PAUSE", "20s");
    ExperimentStatus running = awaitState("cli-pause", ARMING, inject, "RUNNING");
    String pod = podOf(running);
    waitUntil(Duration.ofSeconds(20), () -> docker("inspect", "-f", "{{.State.Paused}}", pod).contains("true"), pod + " paused");

    JsonNode shown = statusJson("cli-pause");
    assertThat(shown.get("status").asText()).isIn("RUNNING", "ROLLED_BACK");
    assertThat(shown.get("impactedNodes").get(0).get("podName").asText()).isEqualTo(pod);
    Cli list = run("experiments", "list", "--out", out.toString());
    assertThat(list.out().toString()).as(list.said()).contains("inject: cli-pause ");

    Instant rollbackAt = running.rollbackScheduledAt();
    Duration untilTtl = Duration.between(Instant.now(), rollbackAt);
    assertThat(inject.awaitExit((untilTtl.isNegative() ? Duration.ZERO : untilTtl).plus(HEAL_SLACK))).as(inject.said()).isZero();
    ExperimentStatus end = stored("cli-pause").orElseThrow();
    assertThat(end.status().name()).as(end.toString()).isEqualTo("ROLLED_BACK");
    assertThat(end.endedAt()).as("healed at the TTL, not before").isAfterOrEqualTo(rollbackAt.minusSeconds(2));
    assertThat(end.impactedNodes().get(0).faultState()).isEqualTo("HEALED");
    assertThat(statusJson("cli-pause").get("status").asText()).isEqualTo("ROLLED_BACK");
    assertThat(inject.err().toString()).contains("inject: cli-pause ROLLED_BACK");
    assertRunFolder(inject, "pause");
    assertNothingPaused();
    assertThat(docker("inspect", "-f", "{{.State.Running}}", pod)).containsExactly("true");
  }

  @Test
  @Order(2)
  void experimentsRollbackHealsAPauseAtOnceAndItsInjectExits130() throws Exception {
    Cli inject = inject("cli-rollback", "PAUSE", "10m");
    ExperimentStatus running = awaitState("cli-rollback", ARMING, inject, "RUNNING");
    String pod = podOf(running);
    waitUntil(Duration.ofSeconds(20), () -> docker("inspect", "-f", "{{.State.Paused}}", pod).contains("true"), pod + " paused");

    Cli rollback = start("experiments", "rollback", "cli-rollback", "--out", out.toString());
    assertThat(rollback.awaitExit(Duration.ofSeconds(180))).as(rollback.said()).isZero();
    assertThat(rollback.out().toString()).contains("\"status\" : \"ROLLED_BACK\"");
    assertThat(inject.awaitExit(Duration.ofSeconds(60))).as(inject.said()).isEqualTo(130);
    assertThat(stored("cli-rollback").orElseThrow().endedAt()).isBefore(running.rollbackScheduledAt());
    assertNothingPaused();
    assertRunFolder(inject, "pause");
  }

  @Test
  @Order(3)
  void aKillKillsOneContainerAndEndsRolledBackAtItsTtl() throws Exception {
    Cli inject = inject("cli-kill", "KILL", "20s");
    ExperimentStatus running = awaitState("cli-kill", ARMING, inject, "RUNNING");
    String pod = podOf(running);
    waitUntil(Duration.ofSeconds(30), () -> !docker("inspect", "-f", "{{.State.Running}}", pod).contains("true"), pod + " killed");
    waitUntil(Duration.ofSeconds(30), () -> runningContainers().size() == 2, "2 running containers of " + STACK);
    Duration untilTtl = Duration.between(Instant.now(), running.rollbackScheduledAt());
    assertThat(inject.awaitExit((untilTtl.isNegative() ? Duration.ZERO : untilTtl).plus(HEAL_SLACK))).as(inject.said()).isZero();
    ExperimentStatus end = stored("cli-kill").orElseThrow();
    assertThat(end.status().name()).isEqualTo("ROLLED_BACK");
    assertThat(end.endedAt()).isAfterOrEqualTo(running.rollbackScheduledAt().minusSeconds(2));
    assertRunFolder(inject, "kill");
  }

  // --- helpers ---

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
