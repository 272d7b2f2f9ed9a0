package dev.reprise.master.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The runs a campaign file expands to, in the order they run: groups in file order; within a group,
 * the matrix's cartesian product with the first parameter varying slowest (file order of parameters
 * and values); per combination, the baseline's repetitions first (when the group has a baseline),
 * then the scenario's. A pure function of the file: the same file always gives the same keys in the
 * same order, which is what {@code --resume} matches on.
 *
 * <p>Keys: {@code GROUP/rep-I}, with the combination between when the group has a matrix
 * ({@code GROUP/rate=200,size=3/rep-I}) and {@code /baseline} before the repetition for a baseline run.
 * A baseline repetition uses the same seed as the scenario's repetition of the same index.
 */
public final class CampaignExpansion {
  private CampaignExpansion() {}

  /** One run of the campaign before its scenario is loaded. */
  public record RunSpec(String key, CampaignFile.Group group, boolean baseline, int repetition, Map<String, String> parameters,
      long seed) {}

  /** How many runs {@code group} expands to. */
  public static long count(CampaignFile.Group group) {
    long combinations = 1;
    for (var values : group.matrix().values()) combinations *= values.size();
    return combinations * group.repetitions() * (group.baselineText() == null ? 1 : 2);
  }

  /** The matrix's combinations, in order (one empty map when there is no matrix). */
  public static List<Map<String, String>> combinations(Map<String, List<String>> matrix) {
    List<Map<String, String>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (var param : matrix.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (var partial : out) {
        for (String value : param.getValue()) {
          var m = new LinkedHashMap<>(partial);
          m.put(param.getKey(), value);
          next.add(m);
        }
      }
      out = next;
    }
    return out;
  }

  /**
   * Every run of {@code campaign}; {@code scenarioSeed} gives a group's scenario's own seed (used
   * when the group lists no seeds).
   */
  public static List<RunSpec> expand(CampaignFile campaign, ToLongFunction<CampaignFile.Group> scenarioSeed) {
    var runs = new ArrayList<RunSpec>();
    for (var group : campaign.groups()) {
      for (var params : combinations(group.matrix())) {
        String prefix = group.name() + (params.isEmpty() ? "" : "/" + combinationKey(params));
        for (boolean baseline : group.baselineText() == null ? new boolean[] {false} : new boolean[] {true, false}) {
          for (int rep = 0; rep < group.repetitions(); rep++) {
            long seed = group.seeds() instanceof CampaignFile.Seeds.FromScenario
                ? group.seeds().seed(rep, scenarioSeed.applyAsLong(group)) : group.seeds().seed(rep, 0);
            runs.add(new RunSpec(prefix + (baseline ? "/baseline" : "") + "/rep-" + rep, group, baseline, rep, params, seed));
          }
        }
      }
    }
    return runs;
  }

  static String combinationKey(Map<String, String> params) {
    var sb = new StringBuilder();
    params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }
}
