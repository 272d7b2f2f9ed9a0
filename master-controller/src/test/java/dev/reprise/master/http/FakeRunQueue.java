package dev.reprise.master.http;

import dev.reprise.master.runqueue.QueueState;
import dev.reprise.master.runqueue.QueuedRun;
import dev.reprise.master.runqueue.RunEvent;
import dev.reprise.master.runqueue.RunQueue;
import dev.reprise.master.runqueue.RunSubmission;
import dev.reprise.master.runqueue.SubmissionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A queue in memory: {@link #emit} appends an event to a run and feeds live subscribers (on the
 * caller's thread); subscribers get the backlog after their id first. Calls recorded as strings.
 */
final class FakeRunQueue implements RunQueue {
  static final Instant T0 = Instant.parse("2026-12-03T15:00:00Z");
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final Map<String, QueuedRun> runs = Collections.synchronizedMap(new LinkedHashMap<>());
  final Map<String, List<RunEvent>> events = Collections.synchronizedMap(new LinkedHashMap<>());
  final Map<String, List<Consumer<RunEvent>>> live = Collections.synchronizedMap(new LinkedHashMap<>());
  volatile SubmissionException refuseWith;
  volatile RunSubmission lastSubmission;
  private int next = 1;

  @Override
  public synchronized QueuedRun submit(RunSubmission s) throws SubmissionException {
    calls.add("submit " + s.name() + " seed=" + s.seed() + " faults=" + new java.util.TreeSet<>(s.faultFiles().keySet()));
    lastSubmission = s;
    if (refuseWith != null) throw refuseWith;
    String id = "r-" + (next++);
    var run = new QueuedRun(id, s.name(), QueueState.QUEUED, T0, null, null, null, null, null, 0, 0, null, null);
    runs.put(id, run);
    events.put(id, new CopyOnWriteArrayList<>());
    live.put(id, new CopyOnWriteArrayList<>());
    emit(id, "queued", Map.of());
    return run;
  }

  /** Adds a run with a run folder. */
  void addRun(String id, String runDir) {
    runs.put(id, new QueuedRun(id, "added", QueueState.SUCCEEDED, T0, T0, T0, "folder-" + id, runDir, null, 1, 1, "ok", null));
    events.put(id, new CopyOnWriteArrayList<>());
    live.put(id, new CopyOnWriteArrayList<>());
  }

  void emit(String runId, String type, Map<String, Object> data) {
    List<RunEvent> list = events.get(runId);
    RunEvent e;
    synchronized (list) {
      e = new RunEvent(list.size() + 1, type, T0.plusSeconds(list.size()), data);
      list.add(e);
      for (Consumer<RunEvent> sink : live.get(runId)) sink.accept(e);
    }
  }

  int liveSubscribers(String runId) {
    return live.get(runId).size();
  }

  @Override
  public List<QueuedRun> list() {
    var out = new ArrayList<>(runs.values());
    Collections.reverse(out);
    return out;
  }

  @Override
  public Optional<QueuedRun> get(String id) {
    return Optional.ofNullable(runs.get(id));
  }

  @Override
  public Optional<QueuedRun> abort(String id) {
    calls.add("abort " + id);
    QueuedRun r = runs.get(id);
    if (r == null) return Optional.empty();
    var a = new QueuedRun(r.id(), r.name(), QueueState.ABORTED, r.submittedAt(), null, T0, null, null, null, 0, 0, "aborted", "aborted on request");
    runs.put(id, a);
    return Optional.of(a);
  }

  @Override
  public Optional<Subscription> subscribe(String id, long afterEventId, Consumer<RunEvent> sink) {
    calls.add("subscribe " + id + " after " + afterEventId);
    List<RunEvent> list = events.get(id);
    if (list == null) return Optional.empty();
    List<Consumer<RunEvent>> sinks = live.get(id);
    synchronized (list) {
      for (RunEvent e : list) if (e.id() > afterEventId) sink.accept(e);
      sinks.add(sink);
    }
    return Optional.of(() -> sinks.remove(sink));
  }

  @Override
  public void close() {
    calls.add("close");
  }
}
