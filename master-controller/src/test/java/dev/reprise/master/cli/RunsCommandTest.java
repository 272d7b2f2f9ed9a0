package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.master.catalog.CatalogFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code master runs list|show|import} against a real SQLite catalog in a temporary folder. */
class RunsCommandTest {
  @TempDir Path tmp;

  record Execution(int exit, String out, String err) {}

  private Execution runs(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--catalog", tmp.resolve("catalog.db").toString()));
    var cli = new CommandLine(new MasterCli());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = MasterCli.configure(cli, false).execute(all.toArray(String[]::new));
    return new Execution(exit, out.toString(), err.toString());
  }

  @Test
  void importRecordsGoodFoldersAndNamesEachBadOneInALine() throws Exception {
    Path good = CatalogFixtures.copy("fault-run", tmp, "fault-run-20261123T100000Z");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    var e = runs("runs", "import", empty.toString(), good.toString(), tmp.resolve("nope").toString());
    assertThat(e.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(e.out()).isEqualTo("imported fault-run-20261123T100000Z (ok, 2 fault(s)) from " + good + "\n");
    assertThat(e.err()).isEqualTo("error: " + empty + " is not a run folder (no run.json in it)\n"
        + "error: " + tmp.resolve("nope") + " is not a run folder (no such folder)\n"
        + "imported 1 run(s) into " + tmp.resolve("catalog.db") + "; 2 failed\n");
    assertThat(runs("runs", "import", good.toString()).exit()).isZero();
  }

  @Test
  void importFindsTheRunFoldersInAFolderOfThem() {
    Path parent = tmp.resolve("old-runs");
    CatalogFixtures.copy("fault-run", parent, "a");
    CatalogFixtures.copy("baseline-run", parent.resolve("nightly"), "b");
    var e = runs("runs", "import", parent.toString());
    assertThat(e.exit()).isZero();
    assertThat(e.out()).contains("imported a (ok, 2 fault(s))", "imported b (ok, 0 fault(s))");
  }

  @Test
  void listShowsOneLinePerRunNewestFirstAndFilters() {
    CatalogFixtures.copy("fault-run", tmp, "a");
    CatalogFixtures.copy("baseline-run", tmp, "b");
    runs("runs", "import", tmp.resolve("a").toString(), tmp.resolve("b").toString());
    var e = runs("runs", "list");
    assertThat(e.exit()).isZero();
    var lines = e.out().lines().toList();
    assertThat(lines.get(0)).startsWith("STARTED").contains("RUN", "OUTCOME", "CLUSTER", "FAULTS", "RECOVERY", "CAMPAIGN");
    assertThat(lines).hasSize(3);
    assertThat(String.join("\n", lines)).contains("a  ", "cpu ×1, kill ×1", "8.0 / 250.0", "0.0 s");
    assertThat(runs("runs", "list", "--fault", "kill").out().lines().toList()).hasSize(2);
    assertThat(runs("runs", "list", "--fault", "partition").out()).isEmpty();
    assertThat(runs("runs", "list", "--since", "2100-01-01").out()).isEmpty();
  }

  @Test
  void listAndShowAsJson() throws Exception {
    CatalogFixtures.copy("fault-run", tmp, "a");
    runs("runs", "import", tmp.resolve("a").toString());
    JsonNode list = RecordJson.mapper().readTree(runs("runs", "list", "--json").out());
    assertThat(list.size()).isEqualTo(1);
    assertThat(list.get(0).path("run_id").asText()).isEqualTo("a");
    assertThat(list.get(0).path("faults").get(1).path("was_auto_rolled_back").asBoolean()).isTrue();
    JsonNode one = RecordJson.mapper().readTree(runs("runs", "show", "a", "--json").out());
    assertThat(one).isEqualTo(list.get(0));
    var text = runs("runs", "show", tmp.resolve("a").toString());
    assertThat(text.exit()).isZero();
    assertThat(text.out()).contains("run:               a", "target cluster:    local",
        "  cpu on cassandra 0 @node-1: ok, injected 2026-11-23T10:00:35.002400Z, rolled back 2026-11-23T10:00:45.020Z (planned)",
        "  kill on cassandra 2 @node-1: ok, injected 2026-11-23T10:00:20.003100Z, not rolled back");
  }

  @Test
  void badArgumentsAreCleanErrorsWithExit2() {
    var e = runs("runs", "list", "--fault", "kil", "--since", "yesterday");
    assertThat(e.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(e.err()).contains("error: --since yesterday: neither an instant (2026-12-01T10:00:00Z), a date (2026-12-01)"
        + " nor a duration ago (90m, 24h, 7d, 2w)", "error: --fault kil: no such fault type (did you mean 'kill'?)");
    var show = runs("runs", "show", "nope");
    assertThat(show.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(show.err()).startsWith("error: no run nope: no catalog at ");
    assertThat(show.err()).doesNotContain("Exception");
  }

  @Test
  void listWithoutACatalogYetSaysSo() {
    var e = runs("runs", "list");
    assertThat(e.exit()).isZero();
    assertThat(e.out()).isEmpty();
    assertThat(e.err()).startsWith("no runs: no catalog at " + tmp.resolve("catalog.db") + " yet");
  }

  @Test
  void sinceTakesInstantsDatesAndDurationsAgo() {
    Instant now = Instant.parse("2026-12-03T12:00:00Z");
    assertThat(RunsCommand.since("24h", now)).isEqualTo(Instant.parse("2026-12-02T12:00:00Z"));
    assertThat(RunsCommand.since("7d", now)).isEqualTo(Instant.parse("2026-11-26T12:00:00Z"));
    assertThat(RunsCommand.since("90m", now)).isEqualTo(Instant.parse("2026-12-03T10:30:00Z"));
    assertThat(RunsCommand.since("PT36H", now)).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
    assertThat(RunsCommand.since("2026-12-01", now)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(RunsCommand.since("2026-12-01T10:00:00Z", now)).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    assertThatThrownBy(() -> RunsCommand.since("7 days", now)).isInstanceOf(IllegalArgumentException.class);
  }
}
