package dev.reprise.master.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.fdsl.Diagnostic;
import dev.reprise.fdsl.ScenarioException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per validation rule of the campaign file; the YAML inline, the scenario beside it in a temp folder. */
class CampaignParserTest {
  @TempDir Path dir;
  Path campaign;

  static final String SCENARIO = """
      environment:
        seed: 7
      events:
        - beginning:
            web: 2
        - moment:
            time: ${at}
            services:
              web:
                - fault:
                    target: {amount: 1}
                    cpu: {duration: 2, cores: 1}
        - end: 10
      """;

  @BeforeEach void scenario() throws IOException {
    Files.writeString(dir.resolve("s.yaml"), SCENARIO);
    Files.writeString(dir.resolve("plain.yaml"), SCENARIO.replace("${at}", "3"));
    Files.writeString(dir.resolve("docker-compose.yml"), "services:\n  web:\n    image: reprise/hello:latest\n");
    campaign = dir.resolve("c.yaml");
  }

  CampaignFile parse(String yaml) throws ScenarioException {
    return CampaignParser.parse(campaign, yaml);
  }

  List<String> problems(String yaml) {
    try {
      parse(yaml);
    } catch (ScenarioException e) {
      return e.diagnostics().stream().map(Diagnostic::toString).toList();
    }
    throw new AssertionError("no problem found in:\n" + yaml);
  }

  String c(String suffix) {
    return campaign + ":" + suffix;
  }

  @Test void aValidFileParses() throws ScenarioException {
    var file = parse("""
        name: night
        cooldown: 10s
        time_budget: 8h
        on_failure: stop
        groups:
          - name: cpu
            scenario: s.yaml
            repetitions: 3
            matrix: {at: [2, 4]}
            compose_env: {RATE: "${at}00"}
            baseline: faults-off
            cooldown: 1m
          - name: plain
            scenario: plain.yaml
            seeds: {from: 100, count: 2}
            on_failure: continue
        """);
    assertThat(file.name()).isEqualTo("night");
    assertThat(file.cooldownMillis()).isEqualTo(10_000);
    assertThat(file.timeBudgetMillis()).isEqualTo(8 * 3_600_000L);
    assertThat(file.onFailure()).isEqualTo(CampaignFile.OnFailure.STOP);
    var cpu = file.groups().get(0);
    assertThat(cpu.repetitions()).isEqualTo(3);
    assertThat(cpu.matrix()).containsEntry("at", List.of("2", "4"));
    assertThat(cpu.composeEnv()).containsEntry("RATE", "${at}00");
    assertThat(cpu.faultsOff()).isTrue();
    assertThat(cpu.cooldownMillis()).isEqualTo(60_000);
    assertThat(cpu.onFailure()).isEqualTo(CampaignFile.OnFailure.STOP);
    var plain = file.groups().get(1);
    assertThat(plain.repetitions()).isEqualTo(2);
    assertThat(plain.cooldownMillis()).isEqualTo(10_000);
    assertThat(plain.onFailure()).isEqualTo(CampaignFile.OnFailure.CONTINUE);
  }

  @Test void theNameDefaultsToTheFileName() throws ScenarioException {
    assertThat(parse("groups: [{name: g, scenario: plain.yaml}]").name()).isEqualTo("c");
  }

  @Test void unknownTopLevelKeysGetADidYouMean() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml}]\ncooldwn: 5s\n"))
        .containsExactly(c("2:1: cooldwn: unknown key 'cooldwn' (did you mean 'cooldown'?)"));
  }

  @Test void unknownGroupKeysGetADidYouMean() {
    assertThat(problems("groups:\n  - name: g\n    scenario: plain.yaml\n    repetition: 2\n"))
        .containsExactly(c("4:5: groups[0].repetition: unknown key 'repetition' (did you mean 'repetitions'?)"));
  }

  @Test void groupsAreRequired() {
    assertThat(problems("name: x\n")).singleElement().asString().contains("1:1: groups: missing");
  }

  @Test void groupsMayNotBeEmpty() {
    assertThat(problems("groups: []\n")).singleElement().asString().contains("1:9: groups: empty");
  }

  @Test void aGroupNeedsAName() {
    assertThat(problems("groups:\n  - scenario: plain.yaml\n")).singleElement().asString().contains("2:5: groups[0].name: missing");
  }

  @Test void groupNamesAreUnique() {
    assertThat(problems("groups:\n  - {name: g, scenario: plain.yaml}\n  - {name: g, scenario: plain.yaml}\n"))
        .singleElement().asString().contains("3:12: groups[1].name: 'g' is already a group's name (line 2)");
  }

  @Test void namesAreFolderSafe() {
    assertThat(problems("name: my night\ngroups: [{name: g, scenario: plain.yaml}]\n"))
        .singleElement().asString().contains("1:7: name: 'my night' is not a name");
    assertThat(problems("groups: [{name: g/1, scenario: plain.yaml}]\n"))
        .singleElement().asString().contains("1:17: groups[0].name: 'g/1' is not a name");
  }

  @Test void aGroupNeedsAScenario() {
    assertThat(problems("groups:\n  - name: g\n")).singleElement().asString().contains("2:5: groups[0].scenario: missing");
  }

  @Test void theScenarioMustExistRelativeToTheCampaignFile() {
    assertThat(problems("groups: [{name: g, scenario: nope.yaml}]\n")).singleElement().asString()
        .contains("1:30: groups[0].scenario: no file " + dir.resolve("nope.yaml"));
  }

  @Test void repetitionsAreInRange() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, repetitions: 0}]\n")).singleElement().asString()
        .contains("1:55: groups[0].repetitions: 0 is out of range");
  }

  @Test void listedSeedsMustMatchTheRepetitions() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, repetitions: 2, seeds: [1, 2, 3]}]\n")).singleElement()
        .asString().contains("groups[0].seeds: 3 seeds for 2 repetitions");
  }

  @Test void countedSeedsMustMatchTheRepetitions() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, repetitions: 2, seeds: {from: 1, count: 3}}]\n"))
        .singleElement().asString().contains("groups[0].seeds.count: 3 seeds for 2 repetitions");
  }

  @Test void countedSeedsNeedFromAndCount() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, seeds: {from: 1}}]\n")).singleElement().asString()
        .contains("groups[0].seeds: takes both from and count");
  }

  @Test void seedsAreIntegers() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, seeds: [1, x]}]\n")).singleElement().asString()
        .contains("groups[0].seeds[1]: expected an integer, got 'x'");
  }

  @Test void matrixValuesAreAList() {
    assertThat(problems("groups: [{name: g, scenario: s.yaml, matrix: {at: 3}}]\n")).singleElement().asString()
        .contains("groups[0].matrix.at: expected a list");
  }

  @Test void matrixValuesAreNotEmpty() {
    assertThat(problems("groups: [{name: g, scenario: s.yaml, matrix: {at: []}}]\n")).singleElement().asString()
        .contains("groups[0].matrix.at: empty");
  }

  @Test void matrixValuesAreDistinct() {
    assertThat(problems("groups: [{name: g, scenario: s.yaml, matrix: {at: [2, 2]}}]\n")).singleElement().asString()
        .contains("1:55: groups[0].matrix.at[1]: '2' is listed twice");
  }

  @Test void matrixValuesStayOnOneLine() {
    assertThat(problems("groups: [{name: g, scenario: s.yaml, matrix: {at: [\"2\\n3\"]}}]\n")).singleElement().asString()
        .contains("groups[0].matrix.at[0]: a value may not span lines");
  }

  @Test void matrixParameterNamesAreReferenceNames() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, matrix: {9x: [1]}}]\n")).singleElement().asString()
        .contains("groups[0].matrix.9x: a parameter's name");
  }

  @Test void everyReferenceInTheScenarioIsAMatrixParameterAtItsUse() {
    assertThat(problems("groups: [{name: g, scenario: s.yaml, matrix: {ta: [2]}}]\n")).singleElement()
        .isEqualTo(dir.resolve("s.yaml") + ":7:13: ${at} is not a parameter of campaign group 'g''s matrix"
            + " (its value is substituted before the scenario is read) (did you mean 'ta'?) (known: ta)");
  }

  @Test void aReferenceWithoutAnyMatrixSaysHowToAddOne() {
    assertThat(problems("groups: [{name: g, scenario: s.yaml}]\n")).singleElement().asString()
        .contains("s.yaml:7:13: ${at} is not a parameter").contains("add matrix: {at: [...]}");
  }

  @Test void composeEnvReferencesAreMatrixParameters() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, matrix: {at: [1]}, compose_env: {RATE: \"${rate}\"}}]\n"))
        .singleElement().asString().contains("groups[0].compose_env.RATE: ${rate} is not a parameter of the group's matrix");
  }

  @Test void composeEnvNamesAreVariableNames() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, compose_env: {my-var: 1}}]\n")).singleElement().asString()
        .contains("groups[0].compose_env.my-var: an environment variable's name");
  }

  @Test void aBaselineIsFaultsOffOrAFile() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, baseline: faults_off}]\n")).singleElement().asString()
        .contains("groups[0].baseline: 'faults_off' is neither faults-off nor a scenario file (did you mean 'faults-off'?)");
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, baseline: base.yaml}]\n")).singleElement().asString()
        .contains("groups[0].baseline: no file " + dir.resolve("base.yaml"));
  }

  @Test void aBaselineScenarioIsCheckedForReferencesToo() {
    assertThat(problems("groups: [{name: g, scenario: plain.yaml, baseline: s.yaml}]\n")).singleElement().asString()
        .contains("s.yaml:7:13: ${at} is not a parameter");
  }

  @Test void cooldownAndBudgetAreDurations() {
    assertThat(problems("cooldown: soon\ntime_budget: -1\ngroups: [{name: g, scenario: plain.yaml, cooldown: x}]\n"))
        .hasSize(3).anyMatch(p -> p.contains("1:11: cooldown: 'soon' is not a duration"))
        .anyMatch(p -> p.contains("2:14: time_budget: must be >= 0"))
        .anyMatch(p -> p.contains("groups[0].cooldown: 'x' is not a duration"));
  }

  @Test void onFailureIsContinueOrStop() {
    assertThat(problems("on_failure: stpo\ngroups: [{name: g, scenario: plain.yaml}]\n")).singleElement().asString()
        .contains("1:13: on_failure: 'stpo' is not continue or stop (did you mean 'stop'?)");
  }

  @Test void theExpansionIsBounded() {
    assertThat(problems("groups: [{name: g, scenario: s.yaml, repetitions: 10000, matrix: {at: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}}]\n"))
        .singleElement().asString().contains("groups: expand to 110000 runs; the limit is 100000");
  }

  @Test void aYamlSyntaxErrorIsPositioned() {
    assertThat(problems("groups: [\n")).singleElement().asString().startsWith(c("")).contains("YAML syntax error");
  }

  @Test void everyProblemIsReportedAtOnce() {
    assertThat(problems("""
        nme: x
        on_failure: never
        groups:
          - name: a
            scenario: s.yaml
          - name: b
            scenario: missing.yaml
        """)).hasSize(4);
  }

  @Test void anUnreadableFileIsAPositionedProblem() {
    assertThatThrownBy(() -> CampaignParser.parse(dir.resolve("none.yaml"))).isInstanceOf(ScenarioException.class)
        .hasMessageContaining("none.yaml:1:1: no such campaign file");
  }
}
