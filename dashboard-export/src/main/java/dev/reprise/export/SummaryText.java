package dev.reprise.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code summary.md}: a plain-language account of a run against its baseline, written from
 * {@link ComparisonFacts} by fixed templates (offline, deterministic: the same facts give the same
 * text). Sections: the verdict, what was done, throughput, recovery per fault, errors and latency,
 * data loss, and the budgets table. Pure; thread-safe.
 */
public final class SummaryText {
  public static final String FILE = "summary.md";

  private SummaryText() {}

  public static String markdown(ComparisonFacts f) {
    Comparison c = f.comparison();
    Verdict v = f.verdict();
    StringBuilder b = new StringBuilder();
    b.append("# ").append(c.run()).append(" against ").append(c.baseline()).append("\n\n");
    if (!v.judged()) {
      b.append("**Verdict: not judged** — the scenario sets no budgets (`environment.expect`).\n\n");
    } else if (v.passed()) {
      b.append("**Verdict: PASS** — all ").append(v.checks().size()).append(v.checks().size() == 1 ? " budget" : " budgets")
          .append(" met.\n\n");
    } else {
      List<String> missed = new ArrayList<>();
      for (Verdict.Check k : v.checks()) {
        if (k.status() != Verdict.Status.PASS) {
          missed.add("`" + k.budget() + "` (" + (k.status() == Verdict.Status.UNKNOWN ? "not measured" : k.measuredText()) + ")");
        }
      }
      b.append("**Verdict: FAIL** — ").append(v.misses()).append(" of ").append(v.checks().size())
          .append(v.checks().size() == 1 ? " budget" : " budgets").append(" missed: ").append(String.join(", ", missed))
          .append(".\n\n");
    }

    b.append("## What was done\n\n");
    if (f.faults().isEmpty()) {
      b.append("The run injected no fault.");
    } else {
      b.append("The run injected ").append(count(f.faults().size(), "fault")).append(": ");
      List<String> parts = new ArrayList<>();
      for (FaultWindow w : f.faults()) {
        String what = label(w.label(), w.type()) + " on " + w.service() + w.ids() + " at " + sec(w.startSeconds());
        if (!w.instantaneous()) what += " for " + sec(w.endSeconds() - w.startSeconds());
        parts.add(what);
      }
      b.append(String.join("; ", parts)).append('.');
    }
    b.append(" The baseline, ").append(c.baseline()).append(", ran the same workload without faults. Figures are over the"
        + " seconds each run's clients reported after a ").append(num(c.thresholds().warmupSeconds(), 0)).append(" s warm-up.\n\n");

    b.append("## Throughput\n\n");
    Double bt = c.baselineSummary().throughput();
    Double rt = c.runSummary().throughput();
    if (rt == null) {
      b.append("The run's clients reported no workload, so there is nothing to compare.\n\n");
    } else {
      b.append("Throughput averaged ").append(num(rt, 1)).append(" ops/s");
      if (bt != null) {
        b.append(" against ").append(num(bt, 1)).append(" ops/s in the baseline");
        if (bt > 0) b.append(" (").append(String.format(Locale.ROOT, "%+.1f %%", (rt - bt) / bt * 100)).append(")");
      }
      b.append(". ");
      if (f.throughputDip() != null && c.referenceThroughput() != null) {
        b.append("At its lowest second it was ").append(num(f.throughputDip() * 100, 1)).append(" % below the baseline's median of ")
            .append(num(c.referenceThroughput(), 1)).append(" ops/s. ");
      } else {
        b.append("Without a baseline throughput there is no dip to measure. ");
      }
      if (c.anomalies().isEmpty()) {
        b.append("No second was anomalous (throughput more than ").append(num(c.thresholds().dropFraction() * 100, 0))
            .append(" % below the baseline's median, or more than ").append(num(c.thresholds().errorRate() * 100, 1))
            .append(" % errors).\n\n");
      } else {
        int total = c.anomalies().stream().mapToInt(Comparison.AnomalyWindow::length).sum();
        List<String> ws = new ArrayList<>();
        for (Comparison.AnomalyWindow w : c.anomalies()) ws.add(w.from() + "–" + w.to() + " s (" + w.reason() + ")");
        b.append(count(c.anomalies().size(), "anomaly window")).append(", ").append(total).append(" s in all: ")
            .append(String.join(", ", ws)).append(".\n\n");
      }
    }

    b.append("## Recovery per fault\n\n");
    if (c.recoveries().isEmpty()) {
      b.append("No fault, no recovery to measure.\n\n");
    } else if (c.runSummary().throughput() == null || c.referenceThroughput() == null) {
      b.append("Not measurable: without workload lines in both runs there is no throughput to see a fault in.\n\n");
    } else {
      for (Comparison.Recovery r : c.recoveries()) {
        b.append("- Fault ").append(r.seq()).append(", ").append(label(r.label(), r.fault())).append(" on ").append(r.service())
            .append(" at ").append(sec(r.injectedAt())).append(": ");
        if (!r.recovered()) {
          b.append("not recovered by the end of the run (").append(count(r.anomalousSeconds(), "anomalous second")).append(").\n");
        } else if (r.anomalousSeconds() == 0) {
          b.append("no anomaly followed; the workload did not notice.\n");
        } else {
          b.append("recovered after ").append(sec(r.recoverySeconds())).append(" (").append(count(r.anomalousSeconds(), "anomalous second"))
              .append(").\n");
        }
      }
      b.append('\n');
    }

    b.append("## Errors and latency\n\n");
    Comparison.Summary bs = c.baselineSummary();
    Comparison.Summary rs = c.runSummary();
    if (rs.errorRate() == null) {
      b.append("No workload figures.\n\n");
    } else {
      b.append("Error rate ").append(pct(rs.errorRate())).append(" of operations");
      if (bs.errorRate() != null) b.append(" (baseline ").append(pct(bs.errorRate())).append(")");
      b.append(". ");
      List<String> lat = new ArrayList<>();
      latency(lat, "p50", bs.p50(), rs.p50());
      latency(lat, "p95", bs.p95(), rs.p95());
      latency(lat, "p99", bs.p99(), rs.p99());
      b.append(lat.isEmpty() ? "The workload reported no latency." : "Latency " + String.join("; ", lat) + ".").append("\n\n");
    }

    b.append("## Data loss\n\n");
    DataLoss loss = f.dataLoss();
    if (loss.detected() == null) {
      b.append("Not known: the workload did not verify its writes (traffic-gen `--verify-writes` reports acknowledged writes lost).\n\n");
    } else if (!loss.detected()) {
      b.append("No acknowledged write was lost (").append(count(loss.clients(), "client")).append(" verified).\n\n");
    } else {
      b.append(loss.writesLost() != null ? count(loss.writesLost(), "acknowledged write") + " were lost" : "Acknowledged writes were lost")
          .append(" (").append(count(loss.clients(), "client")).append(" verified).\n\n");
    }

    if (v.judged()) {
      b.append("## Budgets\n\n| budget | measured | result |\n|---|---|---|\n");
      for (Verdict.Check k : v.checks()) {
        b.append("| `").append(k.budget()).append("` | ").append(k.measuredText()).append(k.note() == null ? "" : " — " + k.note())
            .append(" | ").append(k.status().name()).append(" |\n");
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static void latency(List<String> out, String name, Double base, Double run) {
    if (run == null) return;
    out.add(name + " " + num(run, 2) + " ms" + (base == null ? "" : " (baseline " + num(base, 2) + " ms)"));
  }

  private static String label(String label, String type) {
    return label != null && !label.isBlank() ? label : type;
  }

  private static String count(long n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  private static String sec(double v) {
    return num(v, 1) + " s";
  }

  private static String pct(double fraction) {
    return num(fraction * 100, 2) + " %";
  }

  private static String num(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
