package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.fdsl.record.RecordJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CampaignReportCommandTest {
  private static final Instant START = Instant.parse("2026-11-23T22:00:00Z");

  /** Runs {@code master ARGS} through {@link MasterCli}'s command line, as the binary does. */
  static ExportCommandTest.Execution master(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new MasterCli());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new ExportCommandTest.Execution(exit, out.toString(), err.toString());
  }

  private static CampaignManifest.Run run(String key, boolean baseline, String runDir) {
    return new CampaignManifest.Run(key, "kill", baseline, 0, Map.of("rate", "200"), 7, "ab".repeat(32),
        CampaignManifest.Run.FINISHED, List.of(new CampaignManifest.Attempt(runDir, Path.of(runDir).getFileName().toString(),
            START, START.plusSeconds(40), "ok", null)));
  }

  @Test
  void rebuildsTheReportOfACampaignFolderAndWarnsAboutMissingRuns(@TempDir Path tmp) throws IOException {
    Path campaign = Files.createDirectories(tmp.resolve("night"));
    ExportCommandTest.run(campaign.resolve("runs"), "base", s -> 1000, -1);
    ExportCommandTest.run(campaign.resolve("runs"), "fault", s -> s >= 12 && s < 15 ? 100 : 1000, 12);
    CampaignManifest m = new CampaignManifest(CampaignManifest.FORMAT, "night", null, START, START.plusSeconds(200),
        CampaignManifest.DONE, null, List.of(new CampaignManifest.Group("kill", "kill.yaml", "faults-off", 1)),
        List.of(run("kill/rate=200/baseline/rep-0", true, "runs/base"), run("kill/rate=200/rep-0", false, "runs/fault"),
            run("kill/rate=200/rep-1", false, "runs/gone")));
    Files.writeString(campaign.resolve("campaign.json"), RecordJson.mapper().writeValueAsString(m));

    var e = master("campaign-report", campaign.toString());

    assertThat(e.exit()).as(e.err()).isEqualTo(ExitCodes.OK);
    assertThat(e.out()).contains("wrote " + campaign.resolve("campaign.html").toAbsolutePath())
        .contains("wrote " + campaign.resolve("campaign.csv").toAbsolutePath());
    assertThat(e.err()).contains("warning: kill/rate=200/rep-1: run folder runs/gone is missing");
    List<String> csv = Files.readAllLines(campaign.resolve("campaign.csv"));
    assertThat(csv).hasSize(4);
    assertThat(csv.get(0)).startsWith("key,group,baseline,repetition,param.rate,seed,plan_hash");
    assertThat(csv.get(2)).startsWith("kill/rate=200/rep-0,kill,false,0,200,7,");
    assertThat(Files.readString(campaign.resolve("campaign.html"))).contains("Reprise campaign: night");
  }

  @Test
  void aFolderWithoutCampaignJsonExitsTwo(@TempDir Path tmp) {
    var e = master("campaign-report", tmp.toString());
    assertThat(e.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(e.err()).startsWith("error: " + tmp.resolve("campaign.json") + ": missing").doesNotContain("Exception");
    assertThat(master("campaign-report", "--drop-threshold", "2", tmp.toString()).exit()).isEqualTo(ExitCodes.INVALID_INPUT);
  }

  @Test
  void helpNamesTheCommand() {
    var e = master("campaign-report", "--help");
    assertThat(e.exit()).isZero();
    assertThat(e.out()).contains("Usage: master campaign-report").contains("CAMPAIGN_DIR");
  }
}
