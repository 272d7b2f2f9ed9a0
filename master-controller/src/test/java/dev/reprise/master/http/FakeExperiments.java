package dev.reprise.master.http;

import dev.reprise.master.experiments.ExperimentException;
import dev.reprise.master.experiments.ExperimentRequest;
import dev.reprise.master.experiments.ExperimentState;
import dev.reprise.master.experiments.ExperimentStatus;
import dev.reprise.master.experiments.Experiments;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Experiments in memory; {@link #refuseWith} makes the next inject throw; calls recorded as strings. */
final class FakeExperiments implements Experiments {
  static final Instant T0 = Instant.parse("2026-12-03T15:00:00Z");
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final Map<String, ExperimentStatus> byId = Collections.synchronizedMap(new LinkedHashMap<>());
  volatile ExperimentException refuseWith;
  volatile RuntimeException crashWith;

  @Override
  public ExperimentStatus inject(ExperimentRequest r) throws ExperimentException {
    calls.add("inject " + r.experimentId() + " " + r.targetService() + " " + r.action() + " " + r.durationSeconds() + "s " + r.parameters());
    if (crashWith != null) throw crashWith;
    if (refuseWith != null) throw refuseWith;
    if (byId.containsKey(r.experimentId())) throw new ExperimentException.DuplicateId(r.experimentId());
    var s = new ExperimentStatus(r.experimentId(), r.targetService(), r.action(), ExperimentState.INJECTED, T0,
        T0.plusSeconds(r.durationSeconds()), null, 0, r.durationSeconds(),
        new ExperimentStatus.SafetyMetrics(null, null, "NOT_CONFIGURED"),
        List.of(new ExperimentStatus.ImpactedNode(r.targetService() + ".1.abc", "local", "PENDING")), "exp-" + r.experimentId(), null);
    byId.put(r.experimentId(), s);
    return s;
  }

  @Override
  public Optional<ExperimentStatus> status(String id) {
    calls.add("status " + id);
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public List<ExperimentStatus> list() {
    calls.add("list");
    var out = new ArrayList<>(byId.values());
    Collections.reverse(out);
    return out;
  }

  @Override
  public ExperimentStatus rollback(String id) throws ExperimentException {
    calls.add("rollback " + id);
    ExperimentStatus s = byId.get(id);
    if (s == null) throw new ExperimentException.UnknownExperiment(id);
    var r = new ExperimentStatus(s.experimentId(), s.targetService(), s.action(), ExperimentState.ROLLED_BACK, s.injectedAt(),
        s.rollbackScheduledAt(), T0.plusSeconds(3), 3, 0, s.safetyMetrics(), s.impactedNodes(), s.runId(), "rolled back on request");
    byId.put(id, r);
    return r;
  }

  @Override
  public void close() {
    calls.add("close");
  }
}
