package dev.reprise.export.campaign;

import dev.reprise.export.Csv;
import dev.reprise.fdsl.record.RecordJson;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * {@code campaign.csv}: one row per run of the manifest, in its order, for its counting attempt.
 * Columns: {@code key, group, baseline, repetition}, one {@code param.<name>} column per matrix
 * parameter (sorted by name; empty when a run has no such parameter), then {@code seed, plan_hash,
 * state, outcome, attempts, run_id, start, end, duration_s}, the {@link Figure} columns, {@code
 * reference_throughput_ops_s, faults, unrecovered_faults, anomalous_s, baselines, run_dir, report,
 * problems}. Empty cell: unknown. RFC 4180 ({@link Csv}).
 */
final class CampaignCsv {
  static final String PARAM = "param.";

  private CampaignCsv() {}

  static SortedSet<String> parameterNames(List<RunRow> rows) {
    SortedSet<String> names = new TreeSet<>();
    rows.forEach(r -> names.addAll(r.run().parameters().keySet()));
    return names;
  }

  static void write(Path file, List<RunRow> rows) throws IOException {
    SortedSet<String> params = parameterNames(rows);
    List<String> header = new ArrayList<>(List.of("key", "group", "baseline", "repetition"));
    params.forEach(p -> header.add(PARAM + p));
    header.addAll(List.of("seed", "plan_hash", "state", "outcome", "attempts", "run_id", "start", "end", "duration_s"));
    for (Figure f : Figure.values()) {
      header.add(f.column);
    }
    header.addAll(List.of("reference_throughput_ops_s", "faults", "unrecovered_faults", "anomalous_s", "baselines",
        "run_dir", "report", "problems"));
    try (Csv csv = new Csv(file, header.toArray(String[]::new))) {
      for (RunRow r : rows) {
        List<Object> cells = new ArrayList<>(header.size());
        cells.add(r.run().key());
        cells.add(r.run().group());
        cells.add(r.run().baseline());
        cells.add(r.run().repetition());
        params.forEach(p -> cells.add(r.run().parameters().get(p)));
        cells.add(r.run().seed());
        cells.add(r.run().planHash());
        cells.add(r.run().state());
        cells.add(r.outcome());
        cells.add(r.run().attempts().size());
        cells.add(r.attempt() == null ? null : r.attempt().runId());
        cells.add(r.attempt() == null ? null : iso(r.attempt().start()));
        cells.add(r.attempt() == null ? null : iso(r.attempt().end()));
        cells.add(r.durationSeconds());
        for (Figure f : Figure.values()) {
          cells.add(f.of(r.figures()));
        }
        RunFigures g = r.figures();
        cells.add(g == null ? null : g.referenceThroughput());
        cells.add(g == null ? null : g.faults());
        cells.add(g == null ? null : g.unrecovered());
        cells.add(g == null ? null : g.anomalousSeconds());
        cells.add(g == null ? null : g.baselines());
        cells.add(r.runDir());
        cells.add(r.report());
        cells.add(r.problems().isEmpty() ? null : String.join("; ", r.problems()));
        csv.row(cells.toArray());
      }
    }
  }

  private static String iso(Instant t) {
    return t == null ? null : RecordJson.format(t);
  }
}
