package dev.reprise.master.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.master.catalog.RunCatalog.CampaignRef;
import dev.reprise.master.catalog.RunCatalog.CatalogFault;
import dev.reprise.master.catalog.RunCatalog.CatalogQuery;
import dev.reprise.master.catalog.RunCatalog.CatalogRun;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC catalog against a real SQLite file in a temporary folder, one test per rule. */
class JdbcRunCatalogTest {
  private static final Instant DAY = Instant.parse("2026-12-01T00:00:00Z");
  @TempDir Path tmp;

  private RunCatalog open() throws CatalogException {
    return Catalogs.open(null, tmp.resolve("runs"), Map.of());
  }

  @Test
  void importsTheFixtureRunFolderWithItsFaultsAndFigures() throws Exception {
    Path dir = CatalogFixtures.copy("fault-run", tmp, "fault-run-20261123T100000Z");
    try (var catalog = open()) {
      var recorded = catalog.record(dir, null);
      var found = catalog.find("fault-run-20261123T100000Z").orElseThrow();
      assertThat(found).isEqualTo(recorded);
      assertThat(found.name()).isEqualTo("fault-run");
      assertThat(found.targetCluster()).isEqualTo("local");
      assertThat(found.stack()).isEqualTo("fault-run-20261123T100000Z");
      assertThat(found.runDir()).isEqualTo(dir.toAbsolutePath().toString());
      assertThat(found.seed()).isEqualTo(42);
      var plan = RecordJson.mapper().readTree(dir.resolve("run.json").toFile()).get("plan");
      assertThat(found.planHash()).isEqualTo(PlanJson.hash(plan)).hasSize(64);
      assertThat(found.outcome()).isEqualTo("ok");
      assertThat(found.start()).isEqualTo(Instant.parse("2026-11-23T09:59:45Z"));
      assertThat(found.end()).isEqualTo(Instant.parse("2026-11-23T10:01:00Z"));
      assertThat(found.baselineP99Millis()).isEqualTo(8.0);
      assertThat(found.peakP99Millis()).isEqualTo(250.0);
      assertThat(found.recoverySeconds()).isEqualTo(0.0);
      assertThat(found.dataLossDetected()).isNull();
      assertThat(found.campaign()).isNull();
      assertThat(found.faults()).containsExactly(
          new CatalogFault("kill", "cassandra", "cassandra 2", "node-1", Instant.parse("2026-11-23T10:00:20.003100Z"), null,
              false, "ok"),
          new CatalogFault("cpu", "cassandra", "cassandra 0", "node-1", Instant.parse("2026-11-23T10:00:35.002400Z"),
              Instant.parse("2026-11-23T10:00:45.020Z"), true, "ok"));
    }
  }

  @Test
  void recordingTheSameRunAgainReplacesItsRows() throws Exception {
    Path dir = CatalogFixtures.copy("fault-run", tmp, "r1");
    try (var catalog = open()) {
      catalog.record(dir, null);
      CatalogFixtures.edit(dir, "run.json", "\"outcome\": \"ok\"", "\"outcome\": \"failed\", \"reason\": \"db down\"");
      catalog.record(dir, new CampaignRef("nightly", "kill-db", "kill-db/rep-0"));
      var all = catalog.list(CatalogQuery.all());
      assertThat(all).hasSize(1);
      assertThat(all.get(0).outcome()).isEqualTo("failed");
      assertThat(all.get(0).reason()).isEqualTo("db down");
      assertThat(all.get(0).campaign()).isEqualTo(new CampaignRef("nightly", "kill-db", "kill-db/rep-0"));
      assertThat(all.get(0).faults()).hasSize(2);
    }
  }

  @Test
  void listFiltersByCampaignFaultTypeAndStartNewestFirst() throws Exception {
    var nightly = new CampaignRef("nightly", "g", "k");
    try (var catalog = (JdbcRunCatalog) open()) {
      catalog.put(List.of(
          CatalogFixtures.run("a", DAY.plusSeconds(10), null, "kill"),
          CatalogFixtures.run("b", DAY.plusSeconds(30), nightly, "cpu", "kill"),
          CatalogFixtures.run("c", DAY.plusSeconds(20), nightly, "partition"),
          CatalogFixtures.run("d", DAY.plusSeconds(40), null)));
      assertThat(ids(catalog.list(CatalogQuery.all()))).containsExactly("d", "b", "c", "a");
      assertThat(ids(catalog.list(new CatalogQuery("nightly", null, null, 0)))).containsExactly("b", "c");
      assertThat(ids(catalog.list(new CatalogQuery(null, "kill", null, 0)))).containsExactly("b", "a");
      assertThat(ids(catalog.list(new CatalogQuery(null, null, DAY.plusSeconds(20), 0)))).containsExactly("d", "b", "c");
      assertThat(ids(catalog.list(new CatalogQuery("nightly", "kill", DAY.plusSeconds(20), 0)))).containsExactly("b");
      assertThat(ids(catalog.list(new CatalogQuery(null, null, null, 2)))).containsExactly("d", "b");
      var b = catalog.list(new CatalogQuery(null, "kill", null, 1)).get(0);
      assertThat(b).isEqualTo(CatalogFixtures.run("b", DAY.plusSeconds(30), nightly, "cpu", "kill")); // with every fault
    }
  }

  @Test
  void migrationsRunOnceAndReopeningKeepsTheRuns() throws Exception {
    try (var catalog = (JdbcRunCatalog) open()) {
      catalog.put(List.of(CatalogFixtures.run("a", DAY, null, "kill")));
    }
    try (var catalog = open()) {
      assertThat(ids(catalog.list(CatalogQuery.all()))).containsExactly("a");
    }
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("runs/catalog.db"));
        var rs = c.createStatement().executeQuery(
            "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
      for (String version : List.of("1", "2")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(version);
        assertThat(rs.getBoolean(2)).isTrue();
      }
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void theAuditViewHasEveryFieldOfAFaultInOneRow() throws Exception {
    try (var catalog = (JdbcRunCatalog) open()) {
      catalog.put(List.of(CatalogFixtures.run("a", DAY, new CampaignRef("nightly", "g", "k"), "cpu")));
    }
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("runs/catalog.db"));
        var rs = c.createStatement().executeQuery("SELECT * FROM chaos_experiment_audit")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("experiment_id")).isEqualTo("a");
      assertThat(rs.getString("fault_type")).isEqualTo("cpu");
      assertThat(rs.getString("injected_at")).isEqualTo("2026-12-01T00:00:05.000000Z");
      assertThat(rs.getString("rolled_back_at")).isEqualTo("2026-12-01T00:00:15.000000Z");
      assertThat(rs.getBoolean("was_auto_rolled_back")).isTrue();
      assertThat(rs.getDouble("peak_p99_ms")).isEqualTo(250.5);
      assertThat(rs.getString("campaign")).isEqualTo("nightly");
    }
  }

  @Test
  void aLocationThatIsNoCatalogSaysWhy() throws Exception {
    assertThatThrownBy(() -> Catalogs.open("jdbc:mysql://db/x?password=hunter2", tmp, Map.of()))
        .isInstanceOf(CatalogException.class)
        .hasMessage("catalog jdbc:mysql://db/x?password=***: not a jdbc:postgresql: or jdbc:sqlite: URL (nor a file path);"
            + " the catalog is an SQLite file or a PostgreSQL database");
    Files.createDirectories(tmp.resolve("folder"));
    assertThatThrownBy(() -> Catalogs.open(tmp.resolve("folder").toString(), tmp, Map.of()))
        .hasMessage("catalog " + tmp.resolve("folder") + ": is a folder; name a file, e.g. " + tmp.resolve("folder/catalog.db"));
    int port;
    try (var s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/reprise?user=reprise&password=hunter2&connectTimeout=5";
    assertThatThrownBy(() -> Catalogs.open(url, tmp, Map.of()))
        .isInstanceOf(CatalogException.class)
        .hasMessageStartingWith("catalog jdbc:postgresql://127.0.0.1:" + port + "/reprise?user=reprise&password=***&connectTimeout=5: ")
        .hasMessageContaining("refused")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void theLocationIsTheOptionElseTheEnvironmentElseOutCatalogDb() {
    assertThat(Catalogs.resolve("x.db", Path.of("out"), Map.of(Catalogs.ENV, "env.db"))).isEqualTo("x.db");
    assertThat(Catalogs.resolve(null, Path.of("out"), Map.of(Catalogs.ENV, "env.db"))).isEqualTo("env.db");
    assertThat(Catalogs.resolve(" ", Path.of("out"), Map.of())).isEqualTo(Path.of("out/catalog.db").toString());
    assertThat(Catalogs.sqliteFile("jdbc:sqlite:/a/b.db")).contains(Path.of("/a/b.db"));
    assertThat(Catalogs.sqliteFile("jdbc:postgresql://h/db")).isEmpty();
    assertThat(Catalogs.redact("jdbc:postgresql://bob:secret@h/db")).isEqualTo("jdbc:postgresql://bob:***@h/db");
  }

  private static List<String> ids(List<CatalogRun> runs) {
    return runs.stream().map(CatalogRun::runId).toList();
  }
}
