package dev.reprise.fdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLoaderTest {
  static final String SCENARIO = "events:\n  - beginning: {web: 2}\n  - end: 10\n";
  static final String COMPOSE = "services:\n  web:\n    image: x\n";

  @TempDir Path dir;

  Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text);
  }

  @Test void findsDockerComposeYmlBesideTheScenario() throws Exception {
    Path s = write("s.yaml", SCENARIO);
    write("docker-compose.yml", COMPOSE);
    var loaded = ScenarioLoader.load(s, null);
    assertThat(loaded.composeFile()).isEqualTo(dir.resolve("docker-compose.yml"));
    assertThat(loaded.compose().serviceNames()).containsExactly("web");
  }

  @Test void environmentComposeIsRelativeToTheScenario() throws Exception {
    Path s = write("exp/s.yaml", "environment:\n  compose: ../stacks/web.yml\n" + SCENARIO);
    write("exp/docker-compose.yml", "services:\n  other: {image: y}\n");
    write("stacks/web.yml", COMPOSE);
    assertThat(ScenarioLoader.load(s, null).composeFile()).isEqualTo(dir.resolve("stacks/web.yml"));
  }

  @Test void composeOptionWinsOverEverything() throws Exception {
    Path s = write("s.yaml", "environment:\n  compose: missing.yml\n" + SCENARIO);
    Path c = write("elsewhere.yml", COMPOSE);
    assertThat(ScenarioLoader.load(s, c).composeFile()).isEqualTo(c);
  }

  @Test void aMissingComposeFileIsADiagnosticInTheScenario() throws Exception {
    Path s = write("s.yaml", SCENARIO);
    assertThatThrownBy(() -> ScenarioLoader.load(s, null)).isInstanceOfSatisfying(ScenarioException.class, e ->
        assertThat(e.diagnostics()).singleElement().satisfies(d -> {
          assertThat(d.toString()).startsWith(s + ":1:1: no compose file: looked for docker-compose.yml, docker-compose.yaml");
        }));
  }

  @Test void aMissingEnvironmentComposeFilePointsAtTheKey() throws Exception {
    Path s = write("s.yaml", "environment:\n  compose: nope.yml\n" + SCENARIO);
    assertThatThrownBy(() -> ScenarioLoader.load(s, null)).isInstanceOfSatisfying(ScenarioException.class, e ->
        assertThat(e.diagnostics()).singleElement().satisfies(d -> assertThat(d.line()).isEqualTo(2)));
  }

  @Test void composeProblemsAreReportedInTheComposeFileTogetherWithScenarioProblems() throws Exception {
    Path s = write("s.yaml", "environment: {sed: 1}\n" + SCENARIO);
    Path c = write("docker-compose.yml", "version: '3'\nservice:\n  web: {image: x}\n");
    assertThatThrownBy(() -> ScenarioLoader.load(s, null)).isInstanceOfSatisfying(ScenarioException.class, e ->
        assertThat(e.diagnostics()).extracting(Diagnostic::toString).containsExactlyInAnyOrder(
            c + ":1:1: services: missing (a compose file lists its services under 'services:')",
            s + ":1:15: environment.sed: unknown key 'sed' (did you mean 'seed'?)"));
  }

  @Test void customScriptsAreLookedUpInTheFaultsFolder() throws Exception {
    String withCustom = "events:\n  - beginning: {web: 2}\n  - moment:\n      time: 1\n      services:\n        web:\n"
        + "          - fault: {target: {amount: 1}, custom: {kills_container: no, fault_file_name: f.sh}}\n  - end: 10\n";
    Path s = write("s.yaml", withCustom);
    write("docker-compose.yml", COMPOSE);
    assertThatThrownBy(() -> ScenarioLoader.load(s, null)).isInstanceOf(ScenarioException.class)
        .hasMessageContaining("no file 'f.sh' in " + dir.resolve("faults"));
    write("faults/f.sh", "echo hi\n");
    assertThat(ScenarioLoader.load(s, null).faultsDir()).isEqualTo(dir.resolve("faults"));
  }

  @Test void alivesetProblemsAreFoundAtLoad() throws Exception {
    Path s = write("s.yaml", "events:\n  - beginning: {web: 1}\n  - moment: {time: 1, services: {web: [{stop: {amount: 3}}]}}\n  - end: 10\n");
    write("docker-compose.yml", COMPOSE);
    assertThatThrownBy(() -> ScenarioLoader.load(s, null)).isInstanceOf(ScenarioException.class)
        .hasMessageContaining(s + ":3:56: events[1].moment.services.web[0].stop.amount: cannot stop 3 containers");
  }

  @Test void anUnreadableScenarioIsADiagnostic() {
    assertThatThrownBy(() -> ScenarioLoader.load(dir.resolve("none.yaml"), null)).isInstanceOf(ScenarioException.class)
        .hasMessage(dir.resolve("none.yaml") + ":1:1: no such scenario");
  }

  /** A FaultSee-style scenario using a custom script that lives outside the scenario's folder. */
  static final String WASTE_CPU = "events:\n  - beginning: {web: 2}\n  - moment:\n      time: 1\n      services:\n        web:\n"
      + "          - fault: {target: {amount: 1}, custom: {kills_container: no, fault_file_name: waste_cpu, "
      + "fault_script_arguments: ['30']}}\n  - end: 10\n";

  @Test void environmentFaultsIsRelativeToTheScenario() throws Exception {
    Path s = write("exp/s.yaml", "environment:\n  faults: ../lib/faults\n" + WASTE_CPU);
    write("exp/docker-compose.yml", COMPOSE);
    Path script = write("lib/faults/waste_cpu", "#!/bin/sh\n");
    var loaded = ScenarioLoader.load(s, null);
    assertThat(loaded.scenario().environment().faults()).isEqualTo("../lib/faults");
    assertThat(loaded.faultScripts()).containsExactly(java.util.Map.entry("waste_cpu", script));
    assertThat(loaded.faultsDir()).isEqualTo(dir.resolve("lib/faults"));
  }

  @Test void faultsOptionAndEnvironmentVariableAreSearchedToo() throws Exception {
    Path s = write("exp/s.yaml", WASTE_CPU);
    write("exp/docker-compose.yml", COMPOSE);
    Path cli = dir.resolve("cli");
    Path script = write("cli/waste_cpu", "#!/bin/sh\n");
    assertThat(ScenarioLoader.load(s, null, cli, null).faultsDir()).isEqualTo(cli);
    assertThat(ScenarioLoader.load(s, null, null, cli.toString()).faultScripts().get("waste_cpu")).isEqualTo(script);
  }

  @Test void theFirstFolderInSearchOrderWins() throws Exception {
    Path s = write("exp/s.yaml", "environment:\n  faults: lib\n" + WASTE_CPU);
    write("exp/docker-compose.yml", COMPOSE);
    write("exp/lib/waste_cpu", "lib\n");
    write("cli/waste_cpu", "cli\n");
    write("env/waste_cpu", "env\n");
    assertThat(ScenarioLoader.load(s, null, dir.resolve("cli"), dir.resolve("env").toString()).faultsDir())
        .isEqualTo(dir.resolve("exp/lib"));
    write("exp/faults/waste_cpu", "own\n");
    assertThat(ScenarioLoader.load(s, null, dir.resolve("cli"), dir.resolve("env").toString()).faultsDir())
        .isEqualTo(dir.resolve("exp/faults"));
  }

  @Test void scriptsFromSeveralFoldersAreListedByFolder() throws Exception {
    Path s = write("s.yaml", WASTE_CPU.replace("  - end: 10\n",
        "  - moment:\n      time: 2\n      services:\n        web:\n"
        + "          - fault: {target: {amount: 1}, custom: {kills_container: no, fault_file_name: other}}\n  - end: 10\n"));
    write("docker-compose.yml", COMPOSE);
    write("faults/waste_cpu", "x\n");
    write("cli/other", "y\n");
    var loaded = ScenarioLoader.load(s, null, dir.resolve("cli"), null);
    assertThat(loaded.faultFolders()).containsExactly(dir.resolve("faults"), dir.resolve("cli"));
    assertThatThrownBy(loaded::faultsDir).isInstanceOf(IllegalStateException.class);
  }

  @Test void aMissingScriptNamesEveryPlaceLookedInAtTheName() throws Exception {
    Path s = write("s.yaml", "environment:\n  faults: lib\n" + WASTE_CPU);
    write("docker-compose.yml", COMPOSE);
    Files.createDirectories(dir.resolve("lib"));
    assertThatThrownBy(() -> ScenarioLoader.load(s, null, dir.resolve("cli"), dir.resolve("env").toString()))
        .isInstanceOfSatisfying(ScenarioException.class, e -> assertThat(e.diagnostics()).singleElement().satisfies(d -> {
          assertThat(d.line()).isEqualTo(9);
          assertThat(d.column()).isEqualTo(89);
          assertThat(d.message()).contains("no file 'waste_cpu' in " + dir.resolve("faults") + "/, "
              + dir.resolve("lib") + "/ (environment.faults), " + dir.resolve("cli") + "/ (--faults, no such folder), "
              + dir.resolve("env") + "/ (LSDS_FAULTS_FOLDER_LOCAL, no such folder)");
        }));
  }

  @Test void aMissingEnvironmentFaultsFolderPointsAtTheKey() throws Exception {
    Path s = write("s.yaml", "environment:\n  faults: nope\n" + SCENARIO);
    write("docker-compose.yml", COMPOSE);
    assertThatThrownBy(() -> ScenarioLoader.load(s, null)).isInstanceOfSatisfying(ScenarioException.class, e ->
        assertThat(e.diagnostics()).singleElement().satisfies(d -> {
          assertThat(d.line()).isEqualTo(2);
          assertThat(d.message()).startsWith("environment.faults: no folder " + dir.resolve("nope"));
        }));
  }

  @Test void environmentRestartIsNoneOrKeep() throws Exception {
    write("docker-compose.yml", COMPOSE);
    assertThat(ScenarioLoader.load(write("a.yaml", SCENARIO), null).scenario().environment().restart())
        .isEqualTo(dev.reprise.fdsl.model.Environment.Restart.NONE);
    assertThat(ScenarioLoader.load(write("b.yaml", "environment: {restart: keep}\n" + SCENARIO), null).scenario().environment().restart())
        .isEqualTo(dev.reprise.fdsl.model.Environment.Restart.KEEP);
    assertThatThrownBy(() -> ScenarioLoader.load(write("c.yaml", "environment: {restart: always}\n" + SCENARIO), null))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("environment.restart: 'always' is not one of none");
  }
}
