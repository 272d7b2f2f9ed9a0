package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code master run} does before it touches Docker: invalid input exits 2 and creates nothing. */
class RunCommandTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return new CommandLine(new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
  }

  @Test
  void invalidScenarioPrintsEveryDiagnosticAndExitsTwo() throws Exception {
    Path scenario = tmp.resolve("s.yaml");
    Files.writeString(scenario, "environment:\n  seed: 1\nevents:\n  - beginning:\n      nosuch: 1\n      other: 2\n  - end: 5\n");
    Files.writeString(tmp.resolve("docker-compose.yml"), "services:\n  hello:\n    image: reprise/hello:latest\n");
    assertThat(run(scenario.toString(), "--out", tmp.resolve("runs").toString())).isEqualTo(ExitCodes.INVALID_INPUT);
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text).contains(scenario + ":5:").contains(scenario + ":6:").contains("nothing was deployed");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(tmp.resolve("runs")).doesNotExist();
  }

  @Test
  void invalidHostsFileIsReportedWithPositionsAndExitsTwoBeforeAnyConnection() throws Exception {
    Path scenario = tmp.resolve("s.yaml");
    Files.writeString(scenario, "environment:\n  seed: 1\nevents:\n  - beginning:\n      hello: 1\n  - end: 5\n");
    Files.writeString(tmp.resolve("docker-compose.yml"), "services:\n  hello:\n    image: reprise/hello:latest\n");
    Path hosts = tmp.resolve("hosts.yaml");
    Files.writeString(hosts, "hosts:\n  - name: a\n    adress: 10.0.0.1\n    user: root\n");
    assertThat(run(scenario.toString(), "--hosts", hosts.toString(), "--out", tmp.resolve("runs").toString()))
        .isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(hosts + ":3:").contains("nothing was deployed");
    assertThat(tmp.resolve("runs")).doesNotExist();
  }

  @Test
  void missingScenarioFileIsInvalidInput() {
    assertThat(run(tmp.resolve("nope.yaml").toString())).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("nope.yaml");
  }

  @Test
  void withBaselineAMissingBaselineScenarioIsPositionedAndNothingIsDeployed() throws Exception {
    Path scenario = tmp.resolve("s.yaml");
    Files.writeString(scenario, "environment:\n  seed: 1\n  baseline: calm.yaml\n  expect: [recovery_seconds < 15]\n"
        + "events:\n  - beginning:\n      hello: 1\n  - end: 5\n");
    Files.writeString(tmp.resolve("docker-compose.yml"), "services:\n  hello:\n    image: reprise/hello:latest\n");
    assertThat(run(scenario.toString(), "--with-baseline", "--out", tmp.resolve("runs").toString())).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(scenario + ":3:13: environment.baseline: no scenario file")
        .contains("nothing was deployed");
    assertThat(tmp.resolve("runs")).doesNotExist();
  }

  @Test
  void withBaselineProblemsOfTheBaselineScenarioAreReportedBeforeAnything() throws Exception {
    Path scenario = tmp.resolve("s.yaml");
    Files.writeString(scenario, "environment:\n  baseline: calm.yaml\nevents:\n  - beginning:\n      hello: 1\n  - end: 5\n");
    Path calm = tmp.resolve("calm.yaml");
    Files.writeString(calm, "environment:\n  expect: [error_rat < 1%]\nevents:\n  - beginning:\n      hello: 1\n  - end: 5\n");
    Files.writeString(tmp.resolve("docker-compose.yml"), "services:\n  hello:\n    image: reprise/hello:latest\n");
    assertThat(run(scenario.toString(), "--with-baseline", "--out", tmp.resolve("runs").toString())).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(calm + ":2:12: environment.expect[0]: unknown metric 'error_rat'");
    assertThat(tmp.resolve("runs")).doesNotExist();
  }

  @Test
  void withBaselineAndRepeatAreRefused() throws Exception {
    Path scenario = tmp.resolve("s.yaml");
    Files.writeString(scenario, "events:\n  - beginning:\n      hello: 1\n  - end: 5\n");
    assertThat(run(scenario.toString(), "--with-baseline", "--repeat", "2")).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--repeat and --with-baseline do not go together");
  }
}
