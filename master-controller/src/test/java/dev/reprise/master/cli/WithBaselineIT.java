package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.testbed.LocalEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code master run SCENARIO --with-baseline} on the real engine with the offline hello image: a
 * faults-off baseline, then a kill, then the comparison with its verdict in the run's folder. The
 * hello containers report no workload, so the budgets are not measurable: the verdict is a miss
 * (exit 1) with each budget UNKNOWN, which is what a CI pipeline must see for an unverified RTO/RPO.
 */
class WithBaselineIT {
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

  @Test
  void runsTheBaselineThenTheScenarioAndJudgesTheComparison() throws Exception {
    Path scenario = Path.of(WithBaselineIT.class.getResource("/run-it/with-baseline/scenario.yaml").toURI());
    String name = "verdict-it-" + UUID.randomUUID().toString().substring(0, 6);
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int exit = new CommandLine(new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8))).execute(scenario.toString(), "--with-baseline", "--name", name,
        "--out", tmp.resolve("runs").toString(), "--no-catalog", "--no-export");
    String stderr = err.toString(StandardCharsets.UTF_8);
    var lines = out.toString(StandardCharsets.UTF_8).strip().lines().toList();
    Path runDir = Path.of(lines.get(lines.size() - 1));
    assertThat(exit).as(stderr).isEqualTo(ExitCodes.RUN_FAILED);
    assertThat(stderr).contains("with-baseline: 1/2 the baseline (faults-off)").contains("with-baseline: 2/2 the scenario")
        .contains("UNKNOWN recovery_seconds < 15").contains("UNKNOWN data_loss: none").contains("verdict: FAIL (2 of 2 budgets missed)");
    try (Stream<Path> runs = Files.list(tmp.resolve("runs"))) {
      assertThat(runs.map(p -> p.getFileName().toString()).sorted().toList()).hasSize(2)
          .anyMatch(n -> n.startsWith(name.substring(0, 10)) && !n.equals(runDir.getFileName().toString()));
    }
    for (String f : new String[] {"comparison.json", "summary.md", "compare-throughput.png", "compare-bars.svg"}) {
      assertThat(runDir.resolve("comparison").resolve(f)).isNotEmptyFile();
    }
    JsonNode cmp = new ObjectMapper().readTree(runDir.resolve("comparison/comparison.json").toFile());
    assertThat(cmp.path("recoveries")).hasSize(1);
    assertThat(cmp.path("verdict").path("passed").asBoolean()).isFalse();
    assertThat(Files.readString(runDir.resolve("comparison/summary.md"))).contains("kill on hello[1] at 5.0 s")
        .contains("**Verdict: FAIL**");
    JsonNode baselineRun = null;
    try (Stream<Path> runs = Files.list(tmp.resolve("runs"))) {
      for (Path p : runs.toList()) {
        if (!p.equals(runDir)) baselineRun = new ObjectMapper().readTree(p.resolve("run.json").toFile());
      }
    }
    assertThat(baselineRun.path("plan").path("actions").toString()).doesNotContain("\"fault\"");
    assertThat(docker.stackServices(runDir.getFileName().toString())).isEmpty();
  }
}
