package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.testbed.LocalEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code master run} then {@code master rerun} of its folder against the real engine, with the offline
 * {@code reprise/hello:latest} image and a custom script: the replay plans the same, records
 * {@code replay_of}, and a recorded image ID that is not the engine's is refused (the run folder is
 * edited; no image is retagged).
 */
class RerunIT {
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

  private record Outcome(int exit, String stdout, String stderr) {
    Path runDir() {
      var lines = stdout.strip().lines().toList();
      return Path.of(lines.get(lines.size() - 1));
    }
  }

  private static Outcome execute(Object command, ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    int exit = new CommandLine(command).execute(args);
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Outcome run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    return execute(new RunCommand(print(out), print(err)), out, err, args);
  }

  private static Outcome rerun(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    return execute(new RerunCommand(print(out), print(err), RerunCommand::localImageFacts, RunCommand::call), out, err, args);
  }

  private static PrintStream print(ByteArrayOutputStream b) {
    return new PrintStream(b, true, StandardCharsets.UTF_8);
  }

  private static RunManifest manifest(Path runDir) throws IOException {
    return RecordJson.mapper().readValue(Files.readString(runDir.resolve("run.json")), RunManifest.class);
  }

  @Test
  void aRunFolderReplaysWithTheSamePlanAndADriftedImageIsRefused() throws Exception {
    Path scenario = Files.createDirectories(tmp.resolve("rerun-it"));
    Files.copy(RunFolderFixture.HELLO.resolve("docker-compose.yml"), scenario.resolve("docker-compose.yml"));
    Files.createDirectories(scenario.resolve("faults"));
    Files.copy(RunFolderFixture.HELLO.resolve("faults/say-hello.sh"), scenario.resolve("faults/say-hello.sh"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.writeString(scenario.resolve("scenario.yaml"), """
        environment:
          seed: 5
        events:
          - beginning:
              hello: 2
          - moment:
              time: 2
              services:
                hello:
                  - fault:
                      target:
                        amount: 1
                      custom:
                        kills_container: no
                        fault_file_name: say-hello.sh
                        fault_script_arguments: [from-rerun-it]
          - end: 5
        """);

    var first = run(scenario.resolve("scenario.yaml").toString(), "--out", tmp.resolve("runs").toString(), "--no-export");
    assertThat(first.exit()).as(first.stderr()).isZero();
    Path firstDir = first.runDir();
    var m1 = manifest(firstDir);
    assertThat(m1.faultScripts()).extracting(RunManifest.FaultScript::name).containsExactly("say-hello.sh");
    assertThat(Files.isExecutable(firstDir.resolve("inputs/faults/say-hello.sh"))).isTrue();
    assertThat(m1.images()).singleElement().satisfies(i -> {
      assertThat(i.image()).isEqualTo("reprise/hello:latest");
      assertThat(i.id()).startsWith("sha256:");
    });
    assertThat(m1.services()).singleElement().satisfies(s -> assertThat(s.replicas()).isEqualTo(2));

    var again = rerun(firstDir.toString(), "--out", tmp.resolve("replays").toString(), "--no-export");
    assertThat(again.exit()).as(again.stderr()).isZero();
    var m2 = manifest(again.runDir());
    assertThat(m2.replayOf()).isEqualTo(m1.runId());
    assertThat(RunFolderManifest.planHash(m2.plan())).isEqualTo(RunFolderManifest.planHash(m1.plan()));
    assertThat(m2.images()).isEqualTo(m1.images());
    assertThat(m2.faultScripts()).isEqualTo(m1.faultScripts());

    var diff = ExportCommandTest.execute(new DiffCommand(), firstDir.toString(), again.runDir().toString());
    assertThat(diff.exit()).as("the replay's inputs are the original's: " + diff.out()).isZero();

    // a recorded image ID the engine does not have under that tag: drift, refused before anything is deployed
    var json = (ObjectNode) RecordJson.mapper().readTree(firstDir.resolve("run.json").toFile());
    ((ObjectNode) json.withArray("images").get(0)).put("id", "sha256:" + "0".repeat(64));
    Files.writeString(firstDir.resolve("run.json"), RecordJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
    var drifted = rerun(firstDir.toString(), "--out", tmp.resolve("drifted").toString(), "--no-export");
    assertThat(drifted.exit()).isEqualTo(2);
    assertThat(drifted.stderr()).contains("error: image drift: reprise/hello:latest: recorded sha256:0000")
        .contains(", now " + m1.images().get(0).id());
    assertThat(tmp.resolve("drifted")).doesNotExist();
  }
}
