package dev.reprise.export.campaign;

import dev.reprise.export.ActionFiring;
import dev.reprise.export.Comparison;
import dev.reprise.export.Exporter;
import dev.reprise.export.FaultWindow;
import dev.reprise.export.InvalidRunFolderException;
import dev.reprise.export.RunFolder;
import dev.reprise.export.Thresholds;
import dev.reprise.export.TimelineAnalysis;
import dev.reprise.export.WorkloadSeries;
import dev.reprise.fdsl.record.CampaignManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads the run folders a manifest names and derives each run's {@link RunFigures}: the firing
 * error from its timeline ({@link TimelineAnalysis}), throughput and error rate from its workload
 * lines, and — for a fault run whose group has baseline runs — throughput dip and recovery time
 * from {@link Comparison} against those baselines.
 *
 * <p>A fault run's baselines: the runs of its group marked baseline whose counting attempt ended
 * ok, whose folder has workload lines, and whose every parameter has the fault run's value (a
 * baseline without a parameter matches any value of it); of those, the ones naming the most
 * parameters. Several baselines are pooled into one reference series (each one's seconds after the
 * warm-up, one after the other), so the reference throughput is the median over all of them.
 */
final class CampaignRows {
  private CampaignRows() {}

  /** What one readable run folder holds that the figures need. */
  private record Loaded(String name, WorkloadSeries workload, TimelineAnalysis timeline) {}

  static List<RunRow> of(Path campaignDir, CampaignManifest manifest, Thresholds thresholds) {
    int n = manifest.runs().size();
    List<CampaignManifest.Run> runs = manifest.runs();
    Loaded[] loaded = new Loaded[n];
    List<List<String>> problems = new ArrayList<>();
    String[] dirs = new String[n];
    String[] reports = new String[n];
    for (int i = 0; i < n; i++) {
      List<String> p = new ArrayList<>();
      problems.add(p);
      CampaignManifest.Attempt a = runs.get(i).last();
      if (a == null) {
        continue;
      }
      if (a.runDir() == null || a.runDir().isBlank()) {
        if (a.outcome() != null) {
          p.add("no run folder");
        }
        continue;
      }
      Path dir;
      try {
        dir = campaignDir.resolve(a.runDir()).normalize();
      } catch (InvalidPathException e) {
        p.add("run folder " + a.runDir() + " is not a valid path: " + e.getMessage());
        continue;
      }
      dirs[i] = slashes(relative(campaignDir, dir));
      if (!Files.isDirectory(dir)) {
        p.add("run folder " + dirs[i] + " is missing");
        continue;
      }
      Path report = dir.resolve(Exporter.DEFAULT_OUT).resolve(Exporter.REPORT);
      if (Files.isRegularFile(report)) {
        reports[i] = slashes(relative(campaignDir, report));
      } else {
        p.add("no " + Exporter.DEFAULT_OUT + "/" + Exporter.REPORT + " in " + dirs[i] + " (master export " + dirs[i] + " writes it)");
      }
      try {
        loaded[i] = load(dir);
      } catch (InvalidRunFolderException e) {
        p.add(e.getMessage());
      } catch (IOException | UncheckedIOException e) {
        p.add("reading " + dirs[i] + " failed: " + e.getMessage());
      } catch (RuntimeException e) {
        // a run folder no reader expected is this run's problem, not the whole report's
        p.add("reading " + dirs[i] + " failed: " + e);
      }
    }
    List<RunRow> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      CampaignManifest.Run run = runs.get(i);
      CampaignManifest.Attempt a = run.last();
      RunFigures figures = null;
      if (loaded[i] != null) {
        List<Integer> baselines = run.baseline() ? List.of() : baselinesOf(i, runs, loaded);
        figures = figures(loaded[i], baselines.stream().map(b -> loaded[b]).toList(), thresholds);
        if (!run.baseline() && !loaded[i].workload().present()) {
          problems.get(i).add("no workload lines in the run's logs: no throughput, error rate, dip or recovery");
        } else if (!run.baseline() && baselines.isEmpty() && hasBaselines(run, runs)) {
          problems.get(i).add("no baseline run of group " + run.group()
              + " with these parameters ended ok with workload lines: no dip or recovery");
        }
      }
      rows.add(new RunRow(run, a, outcome(run), duration(a), dirs[i], reports[i], figures, problems.get(i)));
    }
    return rows;
  }

  private static Path relative(Path base, Path p) {
    return base.toAbsolutePath().normalize().relativize(p.toAbsolutePath().normalize());
  }

  static String slashes(Path p) {
    return p.toString().replace(p.getFileSystem().getSeparator(), "/");
  }

  private static String outcome(CampaignManifest.Run run) {
    CampaignManifest.Attempt a = run.last();
    if (a != null && a.outcome() != null) {
      return a.outcome();
    }
    return run.state() == null ? CampaignManifest.Run.PENDING : run.state();
  }

  private static Double duration(CampaignManifest.Attempt a) {
    if (a == null || a.start() == null || a.end() == null) {
      return null;
    }
    return Duration.between(a.start(), a.end()).toNanos() / 1e9;
  }

  private static Loaded load(Path dir) throws IOException {
    RunFolder run = RunFolder.read(dir);
    WorkloadSeries.Builder b = WorkloadSeries.Builder.forRun(run);
    run.forEachLog(b::accept);
    return new Loaded(run.name(), b.build(), TimelineAnalysis.of(run));
  }

  private static boolean hasBaselines(CampaignManifest.Run run, List<CampaignManifest.Run> runs) {
    return runs.stream().anyMatch(r -> r.baseline() && r.group().equals(run.group()));
  }

  /** Indexes of the runs {@code i} is compared with (see the class comment). */
  private static List<Integer> baselinesOf(int i, List<CampaignManifest.Run> runs, Loaded[] loaded) {
    CampaignManifest.Run run = runs.get(i);
    List<Integer> best = new ArrayList<>();
    int bestSize = -1;
    for (int j = 0; j < runs.size(); j++) {
      CampaignManifest.Run b = runs.get(j);
      if (!b.baseline() || !b.group().equals(run.group()) || loaded[j] == null || !loaded[j].workload().present()
          || !RunRow.OK.equals(outcome(b)) || !matches(b.parameters(), run.parameters())) {
        continue;
      }
      if (b.parameters().size() > bestSize) {
        best.clear();
        bestSize = b.parameters().size();
      }
      if (b.parameters().size() == bestSize) {
        best.add(j);
      }
    }
    return best;
  }

  private static boolean matches(Map<String, String> baseline, Map<String, String> run) {
    return baseline.entrySet().stream().allMatch(e -> e.getValue().equals(run.get(e.getKey())));
  }

  static RunFigures figures(Loaded run, List<Loaded> baselines, Thresholds t) {
    double[] firing = run.timeline().actions().stream().map(ActionFiring::errorMillis)
        .filter(e -> e != null).mapToDouble(e -> Math.abs(e)).toArray();
    Double firingP99 = Statistics.percentile(firing, 99);
    List<FaultWindow> faults = run.timeline().injectedFaults();
    WorkloadSeries rw = run.workload();
    if (!rw.present()) {
      return new RunFigures(firingP99, null, null, null, null, null, faults.size(), null, null, 0);
    }
    if (baselines.isEmpty()) {
      // the run's own summary; without a reference there are no anomalies, dips or recoveries
      Comparison.Summary s = Comparison.of("", WorkloadSeries.of(new double[0], null, null, null, null), run.name(), rw,
          List.of(), t).runSummary();
      return new RunFigures(firingP99, s.throughput(), pct(s.errorRate()), null, null, null, faults.size(), null, null, 0);
    }
    WorkloadSeries reference = baselines.size() == 1 ? baselines.get(0).workload() : pooled(baselines, t);
    String name = baselines.size() == 1 ? baselines.get(0).name() : baselines.size() + " baseline runs";
    Comparison c = Comparison.of(name, reference, run.name(), rw, faults, t);
    Double recovery = null;
    int unrecovered = 0;
    for (Comparison.Recovery r : c.recoveries()) {
      if (!r.recovered()) {
        unrecovered++;
      } else if (recovery == null || r.recoverySeconds() > recovery) {
        recovery = r.recoverySeconds();
      }
    }
    if (unrecovered > 0) {
      recovery = null;
    }
    int anomalous = c.anomalies().stream().mapToInt(Comparison.AnomalyWindow::length).sum();
    return new RunFigures(firingP99, c.runSummary().throughput(), pct(c.runSummary().errorRate()),
        c.referenceThroughput(), dip(rw, c.referenceThroughput(), t), recovery, faults.size(), unrecovered, anomalous,
        baselines.size());
  }

  /**
   * The deepest drop below {@code reference}, in % of it, over the seconds {@link Comparison}
   * analyses: after the warm-up up to the run's last reported second, a second no client reported
   * counting as 0 ops/s (as it does there).
   */
  static Double dip(WorkloadSeries w, Double reference, Thresholds t) {
    Double fraction = Comparison.throughputDip(w, reference, t);
    return fraction == null ? null : fraction * 100;
  }

  /** The baselines' seconds after the warm-up one after the other, behind one warm-up of unreported seconds. */
  private static WorkloadSeries pooled(List<Loaded> baselines, Thresholds t) {
    int warm = (int) Math.ceil(t.warmupSeconds());
    int length = warm;
    for (Loaded b : baselines) {
      length += Math.max(0, b.workload().seconds() - warm);
    }
    double[] ok = new double[length];
    double[] errors = new double[length];
    double[] p50 = new double[length];
    double[] p95 = new double[length];
    double[] p99 = new double[length];
    for (double[] a : List.of(ok, errors, p50, p95, p99)) {
      Arrays.fill(a, 0, warm, Double.NaN);
    }
    int at = warm;
    for (Loaded b : baselines) {
      WorkloadSeries w = b.workload();
      for (int k = warm; k < w.seconds(); k++, at++) {
        boolean reported = w.reported(k);
        ok[at] = reported ? w.ok()[k] : Double.NaN;
        errors[at] = reported ? w.errors()[k] : Double.NaN;
        p50[at] = w.p50()[k];
        p95[at] = w.p95()[k];
        p99[at] = w.p99()[k];
      }
    }
    return WorkloadSeries.of(ok, errors, p50, p95, p99);
  }

  private static Double pct(Double fraction) {
    return fraction == null ? null : fraction * 100;
  }
}
