package dev.reprise.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reprise.fdsl.model.Budget;
import dev.reprise.fdsl.parse.ExpectParser;
import dev.reprise.fdsl.record.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The public entry point of run comparison ({@code master compare BASELINE RUN}): reads both run
 * folders, compares the run's client workload with the baseline's ({@link Comparison}) and writes
 * {@code comparison.json} and a self-contained side-by-side {@code comparison.html}.
 *
 * <p>Reads the run folders only. Stateless and thread-safe; runs on the caller's thread.
 */
public final class RunComparison {
  public static final String JSON_FILE = "comparison.json";
  public static final String HTML_FILE = "comparison.html";

  /**
   * How to compare.
   *
   * @param thresholds when a second is anomalous
   * @param budgets the budgets to judge the run against; null: those of the run's scenario
   *     ({@code environment.expect} in the copy its {@code run.json} holds)
   * @param modelSummary where to ask for {@code summary.ai.md}; null: not asked
   */
  public record Options(Thresholds thresholds, List<Budget> budgets, ModelSummary.Settings modelSummary) {
    public static Options of(Thresholds thresholds) {
      return new Options(thresholds, null, null);
    }
  }

  /**
   * The result plus the files written.
   *
   * @param facts the comparison with the dip, data loss and verdict (what the summaries say)
   * @param summary {@code summary.md}
   * @param charts the PNG and SVG files of the throughput and bar charts
   * @param modelSummary {@code summary.ai.md} when it was asked for and written
   */
  public record Result(Comparison comparison, Path json, Path html, List<String> warnings, ComparisonFacts facts, Path summary,
      List<Path> charts, Optional<Path> modelSummary) {
    public Result {
      warnings = List.copyOf(warnings);
      charts = List.copyOf(charts);
    }

    public Verdict verdict() {
      return facts.verdict();
    }
  }

  /** {@link #compare(Path, Path, Path, Options)} with the run scenario's budgets and no model summary. */
  public Result compare(Path baselineDir, Path runDir, Thresholds thresholds, Path outDir) throws IOException {
    return compare(baselineDir, runDir, outDir, Options.of(thresholds));
  }

  /**
   * Compares {@code runDir} with {@code baselineDir}, judges it against the budgets, and writes
   * {@code comparison.json}, {@code comparison.html}, {@code summary.md}, the charts (and
   * {@code summary.ai.md} when asked) into {@code outDir} (created if missing).
   *
   * @throws InvalidRunFolderException when either folder is not a run folder; the message says which and why
   * @throws InvalidBudgetsException when the run's scenario has budgets that cannot be read
   * @throws IOException when reading or writing fails
   */
  public Result compare(Path baselineDir, Path runDir, Path outDir, Options options) throws IOException {
    Thresholds thresholds = options.thresholds();
    RunFolder baseline = RunFolder.read(baselineDir);
    RunFolder run = RunFolder.read(runDir);
    List<Budget> budgets = options.budgets() != null ? options.budgets() : budgets(run, runDir);
    WorkloadSeries bw = workload(baseline);
    DataLoss.Collector lossCollector = new DataLoss.Collector();
    WorkloadSeries rw = workload(run, lossCollector);
    TimelineAnalysis rt = TimelineAnalysis.of(run);
    TimelineAnalysis bt = TimelineAnalysis.of(baseline);
    List<String> warnings = new ArrayList<>();
    baseline.warnings().forEach(w -> warnings.add("baseline: " + w));
    run.warnings().forEach(w -> warnings.add("run: " + w));
    if (!bw.present()) {
      warnings.add("baseline " + baseline.name() + " has no workload lines in its logs; there is no reference throughput");
    }
    if (!rw.present()) {
      warnings.add("run " + run.name() + " has no workload lines in its logs; nothing to compare");
    }
    if (!bt.injectedFaults().isEmpty()) {
      warnings.add("the baseline " + baseline.name() + " itself injected " + bt.injectedFaults().size() + " fault(s)");
    }
    Comparison c = Comparison.of(baseline.name(), bw, run.name(), rw, rt.injectedFaults(), thresholds);
    Double dip = Comparison.throughputDip(rw, c.referenceThroughput(), thresholds);
    DataLoss loss = lossCollector.result();
    ComparisonFacts facts = new ComparisonFacts(c, rt.injectedFaults(), dip, loss, Verdict.of(budgets, c, dip, loss));
    Files.createDirectories(outDir);
    Path json = outDir.resolve(JSON_FILE);
    Files.writeString(json, json(facts) + "\n", StandardCharsets.UTF_8);
    Path html = outDir.resolve(HTML_FILE);
    Files.writeString(html, html(c, baseline, run, bw, rw, rt, warnings), StandardCharsets.UTF_8);
    Path summary = outDir.resolve(SummaryText.FILE);
    Files.writeString(summary, SummaryText.markdown(facts), StandardCharsets.UTF_8);
    List<Path> charts = CompareCharts.write(outDir, CompareCharts.throughput(c, bw, rw, rt.injectedFaults()), CompareCharts.bars(c));
    Optional<Path> ai = Optional.empty();
    if (options.modelSummary() != null) {
      ModelSummary.Result r = new ModelSummary(options.modelSummary()).write(facts, outDir);
      r.warning().ifPresent(warnings::add);
      ai = r.file();
    }
    return new Result(c, json, html, warnings, facts, summary, charts, ai);
  }

  /**
   * The budgets of {@code run}'s scenario, as recorded in its run.json ({@code scenario.content});
   * none when it recorded no scenario.
   *
   * @throws InvalidBudgetsException with every problem as {@code FILE:LINE:COL: message}
   */
  static List<Budget> budgets(RunFolder run, Path runDir) {
    JsonNode scenario = run.run() == null ? null : run.run().path("scenario");
    if (scenario == null || !scenario.path("content").isTextual()) {
      return List.of();
    }
    ExpectParser.Read read = ExpectParser.read(scenario.path("content").asText());
    if (read.expectations().isPresent()) {
      return read.expectations().get().budgets();
    }
    String file = scenario.path("path").asText("scenario") + " (the copy in " + runDir.resolve(RunFolder.RUN_JSON) + ")";
    throw new InvalidBudgetsException(read.problems().stream()
        .map(p -> file + ":" + p.pos().line() + ":" + p.pos().column() + ": " + p.message()).toList());
  }

  static WorkloadSeries workload(RunFolder run) {
    return workload(run, null);
  }

  private static WorkloadSeries workload(RunFolder run, DataLoss.Collector loss) {
    WorkloadSeries.Builder b = WorkloadSeries.Builder.forRun(run);
    run.forEachLog(loss == null ? b::accept : r -> {
      b.accept(r);
      loss.accept(r);
    });
    return b.build();
  }

  /** {@code facts} as pretty JSON: the comparison's fields, then {@code throughput_dip}, {@code data_loss} and {@code verdict}. */
  public static String json(ComparisonFacts facts) {
    try {
      ObjectMapper m = RecordJson.mapper();
      ObjectNode tree = m.valueToTree(facts.comparison());
      if (facts.throughputDip() == null) {
        tree.putNull("throughput_dip");
      } else {
        tree.put("throughput_dip", facts.throughputDip());
      }
      tree.set("data_loss", m.valueToTree(facts.dataLoss()));
      tree.set("verdict", m.valueToTree(facts.verdict()));
      return m.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("comparison not serializable: " + e.getMessage(), e);
    }
  }

  /** The verdict for a terminal: one line per budget with the measured value and PASS/FAIL/UNKNOWN, then the result. */
  public static String verdictText(Verdict v) {
    if (!v.judged()) {
      return "verdict: not judged (the scenario sets no budgets in environment.expect)\n";
    }
    StringBuilder b = new StringBuilder();
    for (Verdict.Check k : v.checks()) {
      b.append(String.format(Locale.ROOT, "%-7s %-28s measured %s%s%n", k.status(), k.budget(), k.measuredText(),
          k.note() == null ? "" : " (" + k.note() + ")"));
    }
    b.append(v.passed() ? "verdict: PASS (" + v.checks().size() + " of " + v.checks().size() + " budgets met)"
        : "verdict: FAIL (" + v.misses() + " of " + v.checks().size() + " budgets missed)").append('\n');
    return b.toString();
  }

  /** {@code c} as pretty JSON (snake_case field names). */
  public static String json(Comparison c) {
    try {
      return RecordJson.mapper().writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(c);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("comparison not serializable: " + e.getMessage(), e);
    }
  }

  /** A few lines for a terminal. */
  public static String text(Comparison c) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-22s %14s %14s%n", "", "baseline", "run"));
    row(b, "throughput (ops/s)", c.baselineSummary().throughput(), c.runSummary().throughput(), "%.1f");
    row(b, "error rate (%)", pct(c.baselineSummary().errorRate()), pct(c.runSummary().errorRate()), "%.3f");
    row(b, "p50 latency (ms)", c.baselineSummary().p50(), c.runSummary().p50(), "%.2f");
    row(b, "p95 latency (ms)", c.baselineSummary().p95(), c.runSummary().p95(), "%.2f");
    row(b, "p99 latency (ms)", c.baselineSummary().p99(), c.runSummary().p99(), "%.2f");
    b.append(String.format(Locale.ROOT, "anomaly windows (drop > %.0f%% below %s ops/s or errors > %.1f%%, after %.0f s warm-up): %d%n",
        c.thresholds().dropFraction() * 100, c.referenceThroughput() == null ? "?" : String.format(Locale.ROOT, "%.1f", c.referenceThroughput()),
        c.thresholds().errorRate() * 100, c.thresholds().warmupSeconds(), c.anomalies().size()));
    for (Comparison.AnomalyWindow w : c.anomalies()) {
      b.append(String.format(Locale.ROOT, "  %d s – %d s (%d s, %s)%n", w.from(), w.to(), w.length(), w.reason()));
    }
    for (Comparison.Recovery r : c.recoveries()) {
      b.append(String.format(Locale.ROOT, "fault %d %s on %s at %.3f s: %s%n", r.seq(), r.label(), r.service(),
          r.injectedAt(), r.recovered() ? String.format(Locale.ROOT, "recovered after %.3f s", r.recoverySeconds())
              : "not recovered by the end of the run"));
    }
    return b.toString();
  }

  private static Double pct(Double v) {
    return v == null ? null : v * 100;
  }

  private static void row(StringBuilder b, String name, Double x, Double y, String fmt) {
    b.append(String.format(Locale.ROOT, "%-22s %14s %14s%n", name, x == null ? "-" : String.format(Locale.ROOT, fmt, x),
        y == null ? "-" : String.format(Locale.ROOT, fmt, y)));
  }

  static List<Chart> charts(Comparison c, RunFolder baseline, RunFolder run, WorkloadSeries bw, WorkloadSeries rw,
      TimelineAnalysis rt) {
    List<Chart.Window> w = ExportCharts.windows(rt);
    List<Chart.Mark> m = ExportCharts.marks(rt);
    List<Chart> charts = new ArrayList<>();
    List<Chart.Series> tp = new ArrayList<>();
    tp.add(new Chart.Series("baseline ok ops/s", ExportCharts.midSeconds(bw.seconds()), bw.ok(), true, 0));
    tp.add(new Chart.Series("run ok ops/s", ExportCharts.midSeconds(rw.seconds()), rw.ok(), false, 0));
    if (c.referenceThroughput() != null) {
      double limit = c.referenceThroughput() * (1 - c.thresholds().dropFraction());
      int n = Math.max(bw.seconds(), rw.seconds());
      tp.add(new Chart.Series("anomaly threshold", new double[] {c.thresholds().warmupSeconds(), n},
          new double[] {limit, limit}, true, 5));
    }
    charts.add(new Chart("compare-throughput", "Throughput: baseline (dashed) vs run", ExportCharts.X_LABEL,
        "operations per second", tp, w, m, false, false));
    charts.add(new Chart("compare-errors", "Error rate: baseline (dashed) vs run", ExportCharts.X_LABEL, "errors (% of operations)",
        List.of(new Chart.Series("baseline", ExportCharts.midSeconds(bw.seconds()), errorPct(bw), true, 0),
            new Chart.Series("run", ExportCharts.midSeconds(rw.seconds()), errorPct(rw), false, 0),
            new Chart.Series("anomaly threshold", new double[] {c.thresholds().warmupSeconds(), Math.max(bw.seconds(), rw.seconds())},
                new double[] {c.thresholds().errorRate() * 100, c.thresholds().errorRate() * 100}, true, 5)),
        w, m, false, false));
    charts.add(new Chart("compare-latency", "Latency p50 / p99: baseline (dashed) vs run", ExportCharts.X_LABEL, "latency (ms)",
        List.of(new Chart.Series("baseline p50", ExportCharts.midSeconds(bw.seconds()), bw.p50(), true, 0),
            new Chart.Series("run p50", ExportCharts.midSeconds(rw.seconds()), rw.p50(), false, 0),
            new Chart.Series("baseline p99", ExportCharts.midSeconds(bw.seconds()), bw.p99(), true, 2),
            new Chart.Series("run p99", ExportCharts.midSeconds(rw.seconds()), rw.p99(), false, 2)),
        w, m, false, false));
    double[] anomalous = new double[rw.seconds()];
    List<Chart.Window> aw = new ArrayList<>();
    for (Comparison.AnomalyWindow a : c.anomalies()) {
      for (int k = a.from(); k < a.to() && k < anomalous.length; k++) {
        anomalous[k] = 1;
      }
      aw.add(new Chart.Window(a.from(), a.to(), "anomaly (" + a.reason() + ")"));
    }
    List<Chart.Mark> injections = new ArrayList<>();
    for (Comparison.Recovery r : c.recoveries()) {
      injections.add(new Chart.Mark(r.injectedAt(), r.label() + (r.recovered()
          ? String.format(Locale.ROOT, " (recovered in %.1f s)", r.recoverySeconds()) : " (not recovered)"), true));
    }
    charts.add(new Chart("compare-anomalies", "Anomalous seconds of the run (shaded) and fault injections",
        ExportCharts.X_LABEL, "anomalous (1 = yes)", List.of(new Chart.Series("anomalous",
            ExportCharts.seconds(rw.seconds()), anomalous, false, 3)), aw, injections, true, false));
    AliveSeries ba = AliveSeries.of(baseline);
    AliveSeries ra = AliveSeries.of(run);
    List<Chart.Series> alive = new ArrayList<>();
    List<String> services = new ArrayList<>(ra.services());
    ba.services().stream().filter(s -> !services.contains(s)).forEach(services::add);
    for (int i = 0; i < services.size(); i++) {
      int[] b = ba.actual().get(services.get(i));
      int[] r = ra.actual().get(services.get(i));
      if (b != null) {
        alive.add(new Chart.Series("baseline " + services.get(i), ExportCharts.seconds(ba.seconds()), ExportCharts.toDouble(b), true, i));
      }
      if (r != null) {
        alive.add(new Chart.Series("run " + services.get(i), ExportCharts.seconds(ra.seconds()), ExportCharts.toDouble(r), false, i));
      }
    }
    charts.add(new Chart("compare-alive", "Containers alive per service: baseline (dashed) vs run", ExportCharts.X_LABEL,
        "containers alive", alive, w, m, true, false));
    return charts;
  }

  private static double[] errorPct(WorkloadSeries w) {
    double[] out = new double[w.seconds()];
    for (int k = 0; k < out.length; k++) {
      out[k] = w.errorRate(k) * 100;
    }
    return out;
  }

  private static String html(Comparison c, RunFolder baseline, RunFolder run, WorkloadSeries bw, WorkloadSeries rw,
      TimelineAnalysis rt, List<String> warnings) {
    List<Chart> charts = charts(c, baseline, run, bw, rw, rt);
    StringBuilder b = new StringBuilder();
    b.append("<section id=\"summary\"><h2>Summary</h2>\n<table><tr><th></th><th>baseline: ")
        .append(HtmlPage.esc(c.baseline())).append("</th><th>run: ").append(HtmlPage.esc(c.run()))
        .append("</th><th>change</th></tr>\n");
    summaryRow(b, "throughput (ops/s)", c.baselineSummary().throughput(), c.runSummary().throughput(), 1);
    summaryRow(b, "error rate (%)", pct(c.baselineSummary().errorRate()), pct(c.runSummary().errorRate()), 3);
    summaryRow(b, "p50 latency (ms)", c.baselineSummary().p50(), c.runSummary().p50(), 2);
    summaryRow(b, "p95 latency (ms)", c.baselineSummary().p95(), c.runSummary().p95(), 2);
    summaryRow(b, "p99 latency (ms)", c.baselineSummary().p99(), c.runSummary().p99(), 2);
    b.append("</table>\n<p class=\"note\">Over reported seconds after a ")
        .append(String.format(Locale.ROOT, "%.0f", c.thresholds().warmupSeconds()))
        .append(" s warm-up. Anomalous second: throughput more than ")
        .append(String.format(Locale.ROOT, "%.0f %%", c.thresholds().dropFraction() * 100))
        .append(" below the baseline's median (")
        .append(c.referenceThroughput() == null ? "unknown" : String.format(Locale.ROOT, "%.1f ops/s", c.referenceThroughput()))
        .append(") or error rate above ").append(String.format(Locale.ROOT, "%.2f %%", c.thresholds().errorRate() * 100))
        .append("; windows shorter than ").append(c.thresholds().minAnomalySeconds()).append(" s dropped.</p>\n</section>\n");
    b.append("<section id=\"recovery\"><h2>Recovery per fault</h2>\n<table><tr><th>seq</th><th>fault</th><th>target</th>"
        + "<th>injected (s)</th><th>recovered at (s)</th><th>recovery (s)</th><th>anomalous seconds</th></tr>\n");
    for (Comparison.Recovery r : c.recoveries()) {
      b.append("<tr class=\"").append(r.recovered() ? "" : "failed").append("\"><td class=\"num\">").append(r.seq())
          .append("</td><td>").append(HtmlPage.esc(r.label())).append("</td><td>").append(HtmlPage.esc(r.service()))
          .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.3f", r.injectedAt()))
          .append("</td><td class=\"num\">").append(r.recoveredAt() == null ? "not recovered" : String.format(Locale.ROOT, "%.0f", r.recoveredAt()))
          .append("</td><td class=\"num\">").append(r.recoverySeconds() == null ? "—" : String.format(Locale.ROOT, "%.3f", r.recoverySeconds()))
          .append("</td><td class=\"num\">").append(r.anomalousSeconds()).append("</td></tr>\n");
    }
    b.append("</table>\n<h3>Anomaly windows</h3>\n<table><tr><th>from (s)</th><th>to (s)</th><th>length (s)</th><th>why</th></tr>\n");
    for (Comparison.AnomalyWindow a : c.anomalies()) {
      b.append("<tr><td class=\"num\">").append(a.from()).append("</td><td class=\"num\">").append(a.to())
          .append("</td><td class=\"num\">").append(a.length()).append("</td><td>").append(HtmlPage.esc(a.reason()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n</section>\n<section id=\"plots\"><h2>Both runs on one time axis</h2>\n");
    charts.forEach(ch -> b.append(HtmlPage.chartDiv(ch)));
    b.append("</section>\n");
    b.append(HtmlPage.warningsSection(warnings));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("charts", charts.stream().map(HtmlPage::chartData).toList());
    return HtmlPage.render("Reprise comparison: " + c.run() + " vs " + c.baseline(),
        "seconds since each run's T0", "<a href=\"#summary\">summary</a><a href=\"#recovery\">recovery</a>"
            + "<a href=\"#plots\">plots</a>", b.toString(), data);
  }

  private static void summaryRow(StringBuilder b, String name, Double base, Double run, int decimals) {
    String fmt = "%." + decimals + "f";
    String change = base != null && run != null && base != 0
        ? String.format(Locale.ROOT, "%+.1f %%", (run - base) / base * 100) : "";
    b.append("<tr><td>").append(name).append("</td><td class=\"num\">")
        .append(base == null ? "—" : String.format(Locale.ROOT, fmt, base)).append("</td><td class=\"num\">")
        .append(run == null ? "—" : String.format(Locale.ROOT, fmt, run)).append("</td><td class=\"num\">")
        .append(change).append("</td></tr>\n");
  }
}
