package dev.reprise.export.campaign;

import dev.reprise.fdsl.record.CampaignManifest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The report's reproducibility table: per group, its fault runs and its baseline runs apart, per
 * parameter combination (and, when a group has several, all of them together), the
 * {@link Statistics.Summary} of every {@link Figure} across the runs whose counting attempt ended
 * ok; every other run of the category counts as missing.
 */
final class GroupStatistics {
  private GroupStatistics() {}

  /**
   * @param combination the parameter values (sorted by name); null for all combinations of the group
   * @param label e.g. {@code kill-db · rate=200} or {@code kill-db baseline}
   */
  record Category(String group, boolean baseline, Map<String, String> combination, String label, List<RunRow> rows,
      Map<Figure, Statistics.Summary> summaries) {
    /** Runs of this category whose counting attempt ended ok. */
    long ok() {
      return rows.stream().filter(RunRow::ok).count();
    }
  }

  /** Groups in the manifest's order (then any group only runs name), fault runs before baselines. */
  static List<Category> of(CampaignManifest m, List<RunRow> rows) {
    Set<String> groups = new LinkedHashSet<>();
    m.groups().forEach(g -> groups.add(g.name()));
    rows.forEach(r -> groups.add(r.run().group()));
    List<Category> out = new ArrayList<>();
    for (String g : groups) {
      for (boolean baseline : new boolean[] {false, true}) {
        Map<Map<String, String>, List<RunRow>> byCombination = new LinkedHashMap<>();
        List<RunRow> all = new ArrayList<>();
        for (RunRow r : rows) {
          if (g.equals(r.run().group()) && r.run().baseline() == baseline) {
            byCombination.computeIfAbsent(new TreeMap<>(r.run().parameters()), k -> new ArrayList<>()).add(r);
            all.add(r);
          }
        }
        if (all.isEmpty()) {
          continue;
        }
        String name = g + (baseline ? " baseline" : "");
        if (byCombination.size() > 1) {
          out.add(category(g, baseline, null, name + " (all " + byCombination.size() + " combinations)", all));
        }
        byCombination.forEach((c, rs) -> out.add(category(g, baseline, c, name + (c.isEmpty() ? "" : " · " + label(c)), rs)));
      }
    }
    return out;
  }

  static String label(Map<String, String> combination) {
    return combination.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }

  private static Category category(String group, boolean baseline, Map<String, String> combination, String label,
      List<RunRow> rows) {
    Map<Figure, Statistics.Summary> summaries = new EnumMap<>(Figure.class);
    for (Figure f : Figure.values()) {
      List<Double> values = new ArrayList<>();
      rows.forEach(r -> values.add(r.ok() ? f.of(r.figures()) : null));
      summaries.put(f, Statistics.summary(values));
    }
    return new Category(group, baseline, combination, label, List.copyOf(rows), summaries);
  }
}
