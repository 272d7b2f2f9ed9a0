package dev.reprise.export;

import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.fdsl.record.ContainerRecord;
import dev.reprise.fdsl.record.TimelineRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the timeline says happened: fault windows, marks and the firing error of every action.
 * A pure function of the run folder's timeline, containers and plan.
 */
public record TimelineAnalysis(List<FaultWindow> faults, List<MarkPoint> marks, List<ActionFiring> actions) {

  public TimelineAnalysis {
    faults = List.copyOf(faults);
    marks = List.copyOf(marks);
    actions = List.copyOf(actions);
  }

  /** Text of the mark a safety abort gets in the plots and the fault table. */
  static final String SAFETY_ABORT = "safety abort: ";

  /**
   * The instant a safety condition aborted the run ({@code run.json}'s {@code safety_trip}), as a
   * mark on the master's clock line: the report shows it in every plot and in the fault table.
   */
  static java.util.Optional<MarkPoint> safetyAbort(RunFolder run) {
    var trip = run.run() == null ? null : run.run().path("safety_trip");
    if (trip == null || !trip.hasNonNull("at")) return java.util.Optional.empty();
    Instant at;
    try {
      at = Instant.parse(trip.path("at").asText());
    } catch (java.time.format.DateTimeParseException e) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new MarkPoint(at, run.seconds(at), SAFETY_ABORT + trip.path("condition").asText("?"), "master"));
  }

  /** Derives fault windows, marks and firings from {@code run}. */
  public static TimelineAnalysis of(RunFolder run) {
    Map<Integer, TimelineRecord> heals = new HashMap<>();
    for (TimelineRecord r : run.timeline()) {
      if (TimelineRecord.KIND_HEAL.equals(r.kind()) && r.seq() != null && r.actual() != null) {
        heals.merge(r.seq(), r, (a, b) -> a.actual().isAfter(b.actual()) ? a : b);
      }
    }
    Map<Integer, FaultAction> plannedFaults = new HashMap<>();
    run.plan().map(Plan::actions).orElse(List.of()).forEach((PlannedAction a) -> {
      if (a instanceof FaultAction f) {
        plannedFaults.put(f.seq(), f);
      }
    });
    Map<String, String> hostOf = new HashMap<>();
    for (ContainerRecord c : run.containers()) {
      if (c.container() != null && c.host() != null) {
        hostOf.put(c.container(), c.host());
      }
    }
    List<FaultWindow> faults = new ArrayList<>();
    List<MarkPoint> marks = new ArrayList<>();
    List<ActionFiring> actions = new ArrayList<>();
    for (TimelineRecord r : run.timeline()) {
      String kind = r.kind() == null ? "" : r.kind();
      if (kind.equals(TimelineRecord.KIND_HEAL)) {
        continue;
      }
      Instant at = r.actual() != null ? r.actual() : r.planned();
      if (kind.equals(TimelineRecord.KIND_MARK) && at != null) {
        marks.add(new MarkPoint(at, run.seconds(at), r.text() == null ? "" : r.text(), r.host()));
      }
      Double error = r.actual() != null && r.planned() != null
          ? Duration.between(r.planned(), r.actual()).toNanos() / 1e6 : null;
      String target = r.service() == null ? "" : r.service() + (r.ids() == null ? "" : r.ids().toString());
      actions.add(new ActionFiring(r.seq(), kind, kind.equals(TimelineRecord.KIND_MARK) ? "mark" : r.action(),
          r.fault(), kind.equals(TimelineRecord.KIND_MARK) ? r.text() : r.label(), r.service(), target, r.host(),
          r.planned(), r.actual(), r.planned() == null ? null : run.seconds(r.planned()), error, r.outcome(), r.error()));
      boolean isFault = kind.equals(TimelineRecord.KIND_ACTION)
          && (FaultAction.ACTION.equals(r.action()) || (r.action() == null && r.fault() != null));
      if (!isFault || r.actual() == null) {
        continue;
      }
      FaultAction planned = r.seq() == null ? null : plannedFaults.get(r.seq());
      String type = r.fault() != null ? r.fault() : planned != null ? planned.fault().type() : "fault";
      String label = r.label() != null ? r.label() : planned != null ? planned.fault().label() : type;
      TimelineRecord heal = r.seq() == null ? null : heals.get(r.seq());
      Instant end;
      String endSource;
      if (heal != null && !heal.actual().isBefore(r.actual())) {
        end = heal.actual();
        endSource = "heal";
      } else if (planned != null && planned.fault().durationMillis() > 0) {
        end = r.actual().plusMillis(planned.fault().durationMillis());
        endSource = "duration";
      } else {
        end = r.actual();
        endSource = "instant";
      }
      List<String> containers = r.containers() == null ? List.of() : r.containers();
      List<String> hosts = new ArrayList<>();
      for (String c : containers) {
        hosts.add(hostOf.getOrDefault(c, r.host() == null ? "" : r.host()));
      }
      List<Integer> ids = r.ids() != null ? r.ids() : planned != null ? planned.ids() : List.of();
      String service = r.service() != null ? r.service() : planned != null ? planned.service() : null;
      faults.add(new FaultWindow(r.seq() == null ? -1 : r.seq(), type, label, service, ids, containers, hosts,
          r.actual(), end, run.seconds(r.actual()), run.seconds(end), end.equals(r.actual()), endSource,
          r.outcome() == null ? TimelineRecord.UNKNOWN : r.outcome()));
    }
    faults.sort(Comparator.comparing(FaultWindow::start).thenComparingInt(FaultWindow::seq));
    marks.sort(Comparator.comparing(MarkPoint::time));
    safetyAbort(run).ifPresent(marks::add);
    return new TimelineAnalysis(faults, marks, actions);
  }

  /** The faults that took effect (outcome ok or unknown): the ground truth of the labels file. */
  public List<FaultWindow> injectedFaults() {
    return faults.stream().filter(f -> !TimelineRecord.FAILED.equals(f.outcome())).toList();
  }
}
