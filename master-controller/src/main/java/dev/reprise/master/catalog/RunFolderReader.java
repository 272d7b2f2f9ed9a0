package dev.reprise.master.catalog;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.reprise.export.RunFigures;
import dev.reprise.export.RunFolder;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.fdsl.record.TimelineRecord;
import dev.reprise.master.catalog.RunCatalog.CampaignRef;
import dev.reprise.master.catalog.RunCatalog.CatalogFault;
import dev.reprise.master.catalog.RunCatalog.CatalogRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a run folder into the {@link CatalogRun} the catalog records: {@code run.json}
 * ({@link RunManifest}), the timeline's fault actions and heals, and the workload's per-second
 * lines in the containers' logs ({@link RunFigures}). Pure apart from reading the folder; stateless.
 *
 * <p>Rules:
 * <ul>
 *   <li>One {@link CatalogFault} per fault action record of the timeline and per FDSL container it
 *       targeted on that record's host (a fault on {@code hello [0, 1]} is two faults); a fault with
 *       target groups (a partition) is one fault per host, with no container. Failed attempts are
 *       kept, with outcome {@code failed}.</li>
 *   <li>Healed: the first heal record of the same action, host and container (or group).
 *       {@code rolledBackAt} is its instant when it healed ({@code ok}); a failed heal leaves it null.
 *       {@code wasAutoRolledBack}: healed at its planned end — the action's planned instant plus
 *       the fault's duration, or the run's planned end for a fault without one — or later, within
 *       {@link #EARLY_TOLERANCE}; a heal before that was an abort's, or the run's end cutting the
 *       fault short. A fault never healed (a kill, a signal) is not rolled back.</li>
 *   <li>Target cluster: {@code local} for a run on the local engine (its folder has no
 *       {@code hosts/} sub-folder, where a multi-host run keeps each host's records); otherwise the
 *       swarm manager's name: the host whose pre-flight found it a manager, else the first host.</li>
 *   <li>Campaign: the one given, else the campaign whose {@code campaign.json} (in the run folder's
 *       parent or grandparent folder) lists an attempt with this run ID.</li>
 * </ul>
 */
public final class RunFolderReader {

  /** A heal this much before the planned end still counts as the planned one (clocks, scheduling). */
  public static final Duration EARLY_TOLERANCE = Duration.ofMillis(100);

  /** The target cluster of a run on the local engine. */
  public static final String LOCAL = "local";

  private RunFolderReader() {}

  /**
   * Reads {@code runDir}.
   *
   * @param campaign where the run sits in a campaign, or null (then looked up in {@code campaign.json})
   * @throws CatalogException when it is not a run folder or its {@code run.json} cannot be read;
   *     the message names the file (with line and column for bad JSON) and what is wrong
   */
  public static CatalogRun read(Path runDir, CampaignRef campaign) throws CatalogException {
    Path dir = runDir.toAbsolutePath().normalize();
    RunManifest m = manifest(dir);
    RunFolder folder;
    try {
      folder = RunFolder.read(dir);
    } catch (IOException | UncheckedIOException e) {
      throw new CatalogException("cannot read run folder " + dir + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CatalogException(e.getMessage(), e);
    }
    String runId = m.runId() != null ? m.runId() : dir.getFileName().toString();
    Instant start = m.start() != null ? m.start() : m.t0();
    if (start == null) throw new CatalogException(dir.resolve("run.json") + ": no start (nor t0); is it a run folder's run.json?");
    Plan plan = folder.plan().orElse(null);
    List<CatalogFault> faults = faults(folder, plan, m);
    RunFigures figures = RunFigures.of(folder);
    String planHash = m.plan() == null || m.plan().isNull() ? null : PlanJson.hash(m.plan());
    CampaignRef ref = campaign != null ? campaign : campaignOf(dir, runId);
    return new CatalogRun(runId, m.name() != null ? m.name() : runId, targetCluster(dir, m), dev.reprise.master.run.RunFolders.stackName(runId), dir.toString(), m.seed(),
        planHash, m.outcome() != null ? m.outcome() : RunManifest.RUNNING, m.reason(), start, m.end(),
        figures.baselineP99Millis(), figures.peakP99Millis(), figures.recoverySeconds(),
        dev.reprise.export.DataLoss.of(folder).detected(), ref, faults);
  }

  private static RunManifest manifest(Path dir) throws CatalogException {
    if (!Files.isDirectory(dir)) {
      throw new CatalogException(dir + " is not a run folder (" + (Files.exists(dir) ? "a file" : "no such folder") + ")");
    }
    Path file = dir.resolve(RunFolder.RUN_JSON);
    if (!Files.isRegularFile(file)) throw new CatalogException(dir + " is not a run folder (no run.json in it)");
    try {
      RunManifest m = RecordJson.mapper().readValue(Files.readString(file), RunManifest.class);
      if (m == null) throw new CatalogException(file + ":1:1: empty; is it a run folder's run.json?");
      return m;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? file.toString() : file + ":" + at.getLineNr() + ":" + at.getColumnNr();
      throw new CatalogException(where + ": " + firstLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new CatalogException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static String targetCluster(Path dir, RunManifest m) {
    if (!Files.isDirectory(dir.resolve("hosts")) || m.hosts() == null || m.hosts().isEmpty()) return LOCAL;
    for (var h : m.hosts()) {
      if (h.preflight() != null && "manager".equals(h.preflight().swarmState()) && h.name() != null) return h.name();
    }
    return m.hosts().get(0).name() != null ? m.hosts().get(0).name() : LOCAL;
  }

  static List<CatalogFault> faults(RunFolder folder, Plan plan, RunManifest m) {
    Map<Integer, FaultAction> planned = new HashMap<>();
    if (plan != null) {
      plan.actions().forEach(a -> {
        if (a instanceof FaultAction f) planned.put(f.seq(), f);
      });
    }
    Instant plannedRunEnd = plan != null && folder.t0() != null ? folder.t0().plusMillis(plan.endMillis()) : null;
    List<TimelineRecord> heals = folder.timeline().stream().filter(r -> TimelineRecord.KIND_HEAL.equals(r.kind())).toList();
    record Injected(CatalogFault fault, Integer seq, Integer id) {}
    List<Injected> out = new ArrayList<>();
    for (TimelineRecord r : folder.timeline()) {
      boolean isFault = TimelineRecord.KIND_ACTION.equals(r.kind())
          && (FaultAction.ACTION.equals(r.action()) || (r.action() == null && r.fault() != null));
      if (!isFault) continue;
      FaultAction p = r.seq() == null ? null : planned.get(r.seq());
      String type = r.fault() != null ? r.fault() : p != null ? p.fault().type() : "fault";
      String service = r.service() != null ? r.service() : p != null ? p.service() : null;
      boolean grouped = p != null && !p.groups().isEmpty();
      Instant plannedEnd = p != null && p.fault().durationMillis() > 0 && r.planned() != null
          ? r.planned().plusMillis(p.fault().durationMillis()) : plannedRunEnd;
      List<Integer> ids = grouped || r.ids() == null || r.ids().isEmpty() ? java.util.Collections.singletonList(null) : r.ids();
      for (Integer id : ids) {
        TimelineRecord heal = healOf(heals, r, id);
        Instant rolledBack = heal != null && TimelineRecord.OK.equals(heal.outcome()) ? heal.actual() : null;
        boolean auto = rolledBack != null && plannedEnd != null && !rolledBack.isBefore(plannedEnd.minus(EARLY_TOLERANCE));
        String container = id == null || service == null ? null : service + " " + id;
        out.add(new Injected(new CatalogFault(type, service, container, r.host(), r.actual(), rolledBack, auto,
            r.outcome() != null ? r.outcome() : TimelineRecord.UNKNOWN), r.seq(), id));
      }
    }
    out.sort(Comparator.comparing((Injected i) -> i.fault().injectedAt(), Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(Injected::seq, Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(i -> i.fault().host(), Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(Injected::id, Comparator.nullsLast(Comparator.naturalOrder())));
    return out.stream().map(Injected::fault).toList();
  }

  private static TimelineRecord healOf(List<TimelineRecord> heals, TimelineRecord action, Integer id) {
    TimelineRecord first = null;
    for (TimelineRecord h : heals) {
      if (h.seq() == null || !h.seq().equals(action.seq()) || h.actual() == null) continue;
      if (action.host() != null && h.host() != null && !action.host().equals(h.host())) continue;
      if (id != null && h.ids() != null && !h.ids().isEmpty() && !h.ids().contains(id)) continue;
      if (first == null || h.actual().isBefore(first.actual())) first = h;
    }
    return first;
  }

  /** The campaign that lists {@code runId} in a {@code campaign.json} of {@code dir}'s parent or grandparent, or null. */
  static CampaignRef campaignOf(Path dir, String runId) {
    Path p = dir.getParent();
    for (int up = 0; up < 2 && p != null; up++, p = p.getParent()) {
      Path file = p.resolve("campaign.json");
      if (!Files.isRegularFile(file)) continue;
      try {
        CampaignManifest c = RecordJson.mapper().readValue(Files.readString(file), CampaignManifest.class);
        for (var run : c.runs()) {
          for (var a : run.attempts()) {
            if (runId.equals(a.runId())) return new CampaignRef(c.name(), run.group(), run.key());
          }
        }
      } catch (IOException | RuntimeException e) {
        return null; // a campaign.json that cannot be read says nothing about this run
      }
    }
    return null;
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
