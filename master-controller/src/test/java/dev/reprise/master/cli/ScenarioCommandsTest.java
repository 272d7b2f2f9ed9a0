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

  @Test void validateWarnsButPassesWhenRestartKeepLetsSwarmUndoKills() throws IOException {
    Path s = scenario(VALID.replace("environment: {seed: 5}", "environment: {seed: 5, restart: keep}"));
    Files.writeString(dir.resolve("docker-compose.yml"),
        "services:\n  web:\n    image: x\n    deploy: {restart_policy: {condition: any}}\n  db:\n    image: y\n"
            + "    deploy: {restart_policy: {condition: none}}\n");
    var o = run("validate", s.toString());
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.err()).contains(dir.resolve("docker-compose.yml") + ":4:14: warning: environment.restart: keep: service web"
        + " restarts its containers (condition any): kills may be undone by Swarm and the alive set becomes approximate");
    assertThat(o.err()).doesNotContain("service db");
    var without = run("validate", scenario(VALID).toString());
    assertThat(without.err()).doesNotContain("environment.restart");
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

  @Test void validateWithHostsWarnsOfALoopbackNtpServerForSeveralHostsAndReportsAHostsFilesProblems() throws IOException {
    Path s = scenario(VALID);
    Files.writeString(dir.resolve("id"), "a key file (validate does not read it as a key)\n");
    Path hosts = Files.writeString(dir.resolve("hosts.yaml"), """
        ntp_server: 127.0.0.1
        hosts:
          - {address: 10.0.0.11, user: root, private_key: id}
          - {address: 10.0.0.12, user: root, private_key: id}
        """);
    var o = run("validate", s.toString(), "--hosts", hosts.toString());
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.err()).contains(hosts + ": warning: ntp_server 127.0.0.1 is a loopback address: each of the 2 hosts");
    Path one = Files.writeString(dir.resolve("one.yaml"), "ntp_server: 127.0.0.1\nhosts:\n  - {address: 10.0.0.11, user: root, private_key: id}\n");
    assertThat(run("validate", s.toString(), "--hosts", one.toString()).err()).as("one host: its own clock is the run's").isEmpty();
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "hosts:\n  - {adress: 10.0.0.11, user: root, private_key: id}\n");
    var b = run("validate", s.toString(), "--hosts", bad.toString());
    assertThat(b.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(b.err()).startsWith(bad + ":2:").doesNotContain("Exception");
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

  @Test void planShowsWhatMaxFaultDurationCappedOnTheFaultsLineAndInItsJson() throws IOException {
    Path s = scenario("""
        environment: {seed: 5, safety: {max_fault_duration: 30s}}
        events:
          - beginning: {web: 2, db: 1}
          - moment:
              time: 5
              services:
                web:
                  - fault: {target: {specific: [0]}, cpu: {duration: 1m}}
                  - fault: {target: {specific: [1]}, custom: {kills_container: no, fault_file_name: x.sh}}
                  - fault: {target: {specific: [1]}, cpu: {duration: 10s}}
          - end: 2m
        """);
    Files.createDirectories(dir.resolve("faults"));
    Files.writeString(dir.resolve("faults/x.sh"), "sleep 100\n");
    var o = run("plan", s.toString());
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out().lines()).contains(
        "        5s  0    fault   web                    [0]  cpu x1 30s  (capped at 30s from 1m by max_fault_duration)",
        "        5s  1    fault   web                    [1]  custom x.sh max 30s  (capped at 30s by max_fault_duration; no length of its own)",
        "        5s  2    fault   web                    [1]  cpu x1 10s");
    var json = run("plan", "--json", s.toString()).out();
    assertThat(json).contains("\"cappedFromMillis\":60000", "\"cappedFromMillis\":0", "\"maxDurationMillis\":30000");
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

  // The compose file is translated as `master run` deploys it: every rule of the translator is reported by validate.

  /** A scenario over services web and db (valid) beside {@code compose}. */
  Path withCompose(String compose) throws IOException {
    Files.writeString(dir.resolve("docker-compose.yml"), compose);
    return Files.writeString(dir.resolve("scenario.yaml"), VALID);
  }

  Path compose() {
    return dir.resolve("docker-compose.yml");
  }

  /** validate's verdict on {@code compose}: exit 2, exactly {@code problem} (no stack trace), and the count line. */
  void assertOneComposeProblem(String compose, String problem) throws IOException {
    var o = run("validate", withCompose(compose).toString());
    assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(o.err().lines().filter(l -> !l.contains(": warning: ")))
        .containsExactly(compose() + ":" + problem, "1 problem; nothing was deployed");
    assertThat(o.out()).isEmpty();
  }

  @Test void validateReportsAGlobalService() throws IOException {
    assertOneComposeProblem("""
        services:
          web:
            image: x
            deploy:
              mode: global
          db: {image: y}
        """, "5:13: services.web.deploy.mode: global services cannot be scaled by the scenario; remove the key (replicated is the default)");
  }

  @Test void validateReportsBuildWithoutImage() throws IOException {
    assertOneComposeProblem("""
        services:
          web:
            build: .
          db: {image: y}
        """, "3:5: services.web.build: Reprise cannot build images; build it beforehand and name it with image:");
  }

  @Test void validateReportsAServiceWithoutImage() throws IOException {
    assertOneComposeProblem("""
        services:
          web:
            command: sleep 1
          db: {image: y}
        """, "3:5: services.web: image is required");
  }

  @Test void validateReportsAnUndeclaredNetwork() throws IOException {
    assertOneComposeProblem("""
        services:
          web:
            image: x
            networks: [front]
          db: {image: y, networks: [back]}
        networks:
          back:
        """, "4:16: services.web.networks: network 'front' is not declared under the top-level networks: declared are back");
  }

  @Test void validateReportsAnUndeclaredVolume() throws IOException {
    assertOneComposeProblem("""
        services:
          web:
            image: x
            volumes: ["data:/var/lib/data"]
          db: {image: y}
        """, "4:15: services.web.volumes: volume 'data' is not declared under the top-level volumes:");
  }

  @Test void validateReportsANetworkDriverOtherThanOverlay() throws IOException {
    assertOneComposeProblem("""
        services:
          web: {image: x}
          db: {image: y}
        networks:
          back:
            driver: bridge
        """, "6:13: networks.back.driver: swarm services can only use overlay networks, not 'bridge'; write driver: overlay or remove the key");
  }

  @Test void validateReportsAMalformedMemorySize() throws IOException {
    assertOneComposeProblem("""
        services:
          web:
            image: x
            deploy:
              resources:
                limits: {memory: lots}
          db: {image: y}
        """, "6:26: services.web.deploy.resources.limits.memory: 'lots' is not a size; write e.g. 512M or 1G");
  }

  @Test void validateReportsAMalformedDuration() throws IOException {
    assertOneComposeProblem("""
        services:
          web: {image: x, stop_grace_period: soon}
          db: {image: y}
        """, "2:38: services.web.stop_grace_period: 'soon' is not a duration; write e.g. 10s, 1m30s or 500ms");
  }

  @Test void validateReportsAMalformedPort() throws IOException {
    assertOneComposeProblem("""
        services:
          web: {image: x, ports: ["80:http"]}
          db: {image: y}
        """, "2:27: services.web.ports: expected [PUBLISHED:]TARGET[/udp] like 8080:80, got '80:http'");
  }

  @Test void validateReportsExtends() throws IOException {
    assertOneComposeProblem("""
        services:
          web:
            image: x
            extends: {service: db}
          db: {image: y}
        """, "4:5: services.web.extends is not supported; inline the extended service");
  }

  @Test void validateReportsARequiredVariableThatIsNotSet() throws IOException {
    assertOneComposeProblem("""
        services:
          web: {image: "x:${REPRISE_TEST_UNSET_TAG:?set the tag}"}
          db: {image: y}
        """, "2:16: services.web.image: variable REPRISE_TEST_UNSET_TAG is required: set the tag");
  }

  @Test void validateReportsEveryComposeProblemAtOnce() throws IOException {
    var o = run("validate", withCompose("""
        services:
          web:
            build: .
          db:
            image: y
            deploy: {mode: global, endpoint_mode: round-robin}
        """).toString());
    assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(o.err().lines()).containsExactly(
        compose() + ":3:5: services.web.build: Reprise cannot build images; build it beforehand and name it with image:",
        compose() + ":6:20: services.db.deploy.mode: global services cannot be scaled by the scenario; remove the key (replicated is the default)",
        compose() + ":6:43: services.db.deploy.endpoint_mode: expected vip or dnsrr, got 'round-robin'",
        "3 problems; nothing was deployed");
  }

  @Test void validateReportsComposeAndScenarioProblemsTogether() throws IOException {
    Files.writeString(dir.resolve("docker-compose.yml"), """
        services:
          web: {image: x, deploy: {mode: global}}
          db: {image: y}
        """);
    Path s = Files.writeString(dir.resolve("scenario.yaml"), VALID.replace("mark: go", "mrak: go"));
    var o = run("validate", s.toString());
    assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(o.err().lines()).containsExactly(
        s + ":6:7: events[1].moment.mrak: unknown key 'mrak' (did you mean 'mark'?)",
        compose() + ":2:34: services.web.deploy.mode: global services cannot be scaled by the scenario; remove the key (replicated is the default)",
        "2 problems; nothing was deployed");
  }

  @Test void validateReportsAComposeYamlErrorOnce() throws IOException {
    var o = run("validate", withCompose("services:\n  web: {image: x\n").toString());
    assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(o.err().lines().filter(l -> l.startsWith(compose().toString()))).hasSize(1);
  }

  @Test void validatePrintsComposeWarningsAndStillExitsZero() throws IOException {
    var o = run("validate", withCompose("""
        services:
          web: {image: x, restart: always}
          db: {image: y, restart: always}
        """).toString());
    assertThat(o.code()).isZero();
    assertThat(o.err().lines()).containsExactly(compose()
        + ":2:19: warning: restart is ignored: Reprise forces restart condition none so a killed container stays dead");
    assertThat(o.out()).contains("valid (2 moments");
  }

  @Test void planRefusesAComposeFileRunWouldRefuse() throws IOException {
    var o = run("plan", withCompose("services:\n  web: {build: .}\n  db: {image: y}\n").toString());
    assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(o.err()).contains(compose() + ":2:9: services.web.build: Reprise cannot build images");
    assertThat(o.out()).isEmpty();
  }

  @Test void everyShippedExampleValidatesWithItsComposeFileTranslated() throws IOException {
    try (var examples = Files.list(Path.of("..", "examples"))) {
      var scenarios = examples.map(d -> d.resolve("scenario.yaml")).filter(Files::isRegularFile).sorted().toList();
      assertThat(scenarios).hasSizeGreaterThanOrEqualTo(4);
      for (Path s : scenarios) {
        var o = run("validate", s.toString());
        assertThat(o.code()).as(s + ": " + o.err()).isZero();
      }
    }
  }

  @Test void badArgumentsExitTwo() {
    assertThat(run("plan").code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run("plan", "--seed", "abc", "x.yaml").code()).isEqualTo(ExitCodes.INVALID_INPUT);
  }

  @Test void helpWorksOnEverySubcommand() {
    for (String command : new String[] {"validate", "plan", "run", "export", "compare", "cluster", "collect"}) {
      for (String flag : new String[] {"--help", "-h"}) {
        var o = run(command, flag);
        assertThat(o.code()).as(command + " " + flag + ": " + o.err()).isZero();
        assertThat(o.out()).as(command + " " + flag).contains("Usage: master " + command);
        assertThat(o.err()).as(command + " " + flag).doesNotContain("Missing required parameter");
      }
    }
  }

  @Test void aTagInTheComposeFileExitsTwoAtItsPosition() throws IOException {
    Path s = scenario(VALID);
    Files.writeString(dir.resolve("docker-compose.yml"), "services:\n  web: {image: !foo x}\n  db: {image: y, deploy: {replicas: !!int abc}}\n");
    var o = run("validate", s.toString());
    assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    Path c = dir.resolve("docker-compose.yml");
    assertThat(o.err()).contains(
        c + ":2:16: YAML tags are not supported: '!foo'",
        c + ":3:37: YAML tags are not supported: '!!int'",
        "2 problems; nothing was deployed").doesNotContain("Exception", "--stacktrace");
  }

  @Test void aDeviceOrADirectoryIsRefusedBeforeReading() throws IOException {
    scenario(VALID);
    if (Files.exists(Path.of("/dev/zero"))) {
      var o = run("validate", "/dev/zero", "--compose", dir.resolve("docker-compose.yml").toString());
      assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
      assertThat(o.err()).startsWith("/dev/zero:1:1: the scenario is not a regular file (a device, FIFO or socket); name a file\n");
    }
    var d = run("plan", dir.toString(), "--compose", dir.resolve("docker-compose.yml").toString());
    assertThat(d.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(d.err()).startsWith(dir + ":1:1: the scenario is a directory, not a file\n");
    var c = run("validate", dir.resolve("scenario.yaml").toString(), "--compose", "/dev/zero");
    assertThat(c.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    if (Files.exists(Path.of("/dev/zero"))) assertThat(c.err()).contains("/dev/zero:1:1: the compose file is not a regular file");
  }

  @Test void aNewlineInAFileNameCannotForgeADiagnosticLine() throws IOException {
    scenario(VALID);
    Path s = Files.writeString(dir.resolve("x\nFORGED:1:1: fake problem.yaml"), "events: [\n");
    var o = run("validate", s.toString(), "--compose", dir.resolve("docker-compose.yml").toString());
    assertThat(o.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(o.err().lines()).noneMatch(l -> l.startsWith("FORGED"));
    assertThat(o.err()).contains("x\\nFORGED:1:1: fake problem.yaml:");
  }
}
