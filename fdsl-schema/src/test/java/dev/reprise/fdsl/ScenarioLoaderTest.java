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
}
