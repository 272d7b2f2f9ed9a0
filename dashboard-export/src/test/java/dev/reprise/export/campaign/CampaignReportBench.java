package dev.reprise.export.campaign;

import dev.reprise.fdsl.record.CampaignManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Benchmark main for bench/campaign-bench.sh (not a test): writes a synthetic campaign of RUNS runs
 * into DIR and times {@link CampaignReport#write}. Groups of 12 runs (one parameter combination:
 * 2 baselines + 10 fault repetitions) in 4 groups × 2 rates; the remainder is left pending.
 * {@code fixtures}: every run folder is a copy of dashboard-export's 60 s fixture run (fault-run or
 * baseline-run: 5 containers, stats, host stats, logs); {@code synthetic}: small 60 s runs whose
 * outage and firing error vary per repetition (for looking at the plots).
 *
 * <p>Usage: {@code CampaignReportBench DIR [RUNS=100] [fixtures|synthetic]}
 */
public final class CampaignReportBench {
  private CampaignReportBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    boolean synthetic = args.length > 2 && args[2].equals("synthetic");
    CampaignFixture f = new CampaignFixture(dir).state(CampaignManifest.DONE);
    String[] groups = {"kill-db", "pause-db", "partition", "cpu-hog"};
    for (String g : groups) {
      f.group(g, "faults-off", 10);
    }
    Random random = new Random(42);
    int n = 0;
    for (int c = 0; n < runs; c++) {
      String group = groups[c / 2 % groups.length];
      String rate = c % 2 == 0 ? "200" : "400";
      Map<String, String> params = Map.of("rate", rate);
      for (int i = 0; i < 12 && n < runs; i++, n++) {
        boolean baseline = i < 2;
        int rep = baseline ? i : i - 2;
        String key = group + "/rate=" + rate + (baseline ? "/baseline" : "") + "/rep-" + rep + (c >= 8 ? "/x" + c : "");
        String runDir = "runs/" + key.replace('/', '_');
        if (n >= 96) {
          f.run(key, group, baseline, rep, params, CampaignManifest.Run.PENDING);
          continue;
        }
        if (synthetic) {
          int base = Integer.parseInt(rate) + c * 20;
          int outage = 2 + random.nextInt(3 + c);
          int low = base / (2 + c % 3);
          f.syntheticRun(runDir, baseline ? k -> base : k -> k >= 20 && k < 20 + outage ? low : base,
              baseline ? null : 2 + random.nextGaussian() * (1 + c) + 5 * c);
        } else {
          f.copyFixture(baseline ? "baseline-run" : "fault-run", runDir);
        }
        f.finished(key, group, baseline, rep, params, runDir);
      }
    }
    f.write();
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 1; round <= 3; round++) {
      long t0 = System.nanoTime();
      long c0 = threads.getCurrentThreadCpuTime();
      var files = CampaignReport.write(dir);
      long t1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      System.out.printf("round %d: CampaignReport.write of %d runs: %.2f s wall, %.2f s CPU; campaign.html %d KiB, "
          + "campaign.csv %d KiB%n", round, runs, (t1 - t0) / 1e9, (c1 - c0) / 1e9, Files.size(files.get(0)) / 1024,
          Files.size(files.get(1)) / 1024);
    }
  }
}
