package dev.reprise.fdsl.record;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code campaign.json}: a campaign's runs and where each one is, in the campaign folder
 * ({@code <out>/<campaign name>/}). The campaign runner ({@code master campaign}) writes it before
 * the first run and rewrites it (write to a temporary file, then an atomic rename) every time a run
 * changes state, so a campaign killed at any instant leaves a readable manifest and
 * {@code --resume} knows which runs are done. The campaign report ({@code campaign.html},
 * {@code campaign.csv}) is built from this file and the run folders it names, nothing else.
 * Serialised with {@link RecordJson} (snake_case, nulls omitted).
 *
 * @param format the campaign-folder format version, {@value #FORMAT}
 * @param name the campaign's name (the campaign file's {@code name}, default its base name)
 * @param campaignFile the campaign file: path as given, sha256 and full content
 * @param start when the campaign was first started
 * @param end when it ended (null while it runs, or when it was cut off)
 * @param state {@link #RUNNING}, {@link #DONE}, {@link #STOPPED} (a run failed and the campaign
 *     says {@code on_failure: stop}, or the time budget ran out) or {@link #INTERRUPTED} (the
 *     master was stopped; {@code --resume} goes on)
 * @param reason why it stopped or was interrupted (null otherwise)
 * @param groups the campaign's groups, in file order
 * @param runs every run of the campaign in the order they are run (the expansion of the groups),
 *     pending ones included, so the manifest always says what is left
 */
public record CampaignManifest(
    int format,
    String name,
    RunManifest.SourceFile campaignFile,
    Instant start,
    Instant end,
    String state,
    String reason,
    List<Group> groups,
    List<Run> runs) {

  public static final int FORMAT = 1;
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String STOPPED = "stopped";
  public static final String INTERRUPTED = "interrupted";

  public CampaignManifest {
    groups = groups == null ? List.of() : List.copyOf(groups);
    runs = runs == null ? List.of() : List.copyOf(runs);
  }

  /**
   * One group of the campaign file: a scenario × repetitions × a parameter matrix.
   *
   * @param name the group's name (unique in the campaign)
   * @param scenario the scenario file, as the campaign file names it, resolved against the campaign
   *     file's folder
   * @param baseline how the group's baseline is run: {@code null} (none), {@code faults-off} (the
   *     same scenario with its faults removed) or the path of a baseline scenario
   * @param repetitions how many times each parameter combination is run
   */
  public record Group(String name, String scenario, String baseline, int repetitions) {}

  /**
   * One run of the campaign.
   *
   * @param key the run's stable identity in the campaign, e.g. {@code kill-db/rate=200/rep-2} or
   *     {@code kill-db/rate=200/baseline/rep-0}: the same campaign file always expands to the same
   *     keys in the same order, which is what {@code --resume} matches on
   * @param group the group's name
   * @param baseline true for a baseline run of the group
   * @param repetition 0-based repetition number within its parameter combination
   * @param parameters the matrix values substituted for {@code ${name}} (name → value as written)
   * @param seed the seed the run's plan is drawn from
   * @param planHash the sha256 of the run's plan as {@code run.json} records it (as {@code master
   *     diff} computes it), known from {@code --dry-run} on
   * @param state {@link #PENDING}, {@link #RUNNING}, {@link #FINISHED} or {@link #CUT_OFF} (it was
   *     running when the campaign was interrupted; its partial folder is kept, and
   *     {@code --resume} runs it again as a new attempt)
   * @param attempts every attempt at this run, oldest first; the last one is the one that counts
   *     (a finished run has exactly one attempt that finished)
   */
  public record Run(
      String key,
      String group,
      boolean baseline,
      int repetition,
      Map<String, String> parameters,
      long seed,
      String planHash,
      String state,
      List<Attempt> attempts) {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";
    public static final String CUT_OFF = "cut_off";

    public Run {
      parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
      attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /** The attempt that counts (the last), or null when the run never started. */
    public Attempt last() {
      return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }
  }

  /**
   * One attempt at a run.
   *
   * @param runDir the run folder, relative to the campaign folder (null until it exists)
   * @param runId the run's ID (the run folder's name)
   * @param start when the attempt started
   * @param end when it ended (null while it runs or when it was cut off)
   * @param outcome the run's outcome as {@code run.json} says it ({@code ok}, {@code failed},
   *     {@code aborted}), {@code interrupted} for an attempt cut off by the campaign's interruption,
   *     {@code invalid}/{@code environment} for a run that never deployed; null while it runs
   * @param reason why it failed, as {@code run.json} says it (null when ok)
   */
  public record Attempt(String runDir, String runId, Instant start, Instant end, String outcome, String reason) {}
}
