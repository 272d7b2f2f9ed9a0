package dev.reprise.master.run;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.agentlink.AgentConnection.Incoming;
import dev.reprise.master.run.time.Ticker;
import dev.reprise.time.Time;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The master's one conversation with the agents of a run, from hello (and pre-flight) to ended: one agent on the
 * local engine, one per host in a multi-host run. {@code master run} (through the
 * {@link RunCoordinator}), the tests and the benchmarks all talk to agents through this class.
 *
 * <p>Threads: every method is called from one thread, the owner's (the coordinator's). Heartbeats
 * go out on their own schedule, on the {@link Ticker}'s thread, every {@code heartbeat} from
 * {@link #open} until {@link #close}, to every agent that has neither ended nor been lost — so a
 * caller busy with slow work (a deploy, SSH probes in a test) never lets an agent's dead-man switch
 * fire ({@link TimingContract}). {@link AgentConnection#send} is therefore called from two threads.
 *
 * <p>A host whose agent's stream closes (or whose sends fail) after arm is <em>lost</em>: reported
 * once as a {@link Lost} event; the others go on. Before arm, any failure of one agent fails the
 * step for all ({@link Failed}).
 */
public final class AgentSession implements AutoCloseable {

  /** Something one host's agent did, as {@link #next} hands it on. */
  public sealed interface Event {
    String host();
  }

  /** A well-formed message ({@code ended} ones are also recorded in {@link #ended}). */
  public record Said(String host, AgentMessage message) implements Event {}

  /** A line that is not a protocol message. */
  public record Garbled(String host, String problem) implements Event {}

  /** The host's agent is gone (its stream closed or sends failed) before it ended the run. */
  public record Lost(String host, String why) implements Event {}

  /** A step (hello, arm) failed; the message is the run's reason, in the run's wording. */
  public static final class Failed extends Exception {
    public Failed(String reason) {
      super(reason);
    }
  }

  private final Map<String, AgentConnection> links;
  private final Time time;
  private final Map<String, Long> lastHeard = new HashMap<>();
  private final Map<String, AgentMessage.Ended> ended = new LinkedHashMap<>();
  private final Map<String, String> lost = new LinkedHashMap<>();
  /** Hosts the heartbeat thread skips: ended or lost. */
  private final Set<String> done = ConcurrentHashMap.newKeySet();
  /** Hosts a send failed to (from either thread), with the error. */
  private final Map<String, String> sendFailed = new ConcurrentHashMap<>();
  private final Ticker.Ticket heartbeats;
  private Supplier<String> cancel = () -> null;
  private int nextPoll;

  private AgentSession(Map<String, AgentConnection> links, Time time, Ticker ticker, Duration heartbeat) {
    this.links = new LinkedHashMap<>(links);
    this.time = time;
    long now = time.nanoTime();
    links.keySet().forEach(h -> lastHeard.put(h, now));
    this.heartbeats = ticker.every(heartbeat, "agent-heartbeats", this::heartbeatAll);
  }

  /**
   * Takes over {@code links} (host → its agent's connection, in order: the first host is the swarm
   * manager) and starts heartbeating them. The session closes them.
   */
  public static AgentSession open(Map<String, AgentConnection> links, Time time, Ticker ticker, Duration heartbeat) {
    if (links.isEmpty()) throw new IllegalArgumentException("a session needs at least one agent");
    return new AgentSession(links, time, ticker, heartbeat);
  }

  /**
   * {@link #hello} and {@link #arm} stop waiting with an {@link InterruptedException} carrying the
   * reason as soon as {@code reason} returns non-null (the run's abort signal).
   */
  public AgentSession cancelWhen(Supplier<String> reason) {
    this.cancel = reason;
    return this;
  }

  /** Every host, in order (the first is the manager). */
  public List<String> hosts() {
    return List.copyOf(links.keySet());
  }

  /** True with one agent: messages then say "the agent", not "the agent on HOST". */
  public boolean single() {
    return links.size() == 1;
  }

  /** "the agent" alone, "the agent on HOST" in a multi-host run. */
  public String who(String host) {
    return single() ? "the agent" : "the agent on " + host;
  }

  /** "the agent" alone, "the agents on H1, H2" in a multi-host run. */
  public String whoAll(Collection<String> hosts) {
    return single() ? "the agent" : "the agents on " + String.join(", ", hosts);
  }

  /** Hosts whose agent has neither ended nor been lost, in order. */
  public List<String> live() {
    var l = new ArrayList<String>();
    for (String h : links.keySet()) if (!ended.containsKey(h) && !lost.containsKey(h)) l.add(h);
    return l;
  }

  /** The {@code ended} of every agent that ended, by host. */
  public Map<String, AgentMessage.Ended> ended() {
    return Map.copyOf(ended);
  }

  /** Hosts lost before they ended, with why (in the order they were lost). */
  public Map<String, String> lost() {
    return new LinkedHashMap<>(lost);
  }

  /**
   * Sends {@code hello} to every agent and waits for every answer until {@code timeout}; returns
   * them by host, in order. {@code others} gets whatever else the agents say meanwhile. Throws
   * {@link Failed} when one did not answer, refused, spoke another protocol or went away.
   */
  public Map<String, AgentMessage.Hello> hello(String runId, Duration timeout, Consumer<Event> others)
      throws Failed, InterruptedException {
    for (String h : links.keySet()) send(h, new MasterMessage.Hello(AgentMessage.PROTOCOL, runId, h));
    var hellos = new LinkedHashMap<String, AgentMessage.Hello>();
    long deadline = time.nanoTime() + timeout.toNanos();
    for (String h : links.keySet()) {
      var hello = (AgentMessage.Hello) await(h, m -> m instanceof AgentMessage.Hello, deadline, timeout, "hello", others);
      if (hello.protocol() != null && hello.protocol() != AgentMessage.PROTOCOL) {
        throw new Failed(who(h) + " speaks protocol " + hello.protocol() + ", this master " + AgentMessage.PROTOCOL);
      }
      hellos.put(h, hello);
    }
    return hellos;
  }

  /**
   * Sends {@code preflight} to every agent at once (their checks run in parallel) and collects every
   * answer until {@code timeout}; returns one report per host, in order, and never fails for one
   * host: an agent that did not answer, refused or went away gets a report whose one problem says so.
   * {@code others} gets whatever else the agents say meanwhile. Call after {@link #hello}.
   */
  public Map<String, AgentMessage.PreflightReport> preflight(MasterMessage.Preflight preflight, Duration timeout,
      Consumer<Event> others) throws InterruptedException {
    for (String h : links.keySet()) send(h, preflight);
    var reports = new LinkedHashMap<String, AgentMessage.PreflightReport>();
    long deadline = time.nanoTime() + timeout.toNanos();
    for (String h : links.keySet()) {
      try {
        reports.put(h, (AgentMessage.PreflightReport) await(h, m -> m instanceof AgentMessage.PreflightReport, deadline, timeout,
            "preflight_report", others));
      } catch (Failed e) {
        reports.put(h, new AgentMessage.PreflightReport(null, null, preflight.ntpServer(), null, null, Map.of(),
            List.of(e.getMessage())));
      }
    }
    return reports;
  }

  /**
   * Sends each agent its {@code arm} ({@code armFor} builds it from the host and whether it is the
   * manager, i.e. the first) and waits until every one confirmed. When one does not, the others
   * (which may have armed already) are told to abort with the reason before {@link Failed} is thrown.
   */
  public Map<String, AgentMessage.Armed> arm(BiFunction<String, Boolean, MasterMessage.Arm> armFor, Duration timeout,
      Consumer<Event> others) throws Failed, InterruptedException {
    boolean manager = true;
    for (String h : links.keySet()) {
      send(h, armFor.apply(h, manager));
      manager = false;
    }
    var acks = new LinkedHashMap<String, AgentMessage.Armed>();
    long deadline = time.nanoTime() + timeout.toNanos();
    for (String h : links.keySet()) {
      try {
        acks.put(h, (AgentMessage.Armed) await(h, m -> m instanceof AgentMessage.Armed, deadline, timeout, "armed", others));
      } catch (Failed e) {
        // the others must not fire (closing would stop them too; this says why)
        for (String other : links.keySet()) if (!other.equals(h)) send(other, new MasterMessage.Abort(e.getMessage()));
        throw e;
      }
    }
    return acks;
  }

  /**
   * The next thing a live agent did, waiting up to about {@code timeout}; null when none said
   * anything in that time, or none is live. An {@code ended} is recorded before it is returned; a
   * lost host is returned once as {@link Lost} and polled no more.
   */
  public Event next(Duration timeout) throws InterruptedException {
    for (String h : live()) {
      if (sendFailed.containsKey(h)) return lose(h, "the agent's stream closed before it ended the run");
    }
    var polling = live();
    if (polling.isEmpty()) return null;
    long slice = Math.max(1, timeout.toNanos() / polling.size());
    for (int i = 0; i < polling.size(); i++) {
      String h = polling.get((nextPoll + i) % polling.size());
      Incoming in = links.get(h).poll(Duration.ofNanos(slice));
      if (in == null) continue;
      nextPoll = (nextPoll + i + 1) % polling.size(); // the next call starts with the host after this one
      if (in instanceof Incoming.Closed c) {
        return lose(h, "the agent's stream closed before it ended the run" + (c.cause() == null ? "" : ": " + c.cause()));
      }
      if (in instanceof Incoming.Garbled g) return new Garbled(h, g.problem());
      var m = ((Incoming.Message) in).message();
      lastHeard.put(h, time.nanoTime());
      if (m instanceof AgentMessage.Ended e) {
        ended.put(h, e);
        done.add(h);
      }
      return new Said(h, m);
    }
    return null;
  }

  /**
   * Hands every event to {@code listener} until every agent ended or was lost, or {@code timeout}
   * passed; true when they all ended or were lost. For callers that only watch (tests, benchmarks).
   */
  public boolean awaitEnd(Duration timeout, Consumer<Event> listener) throws InterruptedException {
    long until = time.nanoTime() + timeout.toNanos();
    while (!live().isEmpty()) {
      long left = until - time.nanoTime();
      if (left <= 0) return false;
      var e = next(Duration.ofNanos(Math.min(left, 200_000_000L)));
      if (e != null) listener.accept(e);
    }
    return true;
  }

  /** Live hosts whose agent said nothing for {@code silence} or longer. */
  public List<String> silentFor(Duration silence) {
    long now = time.nanoTime();
    var silent = new ArrayList<String>();
    for (String h : live()) if (now - lastHeard.get(h) >= silence.toNanos()) silent.add(h);
    return silent;
  }

  /**
   * Passes on what {@code from}'s agent reported of a container of its host ({@code addresses}) to
   * every other live agent ({@code peers}), so faults that name containers of other hosts can
   * find them. Nothing is sent with a single agent.
   */
  public void relayAddresses(String from, AgentMessage.Addresses a) {
    if (single() || a.service() == null || a.id() == null) return;
    var peers = new MasterMessage.Peers(List.of(new MasterMessage.Peer(a.service(), a.id(), a.container(), from, a.addresses())));
    for (String h : live()) if (!h.equals(from)) send(h, peers);
  }

  /** Tells every live agent that triggered moment {@code moment} fires at {@code instant}. */
  public void fireMoment(int moment, java.time.Instant instant) {
    for (String h : live()) send(h, new MasterMessage.FireMoment(moment, instant));
  }

  /** Asks every live agent to abort: heal, flush, {@code ended aborted}. */
  public void abort(String reason) {
    for (String h : live()) send(h, new MasterMessage.Abort(reason));
  }

  /** Stops the heartbeats and closes every link: an agent that has not ended sees EOF and heals. Idempotent. */
  @Override
  public void close() {
    heartbeats.cancel();
    links.values().forEach(AgentConnection::close);
  }

  private Event lose(String host, String why) {
    lost.put(host, why);
    done.add(host);
    return new Lost(host, why);
  }

  /** The heartbeat thread's task. */
  private void heartbeatAll() {
    for (var e : links.entrySet()) {
      if (done.contains(e.getKey()) || sendFailed.containsKey(e.getKey())) continue;
      send(e.getKey(), new MasterMessage.Heartbeat(time.now()));
    }
  }

  private void send(String host, MasterMessage m) {
    if (sendFailed.containsKey(host)) return;
    try {
      links.get(host).send(m);
    } catch (IOException e) {
      sendFailed.putIfAbsent(host, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /**
   * Waits until {@code host}'s agent sends the message {@code wanted} accepts; the other agents'
   * messages wait in their links. Throws {@link Failed} (in the run's wording) when it does not come
   * before {@code deadline}; once the deadline passed, what is already waiting in the link is still read.
   */
  private AgentMessage await(String host, Predicate<AgentMessage> wanted, long deadline, Duration timeout, String what,
      Consumer<Event> others) throws Failed, InterruptedException {
    var link = links.get(host);
    while (true) {
      String cancelled = cancel.get();
      if (cancelled != null) throw new InterruptedException(cancelled);
      long now = time.nanoTime();
      // Past the deadline (spent waiting for another host), what this host already sent still counts.
      boolean late = now >= deadline;
      if (sendFailed.containsKey(host)) throw new Failed(who(host) + "'s stream closed before it sent " + what);
      Incoming in = link.poll(Duration.ofNanos(late ? 1 : Math.max(1, Math.min(deadline - now, 200_000_000L))));
      if (in == null) {
        if (late) throw new Failed(who(host) + " did not send " + what + " within " + timeout.toSeconds() + " s");
        continue;
      }
      if (in instanceof Incoming.Closed c) {
        throw new Failed(who(host) + "'s stream closed before it sent " + what + (c.cause() == null ? "" : ": " + c.cause()));
      }
      if (in instanceof Incoming.Garbled g) {
        others.accept(new Garbled(host, g.problem()));
        continue;
      }
      var m = ((Incoming.Message) in).message();
      lastHeard.put(host, time.nanoTime());
      if (wanted.test(m)) return m;
      if (m instanceof AgentMessage.Error e) {
        String step = what.equals("armed") ? "the plan" : what.equals("preflight_report") ? "the pre-flight" : "the hello";
        throw new Failed(who(host) + " refused " + step + ": " + e.message());
      }
      if (m instanceof AgentMessage.Ended e) {
        throw new Failed(who(host) + " ended before the run began: " + e.outcome() + (e.reason() == null ? "" : " (" + e.reason() + ")"));
      }
      others.accept(new Said(host, m));
    }
  }
}
