package dev.reprise.master.cli;

import static dev.reprise.master.cli.ExportCommandTest.execute;
import static dev.reprise.master.cli.RunFolderFixture.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffCommandTest {
  @TempDir Path tmp;

  private ExportCommandTest.Execution diff(UnaryOperator<RunManifest> editB, String... extra) throws Exception {
    Path a = RunFolderFixture.write(tmp, "hello-a");
    Path b = RunFolderFixture.write(tmp, "hello-b", editB);
    var args = new java.util.ArrayList<>(List.of(a.toString(), b.toString()));
    args.addAll(List.of(extra));
    return execute(new DiffCommand(), args.toArray(String[]::new));
  }

  /** The human text's line for {@code kind}. */
  private static String line(ExportCommandTest.Execution e, String kind) {
    return e.out().lines().filter(l -> l.startsWith(kind + ":")).findFirst().orElseThrow();
  }

  @Test
  void identicalInputsExitZeroAndSaySoForEveryKind() throws Exception {
    var e = diff(m -> m);
    assertThat(e.exit()).as(e.out() + e.err()).isZero();
    for (String kind : List.of("scenario", "compose", "fault_scripts", "images", "seed", "plan", "services", "hosts")) {
      assertThat(line(e, kind)).contains("same");
    }
    assertThat(e.out()).contains("the inputs are identical");
  }

  @Test
  void aScenarioDifferenceIsALineDiff() throws Exception {
    var e = diff(m -> with(m, m.plan(), m.seed(),
        RunFolderFixture.text(m.scenario().path(), m.scenario().content().replace("seed: 789", "seed: 790")), m.compose(),
        m.faultScripts(), m.images(), m.services(), m.hosts()));
    assertThat(e.exit()).isEqualTo(1);
    assertThat(line(e, "scenario")).contains("DIFFERS");
    assertThat(e.out()).contains("-6:   seed: 789").contains("+6:   seed: 790");
    assertThat(line(e, "compose")).contains("same (sha256");
  }

  @Test
  void aComposeDifferenceIsALineDiff() throws Exception {
    var e = diff(m -> with(m, m.plan(), m.seed(), m.scenario(),
        RunFolderFixture.text(m.compose().path(), m.compose().content().replace("64M", "128M")),
        m.faultScripts(), m.images(), m.services(), m.hosts()));
    assertThat(e.exit()).isEqualTo(1);
    assertThat(line(e, "compose")).contains("DIFFERS");
    assertThat(e.out()).contains("memory: 64M").contains("memory: 128M");
  }

  @Test
  void faultScriptsDifferBySha() throws Exception {
    var e = diff(m -> with(m, m.plan(), m.seed(), m.scenario(), m.compose(),
        List.of(new RunManifest.FaultScript("say-hello.sh", "beef"), new RunManifest.FaultScript("extra.sh", "cafe")),
        m.images(), m.services(), m.hosts()));
    assertThat(e.exit()).isEqualTo(1);
    assertThat(e.out()).contains("say-hello.sh: sha256 ").contains(" vs beef").contains("extra.sh: only in B");
  }

  @Test
  void imagesDifferByTagAndId() throws Exception {
    var e = diff(m -> with(m, m.plan(), m.seed(), m.scenario(), m.compose(), m.faultScripts(),
        List.of(new RunManifest.ImageFact(RunFolderFixture.IMAGE, "sha256:2222", null)), m.services(), m.hosts()));
    assertThat(e.exit()).isEqualTo(1);
    assertThat(e.out()).contains("reprise/hello:latest: id sha256:1111 vs sha256:2222");
  }

  @Test
  void seedAndPlanDifferencesNameTheFirstDifferingAction() throws Exception {
    var e = diff(m -> RunFolderFixture.shiftAction(with(m, m.plan(), 790, m.scenario(), m.compose(), m.faultScripts(),
        m.images(), m.services(), m.hosts()), 2));
    assertThat(e.exit()).isEqualTo(1);
    assertThat(line(e, "seed")).contains("seed 789 vs 790");
    assertThat(line(e, "plan")).contains("DIFFERS").contains("hash ");
    assertThat(e.out()).contains("first differing action #2: ");
  }

  @Test
  void servicesDifferFieldByField() throws Exception {
    var e = diff(m -> {
      var s = m.services().get(0);
      var env = new LinkedHashMap<>(s.env());
      env.put("HELLO_INTERVAL", "2");
      var changed = new RunManifest.ServiceSpec(s.service(), s.image(), s.entrypoint(), s.command(), env, 5,
          s.constraints(), s.limits(), s.reservations(), s.restart(), s.networks());
      return with(m, m.plan(), m.seed(), m.scenario(), m.compose(), m.faultScripts(), m.images(), List.of(changed), m.hosts());
    });
    assertThat(e.exit()).isEqualTo(1);
    assertThat(e.out()).contains("hello.env: ").contains("\"HELLO_INTERVAL\":\"2\"").contains("hello.replicas: 3 vs 5");
  }

  @Test
  void hostFactsDiffer() throws Exception {
    var e = diff(m -> {
      var h = m.hosts().get(0);
      var other = new RunManifest.HostInfo("node-7", h.node(), "25.0.0", "6.8.0", 4, h.memBytes(), null, 0.0, null, null,
          null, null, java.util.Map.of("cpu", "missing stress-ng"), h.preflight());
      return with(m, m.plan(), m.seed(), m.scenario(), m.compose(), m.faultScripts(), m.images(), m.services(), List.of(other));
    });
    assertThat(e.exit()).isEqualTo(1);
    assertThat(e.out()).contains("host 1 (box vs node-7): kernel 6.1.0 vs 6.8.0").contains("cores 8 vs 4")
        .contains("docker version 24.0.7 vs 25.0.0").contains("features {cpu=ok} vs {cpu=missing stress-ng}")
        .doesNotContain("memory ");
  }

  @Test
  void anOlderRunFolderWithoutReplayInputsDiffersOnlyInWhatItDidNotRecord() throws Exception {
    var e = diff(m -> with(m, m.plan(), m.seed(), m.scenario(), m.compose(), null, null, null, m.hosts()));
    assertThat(e.exit()).isEqualTo(1);
    assertThat(line(e, "images")).contains("recorded only in A");
    assertThat(line(e, "plan")).contains("same");
  }

  @Test
  void jsonFormSaysWhatDiffers() throws Exception {
    var e = diff(m -> with(m, m.plan(), 790, m.scenario(), m.compose(), m.faultScripts(), m.images(), m.services(), m.hosts()),
        "--json");
    assertThat(e.exit()).isEqualTo(1);
    var json = RecordJson.mapper().readTree(e.out());
    assertThat(json.path("identical").asBoolean()).isFalse();
    assertThat(json.path("a").asText()).isEqualTo("hello-a");
    var seed = json.path("inputs").get(4);
    assertThat(seed.path("kind").asText()).isEqualTo("seed");
    assertThat(seed.path("same").asBoolean()).isFalse();
    assertThat(json.path("inputs").get(0).path("same").asBoolean()).isTrue();
  }

  @Test
  void notARunFolderIsExitTwoWithOneLine() throws Exception {
    Path a = RunFolderFixture.write(tmp, "hello-a");
    Files.createDirectories(tmp.resolve("empty"));
    var e = execute(new DiffCommand(), a.toString(), tmp.resolve("empty").toString());
    assertThat(e.exit()).isEqualTo(2);
    assertThat(e.err().strip()).isEqualTo("error: " + tmp.resolve("empty") + " is not a run folder (no run.json in it)");
    Files.writeString(tmp.resolve("empty/run.json"), "{not json");
    var garbled = execute(new DiffCommand(), a.toString(), tmp.resolve("empty").toString());
    assertThat(garbled.exit()).isEqualTo(2);
    assertThat(garbled.err().strip().lines()).singleElement().asString().startsWith("error: cannot read ");
  }
}
