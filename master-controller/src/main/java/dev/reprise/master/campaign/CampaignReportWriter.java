package dev.reprise.master.campaign;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the campaign's morning report ({@code campaign.html}, {@code campaign.csv}) into the
 * campaign folder from its {@code campaign.json} and the run folders it names. Called when a
 * campaign ends (done, stopped or interrupted); its failure is a warning, not the campaign's.
 */
@FunctionalInterface
public interface CampaignReportWriter {
  void write(Path campaignDir) throws IOException;
}
