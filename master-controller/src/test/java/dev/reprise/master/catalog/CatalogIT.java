package dev.reprise.master.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.master.catalog.RunCatalog.CampaignRef;
import dev.reprise.master.catalog.RunCatalog.CatalogQuery;
import dev.reprise.master.catalog.RunCatalog.CatalogRun;
import dev.reprise.master.cli.RunCommand;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.testbed.LocalEngine;
import dev.reprise.master.testbed.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The run catalog on a real PostgreSQL (its own cluster on a loopback port, {@link PostgresServer})
 * next to a real SQLite file: the same run folders give the same rows in both; and one real
 * {@code master run} on the local engine is recorded in the catalog as it ends.
 */
class CatalogIT {
  private static PostgresServer postgres;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.start("catalog-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) postgres.close();
  }

  private static String database() throws Exception {
    return postgres.createDatabase("catalog_it_" + UUID.randomUUID().toString().substring(0, 8));
  }

  /** The fixtures, and variants of them that exercise each rule (early heal, multi-host, campaign). */
  private List<Path> folders() throws Exception {
    var dirs = new ArrayList<Path>();
    dirs.add(CatalogFixtures.copy("fault-run", tmp, "fault-run-20261123T100000Z"));
    dirs.add(CatalogFixtures.copy("baseline-run", tmp, "baseline-run-20261123T100000Z"));
    Path early = CatalogFixtures.copy("fault-run", tmp, "aborted-run");
    CatalogFixtures.edit(early, "timeline.jsonl", "\"actual\":\"2026-11-23T10:00:45.020000Z\"", "\"actual\":\"2026-11-23T10:00:40.000000Z\"");
    CatalogFixtures.edit(early, "run.json", "\"outcome\": \"ok\"", "\"outcome\": \"aborted\", \"reason\": \"interrupted by a signal\"");
    CatalogFixtures.edit(early, "run.json", "\"start\": \"2026-11-23T09:59:45.000000Z\"", "\"start\": \"2026-11-23T11:00:00.000000Z\"");
    dirs.add(early);
    Path multi = CatalogFixtures.copy("fault-run", tmp, "multi-host-run");
    Files.createDirectories(multi.resolve("hosts/node-1"));
    CatalogFixtures.edit(multi, "run.json", "\"start\": \"2026-11-23T09:59:45.000000Z\"", "\"start\": \"2026-11-23T12:00:00.000000Z\"");
    dirs.add(multi);
    return dirs;
  }

  @Test
  void theSameRunFoldersGiveTheSameRowsInPostgresqlAsInSqlite() throws Exception {
    String pg = database();
    var campaign = new CampaignRef("nightly", "kill-db", "kill-db/rep-0");
    var dirs = folders();
    try (var sqlite = Catalogs.open(tmp.resolve("catalog.db").toString(), tmp, Map.of());
        var postgresql = Catalogs.open(pg, tmp, Map.of())) {
      for (int i = 0; i < dirs.size(); i++) {
        var ref = i == 0 ? campaign : null;
        assertThat(postgresql.record(dirs.get(i), ref)).isEqualTo(sqlite.record(dirs.get(i), ref));
      }
      sqlite.record(dirs.get(0), campaign); // again: replaces, in both
      postgresql.record(dirs.get(0), campaign);
      var queries = List.of(CatalogQuery.all(), new CatalogQuery(null, "kill", null, 0), new CatalogQuery(null, "cpu", null, 2),
          new CatalogQuery("nightly", null, null, 0), new CatalogQuery(null, null, Instant.parse("2026-11-23T10:30:00Z"), 0),
          new CatalogQuery(null, "partition", null, 0));
      for (var q : queries) {
        assertThat(postgresql.list(q)).as(q.toString()).isEqualTo(sqlite.list(q));
      }
      List<CatalogRun> all = postgresql.list(CatalogQuery.all());
      assertThat(all).extracting(CatalogRun::runId)
          .containsExactly("multi-host-run", "aborted-run", "fault-run-20261123T100000Z", "baseline-run-20261123T100000Z");
      assertThat(all.get(0).targetCluster()).isEqualTo("node-1");
      assertThat(all.get(1).faults().get(1).wasAutoRolledBack()).isFalse();
      assertThat(all.get(2).faults().get(1).wasAutoRolledBack()).isTrue();
      assertThat(all.get(2).campaign()).isEqualTo(campaign);
      assertThat(postgresql.find("aborted-run")).isEqualTo(sqlite.find("aborted-run"));
    }
    try (var again = Catalogs.open(pg, tmp, Map.of())) { // migrated already: nothing to do, rows kept
      assertThat(again.list(CatalogQuery.all())).hasSize(4);
    }
  }

  @Test
  void aRealMasterRunIsRecordedInTheCatalogAsItEnds() throws Exception {
    try (DockerSwarmCluster docker = LocalEngine.connectWithHello()) {
      String pg = database();
      Path scenario = Files.createDirectories(tmp.resolve("scenario"));
      Files.copy(Path.of("src/test/resources/run-it/ok/docker-compose.yml"), scenario.resolve("docker-compose.yml"));
      Files.writeString(scenario.resolve("scenario.yaml"), """
          environment:
            seed: 3
          events:
            - beginning:
                hello: 2
            - moment:
                time: 1
                services:
                  hello:
                    - fault: {target: {specific: [0]}, cpu: {duration: 2, cores: 1}}
            - moment:
                time: 4
                services:
                  hello:
                    - fault: {target: {specific: [1]}, kill: }
            - end: 6
          """);
      String name = "catalog-it-" + UUID.randomUUID().toString().substring(0, 6);
      var out = new ByteArrayOutputStream();
      var err = new ByteArrayOutputStream();
      int exit = new CommandLine(new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8))).execute(scenario.resolve("scenario.yaml").toString(),
          "--out", tmp.resolve("runs").toString(), "--name", name, "--no-export", "--catalog", pg);
      String stderr = err.toString(StandardCharsets.UTF_8);
      var lines = out.toString(StandardCharsets.UTF_8).strip().lines().toList();
      Path runDir = Path.of(lines.get(lines.size() - 1));
      try {
        assertThat(exit).as(stderr).isZero();
        assertThat(stderr).doesNotContain("warning: catalog");
        try (var catalog = Catalogs.open(pg, tmp, Map.of())) {
          CatalogRun run = catalog.find(runDir.getFileName().toString()).orElseThrow();
          var manifest = RecordJson.mapper().readTree(runDir.resolve("run.json").toFile());
          assertThat(run.outcome()).isEqualTo("ok");
          assertThat(run.targetCluster()).isEqualTo("local");
          assertThat(run.stack()).isEqualTo(runDir.getFileName().toString()).startsWith(name);
          assertThat(run.runDir()).isEqualTo(runDir.toAbsolutePath().toString());
          assertThat(run.seed()).isEqualTo(3);
          assertThat(run.planHash()).isEqualTo(PlanJson.hash(manifest.get("plan")));
          assertThat(run.start()).isEqualTo(Instant.parse(manifest.get("start").asText()));
          assertThat(run.faults()).extracting(RunCatalog.CatalogFault::faultType).containsExactly("cpu", "kill");
          var cpu = run.faults().get(0);
          assertThat(cpu.container()).isEqualTo("hello 0");
          assertThat(cpu.outcome()).as(stderr).isEqualTo("ok");
          assertThat(cpu.rolledBackAt()).as("the burn's heal").isNotNull();
          assertThat(cpu.wasAutoRolledBack()).as("healed at its planned end").isTrue();
          var kill = run.faults().get(1);
          assertThat(kill.container()).isEqualTo("hello 1");
          assertThat(kill.rolledBackAt()).isNull();
          // the same folder imported into SQLite gives the same row
          try (var sqlite = Catalogs.open(tmp.resolve("catalog.db").toString(), tmp, Map.of())) {
            assertThat(sqlite.record(runDir, null)).isEqualTo(run);
          }
        }
      } finally {
        LocalEngine.removeStack(docker, runDir.getFileName().toString());
      }
    }
  }
}
