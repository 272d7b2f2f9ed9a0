package dev.reprise.master.campaign;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A valid campaign file ({@link CampaignParser}): groups of runs, each a scenario × repetitions × a
 * parameter matrix, with the campaign's pacing and failure policy. Immutable.
 *
 * @param file the campaign file as the user named it
 * @param text its full text (recorded in {@code campaign.json}; its sha256 is what {@code --resume} checks)
 * @param name the campaign's name ({@code name}, default the file's base name): the campaign folder's name
 * @param out the parent of the campaign folder ({@code out}, relative to the campaign file's folder;
 *     null: the command's {@code --out}, default {@code runs/})
 * @param cooldownMillis the pause between the end of one run and the start of the next (default 0)
 * @param timeBudgetMillis when the campaign has run this long no new run starts (0: no budget)
 * @param onFailure what to do after a run that did not end ok
 * @param groups the groups, in file order (names unique)
 */
public record CampaignFile(
    Path file, String text, String name, Path out, long cooldownMillis, long timeBudgetMillis, OnFailure onFailure,
    List<Group> groups) {

  public CampaignFile {
    groups = List.copyOf(groups);
  }

  /** After a run that failed, was aborted or could not deploy: go on with the next run, or stop the campaign. */
  public enum OnFailure {
    CONTINUE, STOP;

    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The group's seeds: one per repetition. */
  public sealed interface Seeds permits Seeds.Listed, Seeds.Counted, Seeds.FromScenario {
    /** The seed of repetition {@code i} (0-based); {@code scenarioSeed} is the scenario file's own seed. */
    long seed(int repetition, long scenarioSeed);

    /** {@code seeds: [7, 8, 9]}: repetition i uses the i-th. */
    record Listed(List<Long> seeds) implements Seeds {
      public Listed {
        seeds = List.copyOf(seeds);
      }

      @Override public long seed(int repetition, long scenarioSeed) {
        return seeds.get(repetition);
      }
    }

    /** {@code seeds: {from: 100, count: 5}}: repetition i uses {@code from + i}. */
    record Counted(long from, int count) implements Seeds {
      @Override public long seed(int repetition, long scenarioSeed) {
        return from + repetition;
      }
    }

    /** No {@code seeds}: repetition i uses the scenario's seed + i (repetition 0 is the scenario as written). */
    record FromScenario() implements Seeds {
      @Override public long seed(int repetition, long scenarioSeed) {
        return scenarioSeed + repetition;
      }
    }
  }

  /**
   * One group.
   *
   * @param name unique in the campaign; part of every run key
   * @param scenario the scenario file, resolved against the campaign file's folder
   * @param repetitions how many runs per parameter combination (and per baseline combination)
   * @param seeds the seed of each repetition
   * @param matrix parameter → values, in file order; the runs are the cartesian product (empty: one combination)
   * @param composeEnv variables the compose file's {@code ${VAR}} sees on top of the environment, with
   *     {@code ${param}} substituted per combination
   * @param baseline null (none), {@link #FAULTS_OFF}, or a baseline scenario (resolved like {@code scenario})
   * @param baselineText the baseline as written (for campaign.json), null without one
   * @param cooldownMillis the group's cooldown (the campaign's unless the group sets one)
   * @param onFailure the group's failure policy (the campaign's unless the group sets one)
   */
  public record Group(
      String name, Path scenario, String scenarioAsWritten, int repetitions, Seeds seeds,
      Map<String, List<String>> matrix, Map<String, String> composeEnv, Path baseline, String baselineText,
      long cooldownMillis, OnFailure onFailure) {

    public static final String FAULTS_OFF = "faults-off";

    public Group {
      var m = new LinkedHashMap<String, List<String>>();
      matrix.forEach((k, v) -> m.put(k, List.copyOf(v)));
      matrix = java.util.Collections.unmodifiableMap(m);
      composeEnv = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(composeEnv));
    }

    /** True when the baseline is the group's scenario with its faults removed. */
    public boolean faultsOff() {
      return FAULTS_OFF.equals(baselineText);
    }
  }
}
