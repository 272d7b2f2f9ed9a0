package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.swarm.FakeSwarmCluster;
import dev.reprise.master.swarm.IpvsProbe;
import dev.reprise.master.swarm.SwarmOrchestrator;
import dev.reprise.time.ManualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code master rerun}'s checks, with the engine's images from a {@link FakeSwarmCluster} and the final run recorded, not carried out. */
class RerunCommandTest {
  @TempDir Path tmp;
  private final FakeSwarmCluster swarm = new FakeSwarmCluster();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  /** What the runner saw of each replay it was handed: the configured command and its inputs, read while they exist. */
  private final List<String> replays = new ArrayList<>();

  private int rerun(String... args) {
    var images = new SwarmOrchestrator(swarm, new ManualTime(Instant.EPOCH), new IpvsProbe(tmp.resolve("noroot")), Map.of());
    var command = new RerunCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        images::imageFacts, run -> {
          try {
            Path script = run.scenario.getParent().resolve("faults/say-hello.sh");
            replays.add("replay_of=" + run.replayOf + " seed=" + run.seed + " name=" + run.name + " out=" + run.out
                + " scenario=" + Files.readString(run.scenario).equals(Files.readString(RunFolderFixture.HELLO.resolve("scenario.yaml")))
                + " compose=" + Files.readString(run.compose).equals(Files.readString(RunFolderFixture.HELLO.resolve("docker-compose.yml")))
                + " script=" + Files.isExecutable(script));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return 0;
        });
    return new CommandLine(command).execute(args);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aMatchingRunFolderIsReplayedThroughMasterRunsPathWithItsSeedAndReplayOf() throws Exception {
    swarm.imageIds.put(RunFolderFixture.IMAGE, RunFolderFixture.IMAGE_ID);
    Path dir = RunFolderFixture.write(tmp, "hello-20261201-100000");

    int exit = rerun(dir.toString(), "--out", tmp.resolve("again").toString());

    assertThat(exit).as(stderr()).isZero();
    assertThat(replays).containsExactly("replay_of=hello-20261201-100000 seed=789 name=scenario out=" + tmp.resolve("again")
        + " scenario=true compose=true script=true");
    assertThat(stderr()).contains("same plan (hash ");
  }

  @Test
  void aPlanThatDiffersFromTheRecordedOneIsRefused() throws Exception {
    swarm.imageIds.put(RunFolderFixture.IMAGE, RunFolderFixture.IMAGE_ID);
    Path dir = RunFolderFixture.write(tmp, "hello-x", m -> RunFolderFixture.shiftAction(m, 1));

    int exit = rerun(dir.toString());

    assertThat(exit).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(replays).isEmpty();
    assertThat(stderr()).contains("error: the scenario of hello-x with seed 789 plans differently")
        .contains("first difference (recorded vs now): action #1: ").contains("nothing was deployed");
  }

  @Test
  void imageDriftIsRefusedNamingEveryDriftedImage() throws Exception {
    swarm.imageIds.put(RunFolderFixture.IMAGE, "sha256:9999");
    swarm.images.add("reprise/other:1");
    Path dir = RunFolderFixture.write(tmp, "hello-x", m -> RunFolderFixture.with(m, m.plan(), m.seed(), m.scenario(),
        m.compose(), m.faultScripts(), List.of(new RunManifest.ImageFact(RunFolderFixture.IMAGE, RunFolderFixture.IMAGE_ID, null),
            new RunManifest.ImageFact("reprise/gone:2", "sha256:3333", null)), m.services(), m.hosts()));

    int exit = rerun(dir.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(replays).isEmpty();
    assertThat(stderr()).contains("error: image drift: reprise/hello:latest: recorded sha256:1111, now sha256:9999")
        .contains("error: image drift: reprise/gone:2: recorded sha256:3333, now not on this engine")
        .contains("2 image(s) differ").contains("--allow-image-drift");
  }

  @Test
  void imageDriftIsAWarningWithAllowImageDrift() throws Exception {
    swarm.imageIds.put(RunFolderFixture.IMAGE, "sha256:9999");
    Path dir = RunFolderFixture.write(tmp, "hello-x");

    int exit = rerun(dir.toString(), "--allow-image-drift");

    assertThat(exit).isZero();
    assertThat(replays).hasSize(1);
    assertThat(stderr()).contains("warning: image drift (allowed by --allow-image-drift): reprise/hello:latest: recorded sha256:1111, now sha256:9999");
  }

  @Test
  void aTamperedFaultScriptCopyIsRefused() throws Exception {
    swarm.imageIds.put(RunFolderFixture.IMAGE, RunFolderFixture.IMAGE_ID);
    Path dir = RunFolderFixture.write(tmp, "hello-x");
    Files.writeString(dir.resolve("inputs/faults/say-hello.sh"), "#!/bin/sh\necho changed\n");

    int exit = rerun(dir.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(replays).isEmpty();
    assertThat(stderr()).contains("fault script ").contains("say-hello.sh has sha256 ").contains("run.json recorded ");
  }

  @Test
  void notARunFolderIsExitTwo() {
    int exit = rerun(tmp.resolve("nothing").toString());
    assertThat(exit).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("error: " + tmp.resolve("nothing") + " is not a run folder (no such folder)");
  }
}
