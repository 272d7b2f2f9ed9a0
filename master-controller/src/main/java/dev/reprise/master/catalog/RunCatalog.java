package dev.reprise.master.catalog;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The run catalog: every run, from a campaign or alone, with the audit fields reliability teams keep
 * per run and per injected fault (the design's {@code chaos_experiment_logs}). A port in our words;
 * the JDBC adapter serves an embedded SQLite file (the default, {@code <out>/catalog.db} beside the
 * run folders it indexes) and PostgreSQL (a {@code jdbc:postgresql:} URL), with its schema versioned
 * by Flyway migrations.
 *
 * <p>Contract: a catalog is opened by the caller and closed by it; its methods may be called from
 * any one thread at a time. Recording is idempotent: recording the same run folder again replaces
 * its rows (an import after a run, or a rerun of the import, never duplicates). A failure of the
 * catalog is never a failure of the run: callers print the {@link CatalogException}'s message as a
 * warning and go on.
 */
public interface RunCatalog extends AutoCloseable {

  /**
   * Reads run folder {@code runDir} ({@code run.json}, the timeline, the workload's lines when
   * present) and records the run and each fault it injected, replacing what was recorded for the
   * same run ID.
   *
   * @param campaign the campaign the run belongs to, or null for a run on its own
   * @throws CatalogException when the folder is not a run folder (the message names what is
   *     missing) or the database refuses
   */
  CatalogRun record(Path runDir, CampaignRef campaign) throws CatalogException;

  /** The runs matching {@code query}, newest first (by start). */
  List<CatalogRun> list(CatalogQuery query) throws CatalogException;

  /** The run with this run ID (the run folder's name), with its faults. */
  Optional<CatalogRun> find(String runId) throws CatalogException;

  @Override
  void close();

  /** Where a run sits in a campaign: the campaign's name, the group's name and the run's key. */
  record CampaignRef(String campaign, String group, String key) {}

  /**
   * Filters for {@link #list}; a null field does not filter.
   *
   * @param campaign only runs of this campaign
   * @param faultType only runs that injected a fault of this type (FDSL name: {@code kill}, {@code cpu}, {@code partition}, ...)
   * @param since only runs that started at or after this instant
   * @param limit at most this many rows (0: no limit)
   */
  record CatalogQuery(String campaign, String faultType, Instant since, int limit) {
    public static CatalogQuery all() {
      return new CatalogQuery(null, null, null, 0);
    }
  }

  /**
   * One run as the catalog holds it.
   *
   * @param runId the run's ID (experiment id; the run folder's name and the stack's name)
   * @param name the run's name
   * @param targetCluster the cluster it ran on: {@code local} for the local engine, else the swarm
   *     manager's host name as the hosts file names it
   * @param stack the stack the run deployed
   * @param runDir the run folder's absolute path when it was recorded
   * @param seed the plan's seed
   * @param planHash the plan's sha256, as {@code master diff} computes it
   * @param outcome {@code ok}, {@code failed}, {@code aborted} or {@code running} (cut off)
   * @param reason why it failed or was aborted (null when ok)
   * @param start when the run started; {@code end} when it ended (null when cut off)
   * @param baselineP99Millis the workload's p99 latency before the first fault (null without a workload)
   * @param peakP99Millis the workload's highest per-second p99 during the run (null without a workload)
   * @param recoverySeconds from the last fault's heal until throughput is back within 10 % of the
   *     pre-fault level (null when unknown or it never recovered)
   * @param dataLossDetected whether the workload reported acknowledged writes lost (null: the workload cannot tell)
   * @param campaign the campaign it belongs to, or null
   * @param faults every fault the run injected, in the order they were injected
   */
  record CatalogRun(
      String runId,
      String name,
      String targetCluster,
      String stack,
      String runDir,
      long seed,
      String planHash,
      String outcome,
      String reason,
      Instant start,
      Instant end,
      Double baselineP99Millis,
      Double peakP99Millis,
      Double recoverySeconds,
      Boolean dataLossDetected,
      CampaignRef campaign,
      List<CatalogFault> faults) {

    public CatalogRun {
      faults = faults == null ? List.of() : List.copyOf(faults);
    }
  }

  /**
   * One injected fault (a row of {@code chaos_experiment_logs}).
   *
   * @param faultType the FDSL fault type ({@code kill}, {@code cpu}, {@code delay}, {@code partition}, ...)
   * @param service the FDSL service it targeted (for a partition: the first group's services)
   * @param container the FDSL container ID it targeted ({@code db 1}), or null for a whole group
   * @param host the host it was applied on
   * @param injectedAt when it took effect (the timeline's fired instant)
   * @param rolledBackAt when it was healed (null: never healed, or a kill, which does not heal)
   * @param wasAutoRolledBack true when it was healed at its planned end or TTL; false when an
   *     abort (Ctrl-C, a safety trip) or the end of the run healed it early
   * @param outcome the action's outcome in the timeline ({@code ok}, {@code failed}, {@code unknown})
   */
  record CatalogFault(
      String faultType,
      String service,
      String container,
      String host,
      Instant injectedAt,
      Instant rolledBackAt,
      boolean wasAutoRolledBack,
      String outcome) {}
}
