package dev.reprise.master.run;

import dev.reprise.agent.protocol.AgentMessage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link RunListener} that records every call as a readable string, in order (messages left out). */
final class RecordingListener implements RunListener {
  final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void stateChanged(RunCoordinator.State from, RunCoordinator.State to) {
    events.add("state " + to);
  }

  @Override
  public void preflight(Map<String, AgentMessage.PreflightReport> byHost) {
    var problems = byHost.values().stream().mapToInt(r -> r.problems().size()).sum();
    events.add("preflight " + byHost.keySet() + " problems=" + problems);
  }

  @Override
  public void deploying(String runId, Path runDir) {
    events.add("deploying " + runId);
  }

  @Override
  public void armed(Instant t0, Map<String, AgentMessage.Armed> byHost) {
    events.add("armed " + byHost.keySet() + " t0=" + t0);
  }

  @Override
  public void actionFired(String host, AgentMessage.Progress p, long elapsedMillis) {
    events.add("fired " + host + " #" + p.seq() + " " + p.action() + " " + p.outcome());
  }

  @Override
  public void workloadSample(String host, AgentMessage.WorkloadSample w) {
    events.add("workload " + host + " " + w.service() + "." + w.id() + " at " + w.time() + " ok=" + w.ok() + " failed=" + w.failed()
        + " p99=" + w.p99Ms());
  }

  @Override
  public void agentEnded(String host, AgentMessage.Ended e, long elapsedMillis) {
    events.add("agent ended " + host + " " + e.outcome() + " healed " + e.healed());
  }

  @Override
  public void ended(RunCoordinator.Result result) {
    events.add("ended " + result.outcome() + " " + result.runDir());
  }
}
