package dev.reprise.master.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.master.catalog.RunCatalog.CampaignRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a run folder becomes a catalog row: one test per rule of {@link RunFolderReader}. */
class RunFolderReaderTest {
  @TempDir Path tmp;

  @Test
  void aHealBeforeThePlannedEndWasNotAutomatic() throws Exception {
    Path dir = CatalogFixtures.copy("fault-run", tmp, "r");
    // the CPU burn (planned 10:00:35 + 10 s) healed at 10:00:40 by an abort
    CatalogFixtures.edit(dir, "timeline.jsonl", "\"actual\":\"2026-11-23T10:00:45.020000Z\"", "\"actual\":\"2026-11-23T10:00:40.000000Z\"");
    var cpu = RunFolderReader.read(dir, null).faults().get(1);
    assertThat(cpu.faultType()).isEqualTo("cpu");
    assertThat(cpu.rolledBackAt()).isEqualTo(Instant.parse("2026-11-23T10:00:40Z"));
    assertThat(cpu.wasAutoRolledBack()).isFalse();
  }

  @Test
  void aFailedHealIsNoRollBack() throws Exception {
    Path dir = CatalogFixtures.copy("fault-run", tmp, "r");
    CatalogFixtures.edit(dir, "timeline.jsonl", "\"actual\":\"2026-11-23T10:00:45.020000Z\",\"host\":\"node-1\",\"outcome\":\"ok\"",
        "\"actual\":\"2026-11-23T10:00:45.020000Z\",\"host\":\"node-1\",\"outcome\":\"failed\",\"error\":\"heal failed: gone\"");
    var cpu = RunFolderReader.read(dir, null).faults().get(1);
    assertThat(cpu.rolledBackAt()).isNull();
    assertThat(cpu.wasAutoRolledBack()).isFalse();
  }

  @Test
  void aMultiHostRunIsOnItsManagersCluster() throws Exception {
    Path dir = CatalogFixtures.copy("fault-run", tmp, "r");
    Files.createDirectories(dir.resolve("hosts/node-1"));
    assertThat(RunFolderReader.read(dir, null).targetCluster()).isEqualTo("node-1");
    assertThat(RunFolderReader.read(CatalogFixtures.copy("fault-run", tmp, "local"), null).targetCluster()).isEqualTo("local");
  }

  @Test
  void aRunOfACampaignFolderFindsItsCampaignInCampaignJson() throws Exception {
    Path campaign = Files.createDirectories(tmp.resolve("nightly"));
    Path dir = CatalogFixtures.copy("fault-run", campaign, "r-7");
    Files.writeString(campaign.resolve("campaign.json"), """
        {"format":1,"name":"nightly","state":"done","runs":[
          {"key":"kill-db/rep-0","group":"kill-db","repetition":0,"seed":1,"state":"finished",
           "attempts":[{"run_dir":"r-6","run_id":"r-6"}]},
          {"key":"kill-db/rep-1","group":"kill-db","repetition":1,"seed":2,"state":"finished",
           "attempts":[{"run_dir":"r-7","run_id":"r-7"}]}]}
        """);
    assertThat(RunFolderReader.read(dir, null).campaign()).isEqualTo(new CampaignRef("nightly", "kill-db", "kill-db/rep-1"));
    assertThat(RunFolderReader.read(dir, new CampaignRef("c", "g", "k")).campaign()).isEqualTo(new CampaignRef("c", "g", "k"));
  }

  @Test
  void aRunWithoutFaultsOrWorkloadHasNoFigures() throws Exception {
    var run = RunFolderReader.read(CatalogFixtures.copy("baseline-run", tmp, "b"), null);
    assertThat(run.faults()).isEmpty();
    assertThat(run.recoverySeconds()).isNull();
  }

  @Test
  void dataLossComesFromTheGeneratorsFinalLogWhenItCarriesIt() throws Exception {
    Path dir = CatalogFixtures.copy("fault-run", tmp, "r");
    assertThat(RunFolderReader.read(dir, null).dataLossDetected()).as("no verification: unknown").isNull();
    Files.writeString(dir.resolve("logs/client.0.jsonl"), "{\"time\":\"2026-11-23T10:01:00Z\",\"service\":\"client\",\"id\":0,"
        + "\"container\":\"c100\",\"stream\":\"stderr\",\"line\":\"{\\\"type\\\":\\\"traffic_summary\\\","
        + "\\\"data_loss_detected\\\":true,\\\"writes_lost\\\":4}\"}\n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(RunFolderReader.read(dir, null).dataLossDetected()).isTrue();
  }

  @Test
  void aFolderThatIsNoRunFolderSaysWhatIsMissing() throws Exception {
    assertThatThrownBy(() -> RunFolderReader.read(tmp.resolve("nope"), null))
        .isInstanceOf(CatalogException.class).hasMessage(tmp.resolve("nope") + " is not a run folder (no such folder)");
    Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> RunFolderReader.read(tmp.resolve("empty"), null))
        .hasMessage(tmp.resolve("empty") + " is not a run folder (no run.json in it)");
    Path bad = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(bad.resolve("run.json"), "{\n  \"run_id\": \"x\",\n  \"seed\": [1\n}\n");
    assertThatThrownBy(() -> RunFolderReader.read(bad, null)).hasMessageStartingWith(bad.resolve("run.json") + ":3:");
  }
}
