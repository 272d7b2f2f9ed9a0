package dev.reprise.master.cli;

import dev.reprise.export.Thresholds;
import dev.reprise.export.campaign.CampaignReport;
import dev.reprise.export.campaign.InvalidCampaignFolderException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code master campaign-report CAMPAIGN_DIR [thresholds]}: (re)builds the morning report of a
 * campaign — {@code campaign.html} and {@code campaign.csv} in the campaign folder — from its
 * {@code campaign.json} and the run folders it names; works on a finished, stopped, interrupted or
 * still running campaign. Reads nothing else.
 *
 * <p>Exit codes: 0 written (runs with problems — a missing run folder, no workload lines — are rows
 * saying so, and {@code warning:} lines on stderr); 2 CAMPAIGN_DIR is not a campaign folder or a
 * threshold is out of range; 1 reading or writing failed.
 */
@Command(name = "campaign-report", mixinStandardHelpOptions = true,
    description = "Rebuild a campaign's campaign.html and campaign.csv from its campaign.json and run folders.")
public final class CampaignReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CAMPAIGN_DIR", description = "The campaign folder `master campaign` wrote (holds campaign.json).")
  Path campaignDir;

  @Mixin ThresholdOptions thresholdOptions = new ThresholdOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    try {
      Thresholds thresholds;
      try {
        thresholds = thresholdOptions.thresholds();
      } catch (IllegalArgumentException e) {
        stderr.println("error: " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      }
      CampaignReport.Result result = CampaignReport.report(campaignDir, thresholds);
      for (String p : result.problems()) {
        stderr.println("warning: " + p);
      }
      for (Path f : result.files()) {
        stdout.println("wrote " + f.toAbsolutePath());
      }
      return ExitCodes.OK;
    } catch (InvalidCampaignFolderException e) {
      e.getMessage().lines().forEach(l -> stderr.println("error: " + l));
      return ExitCodes.INVALID_INPUT;
    } catch (IOException e) {
      stderr.println("error: building the report of " + campaignDir + " failed: " + e);
      return ExitCodes.RUN_FAILED;
    } finally {
      stdout.flush();
      stderr.flush();
    }
  }
}
