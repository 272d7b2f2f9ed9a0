package dev.reprise.master.run;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.fdsl.plan.StartAction;
import dev.reprise.fdsl.plan.StopAction;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The terminal's view of a run, as a {@link RunListener}: every message as a line, and while the run
 * runs the live progress line — elapsed / end, the next moment, alive containers per service, the
 * last action and its firing error. On a terminal it is redrawn in place every tick; otherwise a
 * line is printed only when something other than the elapsed time changed. Called on the
 * coordinator's thread (the listener contract), and from other threads for their lines (the safety
 * loop's): every method is synchronized, so a line never cuts into the progress line.
 */
public final class ProgressView implements RunListener {
  private final PrintStream err;
  private final boolean tty;
  private final Plan plan;
  /** Per host, its agent's latest alive counts (each agent counts the containers on its own host). */
  private final Map<String, Map<String, Integer>> aliveByHost = new TreeMap<>();
  private AgentMessage.Progress last;
  private String lastPrinted = "";
  private boolean lineOpen;

  public ProgressView(PrintStream err, boolean tty, Plan plan) {
    this.err = err;
    this.tty = tty;
    this.plan = plan;
  }

  @Override
  public synchronized void message(Level level, String text) {
    message(text);
  }

  @Override
  public synchronized void armed(java.time.Instant t0, Map<String, AgentMessage.Armed> byHost) {
    byHost.forEach((host, ack) -> armed(host, ack.alive()));
  }

  @Override
  public synchronized void actionFired(String host, AgentMessage.Progress progress, long elapsedMillis) {
    progress(host, progress, elapsedMillis);
  }

  /** The conversation is over once the agents stop: the progress line ends. */
  @Override
  public synchronized void stateChanged(RunCoordinator.State from, RunCoordinator.State to) {
    if (to == RunCoordinator.State.STOPPING_AGENT || to == RunCoordinator.State.DONE) close();
  }

  /**
   * A host's alive counts at arm: from then on the line shows, per service, the sum of every host's
   * latest counts (until the first one arrives, the plan's beginning).
   */
  public synchronized void armed(String host, Map<String, Integer> hostAlive) {
    if (hostAlive != null) aliveByHost.put(host, Map.copyOf(hostAlive));
  }

  /** Records one action {@code host}'s agent fired, with its host's alive counts after it. */
  public synchronized void progress(String host, AgentMessage.Progress p, long elapsedMillis) {
    last = p;
    if (p.alive() != null) aliveByHost.put(host, Map.copyOf(p.alive()));
    tick(elapsedMillis);
  }

  /** Per service, the sum of every host's latest counts; the plan's beginning until a host has reported. */
  private Map<String, Integer> alive() {
    if (aliveByHost.isEmpty()) return new TreeMap<>(plan.beginning());
    var sum = new TreeMap<String, Integer>();
    plan.beginning().keySet().forEach(s -> sum.put(s, 0));
    aliveByHost.values().forEach(m -> m.forEach((s, n) -> sum.merge(s, n == null ? 0 : n, Integer::sum)));
    return sum;
  }

  /** Redraws (terminal) or prints when changed (otherwise). */
  @Override
  public synchronized void tick(long elapsedMillis) {
    String body = body(elapsedMillis);
    String line = "[" + seconds(Math.max(0, elapsedMillis)) + " / " + seconds(plan.endMillis()) + "] " + body;
    if (tty) {
      err.print("\r\033[K" + line);
      err.flush();
      lineOpen = true;
    } else if (!body.equals(lastPrinted)) {
      err.println(line);
      lastPrinted = body;
    }
  }

  /** Prints a message above the progress line. */
  public synchronized void message(String text) {
    if (tty && lineOpen) err.print("\r\033[K");
    err.println(text);
    if (tty && lineOpen) {
      lineOpen = false;
    }
  }

  /** Ends the progress line (terminal: moves to a fresh line). */
  public synchronized void close() {
    if (tty && lineOpen) err.println();
    lineOpen = false;
  }

  /** The line without its elapsed-time prefix; package-private for tests. */
  String body(long elapsedMillis) {
    var sb = new StringBuilder();
    PlannedAction next = plan.actions().stream()
        .filter(a -> a.offsetMillis() > elapsedMillis && (last == null || last.seq() == null || a.seq() > last.seq()))
        .findFirst().orElse(null);
    sb.append(next == null ? "next: end at " + seconds(plan.endMillis()) : "next: " + seconds(next.offsetMillis()) + " " + describe(next));
    sb.append(" | alive ").append(alive().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
    if (last != null) {
      sb.append(" | last: #").append(last.seq()).append(' ').append(last.action());
      if (last.service() != null) sb.append(' ').append(last.service()).append(last.ids() == null ? "" : last.ids().toString());
      sb.append(' ').append(last.outcome());
      if (last.firingErrorMs() != null) sb.append(String.format(Locale.ROOT, " (%+.0f ms)", last.firingErrorMs()));
    }
    return sb.toString();
  }

  private static String describe(PlannedAction a) {
    if (a instanceof MarkAction m) return "mark \"" + m.text() + "\"";
    if (a instanceof StartAction s) return "start " + s.service() + s.ids();
    if (a instanceof StopAction s) return "stop " + s.service() + s.ids();
    var f = (FaultAction) a;
    return f.fault().type() + " " + f.service() + f.ids();
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? (millis / 1000) + "s" : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
  }
}
