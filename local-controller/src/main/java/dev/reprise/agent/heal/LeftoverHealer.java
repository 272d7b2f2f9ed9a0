package dev.reprise.agent.heal;

import java.util.ArrayList;
import java.util.List;

/**
 * Heals what agents that are gone left in a host's heal journal: every entry whose writing agent
 * (PID and start time) no longer runs is undone ({@link UndoRunner}) and deleted. An entry whose
 * undo fails stays for the next attempt. Used by the agent before it does anything else in a
 * conversation, by its watchdog once it died ({@link HealMain}), and by the tests.
 */
public final class LeftoverHealer {

  /** What one sweep did. */
  public record Report(int healed, List<String> problems) {}

  private LeftoverHealer() {}

  /** Heals every entry of {@code store} whose agent is gone. */
  public static Report healLeftovers(HealJournalStore store, UndoRunner undo) {
    var problems = new ArrayList<String>();
    int healed = 0;
    for (var stored : store.list(problems)) {
      var e = stored.entry();
      if (agentAlive(e)) continue;
      var failed = undo.run(e.undo());
      if (failed.isEmpty()) {
        store.remove(stored.file());
        healed++;
      } else {
        problems.add("run " + e.runId() + " action " + e.seq() + " (" + e.label() + " on " + e.service() + "." + e.id()
            + " via " + e.mechanism() + "): " + String.join("; ", failed));
      }
    }
    return new Report(healed, problems);
  }

  /** Whether the agent that wrote {@code e} still runs (same PID and start time); this process counts as alive. */
  static boolean agentAlive(HealJournalStore.Entry e) {
    var h = ProcessHandle.of(e.agentPid());
    if (h.isEmpty() || !h.get().isAlive()) return false;
    if (e.agentStart() == null) return true;
    var start = h.get().info().startInstant();
    // start times from /proc have a resolution of clock ticks: allow a second
    return start.isEmpty() || Math.abs(start.get().toEpochMilli() - e.agentStart().toEpochMilli()) < 1000;
  }
}
