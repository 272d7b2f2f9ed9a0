package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code master validate} and {@code master plan} as a user sees them: exit codes, stdout, stderr. */
class ScenarioCommandsTest {
  @TempDir Path dir;

  record Outcome(int code, String out, String err) {}

  Outcome run(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var cli = new CommandLine(new MasterCli());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  Path scenario(String text) throws IOException {
    Files.writeString(dir.resolve("docker-compose.yml"), "services:\n  web: {image: x}\n  db: {image: y}\n");
    return Files.writeString(dir.resolve("scenario.yaml"), text);
  }

  static final String VALID = """
      environment: {seed: 5}
      events:
        - beginning: {web: 10, db: 1}
        - moment:
            time: 5
            mark: go
            services:
              web:
                - fault: {target: {percentage: 30}, kill: }
                - fault: {target: {amount: 2}, cpu: {duration: 3}}
        - moment: {time: 8, services: {db: [{stop: {specific: [0]}}], web: [{start: {amount: 1}}]}}
        - end: 20
      """;

  @Test void validateExitsZeroOnAValidScenario() throws IOException {
    var o = run("validate", scenario(VALID).toString());
    assertThat(o.code()).isZero();
    assertThat(o.out()).contains("valid (2 moments, 4 service events");
    assertThat(o.err()).isEmpty();
  }

  @Test void validateExitsTwoWithEveryProblemAtItsPosition() throws IOException {
    Path s = scenario(VALID.replace("mark: go", "mrak: go").replace("kill: }", "kil: }"));
    var o = run("validate", s.toString());
    assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(o.err()).contains(
        s + ":6:7: events[1].moment.mrak: unknown key 'mrak' (did you mean 'mark'?)",
        s + ":9:47: events[1].moment.services.web[0].fault: unknown fault type 'kil' (did you mean 'kill'?)",
        "2 problems; nothing was deployed");
    assertThat(o.err()).doesNotContain("Exception", "\tat ");
  }

  @Test void validateExitsTwoOnAYamlSyntaxError() throws IOException {
    Path s = scenario("events:\n  - beginning: [web: 1\n");
    var o = run("validate", s.toString());
    assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(o.err()).startsWith(s + ":3:1: YAML syntax error");
  }

  @Test void planIsByteIdenticalAcrossRuns() throws IOException {
    Path s = scenario(VALID);
    var a = run("plan", s.toString());
    var b = run("plan", s.toString());
    assertThat(a.code()).isZero();
    assertThat(a.out()).isEqualTo(b.out()).contains("fault", "kill", "cpu x1 3s", "alive", "web=7");
    assertThat(run("plan", "--json", s.toString()).out()).isEqualTo(run("plan", "--json", s.toString()).out());
  }

  @Test void anotherSeedChangesOnlyThePicks() throws IOException {
    Path s = scenario(VALID);
    String a = run("plan", "--json", s.toString()).out();
    String b = run("plan", "--json", "--seed", "6", s.toString()).out();
    assertThat(a).isNotEqualTo(b);
    // Everything but the picks (and the alive sets that follow from them) is the same.
    assertThat(actionsWithoutIds(a)).isEqualTo(actionsWithoutIds(b));
  }

  static String actionsWithoutIds(String planJson) {
    return planJson.substring(planJson.indexOf("\"actions\""), planJson.indexOf("\"alive\""))
        .replaceAll("\"ids\":\\[[0-9,]*\\]", "");
  }

  @Test void planReportsAliveSetProblemsOfTheChosenSeed() throws IOException {
    Path s = scenario(VALID.replace("stop: {specific: [0]}", "stop: {amount: 2}"));
    var o = run("plan", s.toString());
    assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(o.err()).contains(s + ":11:55: events[2].moment.services.db[0].stop.amount: cannot stop 2 containers of 'db' at 8s");
  }

  @Test void badArgumentsExitTwo() {
    assertThat(run("plan").code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run("plan", "--seed", "abc", "x.yaml").code()).isEqualTo(ExitCodes.INVALID_INPUT);
  }
}
