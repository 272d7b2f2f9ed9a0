package dev.reprise.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a summary of a comparison says, in one place: the template summary ({@link SummaryText})
 * and the model-written one ({@link ModelSummary}) are both made from these facts and nothing else.
 * Immutable.
 *
 * @param comparison the run against its baseline
 * @param faults the run's injected faults, in time order
 * @param throughputDip the deepest one-second drop below the baseline's median, as a fraction (null: unknown)
 * @param dataLoss what the workload's write verification found
 * @param verdict the budgets judged
 */
public record ComparisonFacts(Comparison comparison, List<FaultWindow> faults, Double throughputDip, DataLoss dataLoss,
    Verdict verdict) {
  public ComparisonFacts {
    faults = List.copyOf(faults);
  }

  /** The facts as a JSON-ready tree (snake_case keys), for a model's prompt. */
  public Map<String, Object> toMap() {
    Comparison c = comparison;
    var m = new LinkedHashMap<String, Object>();
    m.put("run", c.run());
    m.put("baseline", c.baseline());
    m.put("warmup_seconds", c.thresholds().warmupSeconds());
    var fs = new ArrayList<Map<String, Object>>();
    for (FaultWindow f : faults) {
      var x = new LinkedHashMap<String, Object>();
      x.put("seq", f.seq());
      x.put("fault", f.type());
      x.put("label", f.label());
      x.put("target", f.service() + f.ids());
      x.put("injected_at_s", round(f.startSeconds()));
      x.put("lasted_s", f.instantaneous() ? null : round(f.endSeconds() - f.startSeconds()));
      fs.add(x);
    }
    m.put("faults", fs);
    m.put("baseline_summary", summary(c.baselineSummary()));
    m.put("run_summary", summary(c.runSummary()));
    m.put("reference_throughput_ops_s", c.referenceThroughput());
    m.put("throughput_dip_percent", throughputDip == null ? null : round(throughputDip * 100));
    var ws = new ArrayList<Map<String, Object>>();
    for (Comparison.AnomalyWindow w : c.anomalies()) {
      ws.add(new LinkedHashMap<>(Map.of("from_s", w.from(), "to_s", w.to(), "reason", w.reason())));
    }
    m.put("anomaly_windows", ws);
    var rs = new ArrayList<Map<String, Object>>();
    for (Comparison.Recovery r : c.recoveries()) {
      var x = new LinkedHashMap<String, Object>();
      x.put("seq", r.seq());
      x.put("label", r.label());
      x.put("target", r.service());
      x.put("recovered", r.recovered());
      x.put("recovery_seconds", r.recoverySeconds());
      x.put("anomalous_seconds", r.anomalousSeconds());
      rs.add(x);
    }
    m.put("recoveries", rs);
    var dl = new LinkedHashMap<String, Object>();
    dl.put("verified", dataLoss.detected() != null);
    dl.put("detected", dataLoss.detected());
    dl.put("writes_lost", dataLoss.writesLost());
    m.put("data_loss", dl);
    var checks = new ArrayList<Map<String, Object>>();
    for (Verdict.Check k : verdict.checks()) {
      var x = new LinkedHashMap<String, Object>();
      x.put("budget", k.budget());
      x.put("measured", k.measuredText());
      x.put("result", k.status().name());
      x.put("note", k.note());
      checks.add(x);
    }
    var v = new LinkedHashMap<String, Object>();
    v.put("judged", verdict.judged());
    v.put("passed", verdict.passed());
    v.put("budgets", checks);
    m.put("verdict", v);
    return m;
  }

  private static Map<String, Object> summary(Comparison.Summary s) {
    var x = new LinkedHashMap<String, Object>();
    x.put("throughput_ops_s", s.throughput());
    x.put("error_rate_percent", s.errorRate() == null ? null : round(s.errorRate() * 100));
    x.put("p50_ms", s.p50());
    x.put("p95_ms", s.p95());
    x.put("p99_ms", s.p99());
    return x;
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }
}
