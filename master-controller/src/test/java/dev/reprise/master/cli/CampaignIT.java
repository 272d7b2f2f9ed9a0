package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.master.campaign.CampaignStore;
import dev.reprise.master.catalog.Catalogs;
import dev.reprise.master.catalog.RunCatalog;
import dev.reprise.master.testbed.PostgresServer;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.testbed.LocalEngine;
import dev.reprise.master.testbed.LocalProcesses;
import dev.reprise.master.testbed.MasterJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real campaign on the local engine: 4 short hello runs (a matrix of 2 CPU-burn durations, each
 * with its faults-off baseline) in a master JVM started as a child process, SIGKILLed while the
 * second run (a faulty one) runs, then resumed by a second master JVM: every run is in campaign.json
 * exactly once with one finished (ok) attempt, the cut-off run's first attempt is marked
 * {@code interrupted} and its partial folder kept, and nothing of any run is left on the engine.
 */
class CampaignIT {
  /** Group name: the run IDs (stack names) start with it, after the branch. */
  static final String GROUP = "campaign";
  static final String NAME = "campaign-it";

  static final String COMPOSE = """
      services:
        hello:
          image: reprise/hello:latest
          environment:
            HELLO_INTERVAL: "${HELLO_INTERVAL:-0.5}"
          deploy:
            endpoint_mode: dnsrr
            restart_policy: {condition: none}
      """;

  static final String SCENARIO = """
      environment:
        seed: 3
      events:
        - beginning:
            hello: 2
        - moment:
            time: 1
            services:
              hello:
                - fault: {target: {specific: [0]}, cpu: {duration: ${d}, cores: 1}}
        - end: 8
      """;

  static final String CAMPAIGN = """
      name: campaign-it
      groups:
        - name: campaign
          scenario: scenario.yaml
          matrix: {d: [5, 2]}
          compose_env: {HELLO_INTERVAL: "0.${d}"}
          baseline: faults-off
      """;

  @TempDir static Path tmp;
  static DockerSwarmCluster docker;
  static MasterJvm first;
  static MasterJvm second;
  static Path runs;

  @BeforeAll
  static void engine() {
    docker = LocalEngine.connectWithHello();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try {
      if (first != null) first.close();
      MasterJvm.cleanUp(second, runs, GROUP,
          runId -> LocalEngine.removeStack(docker, runId).forEach(p -> System.err.println("CampaignIT cleanup: " + p)), "CampaignIT");
    } finally {
      docker.close();
    }
  }

  static CampaignManifest manifest(Path dir) throws IOException {
    Path file = dir.resolve(CampaignStore.FILE);
    return Files.exists(file) ? RecordJson.mapper().readValue(Files.readString(file), CampaignManifest.class) : null;
  }

  static com.fasterxml.jackson.databind.JsonNode runJson(Path runDir) throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(runDir.resolve("run.json")));
  }

  @Test
  void aCampaignKilledMidRunAndResumedRunsEveryRunExactlyOnceAndLeavesNothingOnTheEngine() throws Exception {
    Path scenario = MasterJvm.writeScenario(tmp.resolve("c"), COMPOSE, SCENARIO);
    Path file = Files.writeString(scenario.resolveSibling("campaign.yaml"), CAMPAIGN);
    Path out = tmp.resolve("out");
    Path campaignDir = out.resolve(NAME);
    runs = campaignDir.resolve("runs");

    first = MasterJvm.startCommand(tmp, GROUP, runs, "campaign", file.toString(), "--out", out.toString());
    // wait until the second run (faulty, d=5: a 5 s burn from second 1) has its folder and its stack deployed
    String cutRunId = null;
    for (long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(4); System.nanoTime() < until; Thread.sleep(250)) {
      assertThat(first.process().isAlive()).as("the first master still runs; it said:\n" + first.said()).isTrue();
      var m = manifest(campaignDir);
      if (m == null) continue;
      var run = m.runs().get(1);
      if (CampaignManifest.Run.RUNNING.equals(run.state()) && run.last().runId() != null
          && !docker.stackServices(run.last().runId()).isEmpty()
          && Files.exists(runs.resolve(run.last().runId()).resolve("timeline.jsonl"))) {
        cutRunId = run.last().runId();
        break;
      }
    }
    assertThat(cutRunId).as("the second run started; the master said:\n" + first.said()).isNotNull();
    var before = manifest(campaignDir);
    assertThat(before.runs().get(0).state()).isEqualTo(CampaignManifest.Run.FINISHED);
    assertThat(before.runs().get(0).baseline()).isTrue();

    first.process().destroyForcibly(); // SIGKILL: no hook, campaign.json stays as last written
    assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.process().exitValue()).isEqualTo(137);
    assertThat(manifest(campaignDir).state()).isEqualTo(CampaignManifest.RUNNING);

    second = MasterJvm.startCommand(tmp, GROUP, runs, "campaign", file.toString(), "--out", out.toString(), "--resume");
    assertThat(second.process().waitFor(6, TimeUnit.MINUTES)).as("the resumed campaign ended; it said:\n" + second.said()).isTrue();
    assertThat(second.process().exitValue()).as("exit code; the master said:\n" + second.said()).isZero();
    assertThat(second.said()).contains("resuming, 1 of 4 run(s) finished")
        .contains("campaign/d=5/rep-0 was cut off and runs again");

    var end = manifest(campaignDir);
    assertThat(end.state()).isEqualTo(CampaignManifest.DONE);
    assertThat(end.runs()).extracting(CampaignManifest.Run::key).containsExactly(
        "campaign/d=5/baseline/rep-0", "campaign/d=5/rep-0", "campaign/d=2/baseline/rep-0", "campaign/d=2/rep-0");
    for (var r : end.runs()) {
      assertThat(r.state()).as(r.key()).isEqualTo(CampaignManifest.Run.FINISHED);
      assertThat(r.last().outcome()).as(r.key() + "; the master said:\n" + second.said()).isEqualTo("ok");
      assertThat(r.attempts().stream().filter(a -> "ok".equals(a.outcome()))).as(r.key()).hasSize(1);
      assertThat(runJson(campaignDir.resolve(r.last().runDir())).get("outcome").asText()).as(r.key()).isEqualTo("ok");
    }
    var cut = end.runs().get(1);
    assertThat(cut.attempts()).extracting(CampaignManifest.Attempt::outcome).containsExactly("interrupted", "ok");
    assertThat(cut.attempts().get(0).runId()).isEqualTo(cutRunId);
    assertThat(campaignDir.resolve(cut.attempts().get(0).runDir()).resolve("run.json")).as("the partial folder is kept").exists();
    // the baseline's plan has no fault
    var baselineActions = runJson(campaignDir.resolve(end.runs().get(0).last().runDir())).get("plan").get("actions");
    baselineActions.forEach(a -> assertThat(a.get("action").asText()).isNotEqualTo("fault"));
    var faultyActions = runJson(campaignDir.resolve(end.runs().get(1).last().runDir())).get("plan").get("actions");
    assertThat(faultyActions.toString()).contains("\"fault\"");

    // nothing left: every run's stack (the cut-off one's included) and burners are gone
    var ids = MasterJvm.runFolders(runs, GROUP);
    assertThat(ids).hasSize(5).contains(cutRunId);
    for (String id : ids) {
      LocalEngine.assertStackGone(docker, id);
      assertThat(LocalProcesses.burnersOf(id)).as("burners of " + id).isEmpty();
    }
    catalogHoldsEveryFinishedRunOnce(out, end);
    System.out.println("CampaignIT: resumed campaign ended " + Duration.between(end.start(), end.end()).toSeconds()
        + " s after its first start; runs " + ids);
  }

  /**
   * The campaign's catalog ({@code OUT/catalog.db}, SQLite) holds each run's counting attempt once,
   * with its place in the campaign, matching its run folder; the cut-off attempt (killed before it
   * was catalogued) is not a row. The same run folders imported into PostgreSQL (when Debian's
   * package is installed, as scripts/setup-postgres.sh does) give the same rows.
   */
  static void catalogHoldsEveryFinishedRunOnce(Path out, CampaignManifest end) throws Exception {
    var query = new RunCatalog.CatalogQuery(NAME, null, null, 0);
    java.util.List<RunCatalog.CatalogRun> rows;
    try (var sqlite = Catalogs.open(out.resolve(Catalogs.DEFAULT_FILE).toString(), out)) {
      rows = sqlite.list(query);
    }
    assertThat(rows).extracting(RunCatalog.CatalogRun::runId)
        .containsExactlyInAnyOrderElementsOf(end.runs().stream().map(r -> r.last().runId()).toList());
    for (var r : end.runs()) {
      var row = rows.stream().filter(x -> x.runId().equals(r.last().runId())).findFirst().orElseThrow();
      Path runDir = out.resolve(NAME).resolve(r.last().runDir());
      assertThat(row.campaign()).as(r.key()).isEqualTo(new RunCatalog.CampaignRef(NAME, r.group(), r.key()));
      assertThat(row.outcome()).as(r.key()).isEqualTo("ok");
      assertThat(row.seed()).as(r.key()).isEqualTo(r.seed());
      assertThat(row.planHash()).as(r.key()).isEqualTo(r.planHash())
          .isEqualTo(dev.reprise.fdsl.plan.PlanJson.hash(runJson(runDir).get("plan")));
      assertThat(Path.of(row.runDir())).as(r.key()).isEqualTo(runDir.toAbsolutePath());
      if (r.baseline()) {
        assertThat(row.faults()).as(r.key() + ": a faults-off baseline injects nothing").isEmpty();
      } else {
        assertThat(row.faults()).as(r.key()).singleElement().satisfies(f -> {
          assertThat(f.faultType()).isEqualTo("cpu");
          assertThat(f.container()).isEqualTo("hello 0");
          assertThat(f.rolledBackAt()).as("healed").isNotNull().isAfter(f.injectedAt());
          assertThat(f.wasAutoRolledBack()).as("healed at its planned end").isTrue();
        });
      }
    }
    if (!PostgresServer.installed()) {
      System.err.println("CampaignIT: PostgreSQL is not installed (scripts/setup-postgres.sh); its half is skipped");
      return;
    }
    try (var postgres = PostgresServer.start("campaign-it");
        var pg = Catalogs.open(postgres.createDatabase("campaign_it"), out)) {
      for (var r : end.runs()) pg.record(out.resolve(NAME).resolve(r.last().runDir()), null);
      assertThat(pg.list(query)).isEqualTo(rows);
    }
  }
}
