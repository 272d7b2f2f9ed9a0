package dev.reprise.export.campaign;

import dev.reprise.fdsl.record.CampaignManifest;
import java.util.List;

/**
 * One row of the report: a run of the manifest, its counting attempt and what its folder says.
 *
 * @param run the manifest's run
 * @param attempt its counting (last) attempt; null when it never started
 * @param outcome the attempt's outcome, else the run's state ({@code pending}, {@code running})
 * @param durationSeconds the attempt's end − start; null while it runs or when cut off
 * @param runDir the run folder relative to the campaign folder, '/'-separated; null when none
 * @param report the run's {@code report.html} relative to the campaign folder, '/'-separated; null when missing
 * @param figures null when the run folder could not be read (or there is none)
 * @param problems why figures or the report are missing, one sentence each
 */
record RunRow(
    CampaignManifest.Run run,
    CampaignManifest.Attempt attempt,
    String outcome,
    Double durationSeconds,
    String runDir,
    String report,
    RunFigures figures,
    List<String> problems) {

  static final String OK = "ok";

  RunRow {
    problems = List.copyOf(problems);
  }

  /** True when the counting attempt finished with outcome ok: only such runs enter the statistics. */
  boolean ok() {
    return OK.equals(outcome);
  }
}
