package dev.reprise.master.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFoldersTest {
  private static final Instant NOW = Instant.parse("2026-11-23T09:05:07.900Z");

  @Test
  void folderIsNameDashUtcTimestampUnderOut(@TempDir Path tmp) throws Exception {
    Path dir = RunFolders.create(tmp.resolve("runs"), "hello", NOW);
    assertThat(dir).isEqualTo(tmp.resolve("runs/hello-20261123-090507"));
    assertThat(Files.isDirectory(dir)).isTrue();
  }

  @Test
  void existingFolderGetsASuffix(@TempDir Path tmp) throws Exception {
    RunFolders.create(tmp, "hello", NOW);
    assertThat(RunFolders.create(tmp, "hello", NOW).getFileName()).hasToString("hello-20261123-090507-2");
    assertThat(RunFolders.create(tmp, "hello", NOW).getFileName()).hasToString("hello-20261123-090507-3");
  }

  @Test
  void defaultNameIsTheScenarioFilesBaseNameOrItsFolderForScenarioYaml() {
    assertThat(RunFolders.defaultName(Path.of("examples/hello/scenario.yaml"))).isEqualTo("hello");
    assertThat(RunFolders.defaultName(Path.of("cassandra-kill.yml"))).isEqualTo("cassandra-kill");
  }

  @Test
  void namesAreReducedToWhatSwarmAccepts() {
    assertThat(RunFolders.sanitize("my run/ünï")).isEqualTo("my-run-n-");
    assertThat(RunFolders.sanitize("--x")).isEqualTo("x");
    // swarm refuses dots in network and service names ("must be valid as a DNS name component")
    assertThat(RunFolders.sanitize("My Scenario.v1")).isEqualTo("My-Scenario-v1");
    assertThat(RunFolders.sanitize("paper.2019.fig-3")).isEqualTo("paper-2019-fig-3");
    assertThat(RunFolders.sanitize("!!!")).isEqualTo("run");
    assertThat(RunFolders.sanitize("a".repeat(80))).hasSizeLessThanOrEqualTo(RunFolders.MAX_ID - 19);
  }

  @Test
  void aStackWithLongServiceNamesGetsAShorterRunIdNeverBelowTheMinimum(@TempDir Path tmp) throws Exception {
    assertThat(RunFolders.create(tmp, "my-long-experiment-name", NOW, 30).getFileName().toString())
        .matches("my-lon-[0-9a-f]{4}-20261123-090507");
    assertThat(RunFolders.create(tmp, "hello", NOW, 5).getFileName()).hasToString("h-20261123-090507");
    assertThat(RunFolders.create(tmp, "hello", NOW, 1000).getFileName()).hasToString("hello-20261123-090507");
  }

  /**
   * A run folder keeps the user's name as far as a file name allows (dots and capitals stay); its
   * stack name is what Swarm accepts: [A-Za-z0-9] runs joined by - or _, at most MAX_ID characters,
   * unique when cut.
   */
  @Test
  void dottedUpperCaseUnicodeAndVeryLongNamesMakeValidFolderAndStackNames(@TempDir Path tmp) throws Exception {
    var valid = java.util.regex.Pattern.compile("[A-Za-z0-9]+(?:[-_]+[A-Za-z0-9]+)*");
    var folder = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    for (String name : java.util.List.of("My Scenario.v1", "My.Exp", "tmp.Ab3x", "paper.2019.fig-3", "CASSANDRA", "ünïcødé-täst", "实验",
        "a".repeat(200), "x.".repeat(100), "...", ".hidden", "a/../b")) {
      String id = RunFolders.create(tmp, name, NOW).getFileName().toString();
      assertThat(id).as(name).matches(folder).hasSizeLessThanOrEqualTo(RunFolders.MAX_ID).doesNotContain("..");
      assertThat(RunFolders.stackName(id)).as(name).matches(valid).hasSameSizeAs(id);
    }
    Path my = RunFolders.create(tmp.resolve("fresh"), "My.Exp", NOW);
    assertThat(my.getFileName()).hasToString("My.Exp-20261123-090507");
    assertThat(RunFolders.stackName(my.getFileName().toString())).isEqualTo("My-Exp-20261123-090507");
    assertThat(RunFolders.create(tmp.resolve("fresh"), "My Scenario.v1", NOW).getFileName()).hasToString("My-Scenario.v1-20261123-090507");
    String a = RunFolders.create(tmp, "b".repeat(200) + "1", NOW).getFileName().toString();
    String b = RunFolders.create(tmp, "b".repeat(200) + "2", NOW).getFileName().toString();
    assertThat(a).isNotEqualTo(b).startsWith("b".repeat(16) + "-").endsWith("-20261123-090507");
    assertThat(RunFolders.sanitize("c".repeat(200))).hasSize(RunFolders.MAX_ID - 19).matches("c+-[0-9a-f]{4}");
  }

  @Test
  void aRunFolderNameKeepsDotsAndCapitalsAndDropsWhatAFileNameShouldNotHold() {
    assertThat(RunFolders.folderName("My.Exp")).isEqualTo("My.Exp");
    assertThat(RunFolders.folderName("my run/ünï")).isEqualTo("my-run-n-");
    assertThat(RunFolders.folderName("..x")).isEqualTo("x");
    assertThat(RunFolders.folderName("...")).isEqualTo("run");
    assertThat(RunFolders.stackName("My.Exp-20261123-090507")).isEqualTo("My-Exp-20261123-090507");
  }
}
