package dev.reprise.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.export.campaign.CampaignReport;
import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.fdsl.record.RecordJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens campaign.html from disk in headless Chromium (no network): it loads without a console
 * message and every figure's plot is in the DOM as SVG.
 */
class CampaignChromiumIT {
  @Test
  void theCampaignReportOpensInHeadlessChromiumWithoutConsoleMessages(@TempDir Path tmp) throws Exception {
    Path campaign = Files.createDirectories(tmp.resolve("night"));
    Instant start = Instant.parse("2026-11-23T22:00:00Z");
    List<CampaignManifest.Run> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      boolean baseline = i == 0;
      String dir = "runs/" + i;
      Fixtures.copy(baseline ? "baseline-run" : "fault-run", Files.createDirectories(campaign.resolve("runs")));
      Files.move(campaign.resolve("runs").resolve(baseline ? "baseline-run" : "fault-run"), campaign.resolve(dir));
      runs.add(new CampaignManifest.Run("kill/" + (baseline ? "baseline/" : "") + "rep-" + i, "kill", baseline, i,
          Map.of("rate", "200"), i, "ab".repeat(32), CampaignManifest.Run.FINISHED,
          List.of(new CampaignManifest.Attempt(dir, String.valueOf(i), start, start.plusSeconds(80), "ok", null))));
    }
    new Exporter().export(campaign.resolve("runs/1"));
    CampaignManifest m = new CampaignManifest(CampaignManifest.FORMAT, "night", null, start, start.plusSeconds(400),
        CampaignManifest.DONE, null, List.of(new CampaignManifest.Group("kill", "kill.yaml", "faults-off", 3)), runs);
    Files.writeString(campaign.resolve(CampaignReport.MANIFEST), RecordJson.mapper().writeValueAsString(m));
    Path html = CampaignReport.write(campaign).get(0);

    Chromium.Page page = Chromium.loadWithConsole(html, tmp);
    assertThat(page.console()).isEmpty();
    assertThat(page.dom()).contains("id=\"plot-campaign-firing-error-p99-ms\"").contains("id=\"plot-campaign-recovery-s\"")
        .contains("href=\"runs/1/export/report.html\"");
    assertThat(page.dom().split("<svg", -1)).hasSize(1 + 5);
  }
}
