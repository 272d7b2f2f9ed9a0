package dev.reprise.master.remote;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.run.time.Time;
import dev.reprise.master.ssh.RemoteHost;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One agent per host for one run, spoken to over SSH exec channels: the multi-host counterpart of
 * the embedded agent session. The caller drives it from one thread: {@link #hello}, {@link #arm}
 * (every agent gets the same plan and T0; only the first host is the manager, which records marks
 * and does {@code start} actions), then {@link #pump} repeatedly (sends heartbeats, hands every
 * incoming message to a listener, notices lost hosts), and {@link #close}. A host whose agent dies
 * or whose connection drops is recorded in {@link #lost()} and the others go on.
 */
public final class AgentFleet implements AutoCloseable {
  /** One incoming message with the host it came from. */
  public record Event(String host, AgentConnection.Incoming incoming) {}

  private final Map<String, AgentConnection> agents = new LinkedHashMap<>();
  private final Map<String, AgentMessage.Hello> hellos = new LinkedHashMap<>();
  private final Map<String, AgentMessage.Armed> armed = new LinkedHashMap<>();
  private final Map<String, AgentMessage.Ended> ended = new LinkedHashMap<>();
  private final Map<String, String> lost = new LinkedHashMap<>();

  /** Starts the agent on every host (in order; the first is the manager). */
  public static AgentFleet start(List<RemoteHost> hosts, Duration exitWait, Time time) throws IOException {
    var fleet = new AgentFleet(time);
    try {
      for (var h : hosts) fleet.agents.put(h.spec().name(), RemoteAgents.start(h, exitWait));
    } catch (IOException e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }

  private final Time time;

  private AgentFleet(Time time) {
    this.time = time;
  }

  public List<String> hosts() {
    return List.copyOf(agents.keySet());
  }

  /** Sends {@code hello} to all and waits for every answer; throws naming the hosts that did not answer. */
  public Map<String, AgentMessage.Hello> hello(String runId, Duration timeout, Consumer<Event> others)
      throws IOException, InterruptedException {
    for (var e : agents.entrySet()) e.getValue().send(new MasterMessage.Hello(AgentMessage.PROTOCOL, runId, e.getKey()));
    awaitAll(hellos, AgentMessage.Hello.class, timeout, others, "hello");
    return Map.copyOf(hellos);
  }

  /**
   * Sends each host its {@code arm} ({@code armFor} builds it from the host name and whether it is
   * the manager) and waits until every agent confirmed; throws (the caller aborts the run) when one
   * refused, went silent or was lost.
   */
  public Map<String, AgentMessage.Armed> arm(java.util.function.BiFunction<String, Boolean, MasterMessage.Arm> armFor,
      Duration timeout, Consumer<Event> others) throws IOException, InterruptedException {
    boolean first = true;
    for (var e : agents.entrySet()) {
      e.getValue().send(armFor.apply(e.getKey(), first));
      first = false;
    }
    awaitAll(armed, AgentMessage.Armed.class, timeout, others, "armed");
    return Map.copyOf(armed);
  }

  @SuppressWarnings("unchecked")
  private <T extends AgentMessage> void awaitAll(Map<String, T> into, Class<T> type, Duration timeout, Consumer<Event> others,
      String what) throws IOException, InterruptedException {
    long until = time.nanoTime() + timeout.toNanos();
    while (into.size() + lost.size() < agents.size() && time.nanoTime() < until) {
      for (var e : agents.entrySet()) {
        if (into.containsKey(e.getKey()) || lost.containsKey(e.getKey())) continue;
        var in = e.getValue().poll(Duration.ofMillis(50));
        if (in instanceof AgentConnection.Incoming.Message m && type.isInstance(m.message())) {
          into.put(e.getKey(), (T) m.message());
        } else if (in instanceof AgentConnection.Incoming.Message m && m.message() instanceof AgentMessage.Error err) {
          lost.put(e.getKey(), "refused " + what + ": " + err.message());
        } else if (in instanceof AgentConnection.Incoming.Closed c) {
          lost.put(e.getKey(), "the agent ended before " + what + (c.cause() == null ? "" : ": " + c.cause()));
        } else if (in != null) {
          others.accept(new Event(e.getKey(), in));
        }
      }
    }
    if (into.size() < agents.size()) {
      var missing = new ArrayList<String>();
      for (String h : agents.keySet()) {
        if (!into.containsKey(h)) missing.add(h + ": " + lost.getOrDefault(h, "no " + what + " within " + timeout.toSeconds() + " s"));
      }
      throw new IOException("not every agent answered " + what + ": " + String.join("; ", missing));
    }
  }

  /**
   * Sends a heartbeat to every live agent, then hands on what they said during about {@code wait}.
   * {@code ended} messages and lost hosts are recorded. Returns true while some agent is still running.
   */
  public boolean pump(Duration wait, Consumer<Event> listener) throws InterruptedException {
    for (var e : agents.entrySet()) {
      if (ended.containsKey(e.getKey()) || lost.containsKey(e.getKey())) continue;
      try {
        e.getValue().send(new MasterMessage.Heartbeat(time.now()));
      } catch (IOException x) {
        lost.put(e.getKey(), "cannot reach the agent: " + x.getMessage());
      }
    }
    long until = time.nanoTime() + wait.toNanos();
    do {
      for (var e : agents.entrySet()) {
        if (ended.containsKey(e.getKey()) || lost.containsKey(e.getKey())) continue;
        AgentConnection.Incoming in;
        while ((in = e.getValue().poll(Duration.ofMillis(10))) != null) {
          if (in instanceof AgentConnection.Incoming.Message m && m.message() instanceof AgentMessage.Ended end) {
            ended.put(e.getKey(), end);
          } else if (in instanceof AgentConnection.Incoming.Closed c) {
            lost.put(e.getKey(), "the agent's connection closed before it ended" + (c.cause() == null ? "" : ": " + c.cause()));
            break;
          }
          listener.accept(new Event(e.getKey(), in));
          if (ended.containsKey(e.getKey())) break;
        }
      }
    } while (time.nanoTime() < until);
    return ended.size() + lost.size() < agents.size();
  }

  /** Asks every live agent to abort (heal, flush, {@code ended aborted}). */
  public void abort(String reason) {
    for (var e : agents.entrySet()) {
      if (ended.containsKey(e.getKey()) || lost.containsKey(e.getKey())) continue;
      try {
        e.getValue().send(new MasterMessage.Abort(reason));
      } catch (IOException x) {
        lost.put(e.getKey(), "cannot reach the agent to abort: " + x.getMessage());
      }
    }
  }

  public Map<String, AgentMessage.Ended> ended() {
    return Map.copyOf(ended);
  }

  /** Hosts lost mid-run, with why. */
  public Map<String, String> lost() {
    return Map.copyOf(lost);
  }

  /** Closes every channel: agents that have not ended see EOF and heal (dead-man switch). */
  @Override
  public void close() {
    for (var a : agents.values()) a.close();
  }
}
