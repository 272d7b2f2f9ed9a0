package dev.reprise.master.run;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.time.ManualTime;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * An agent that answers by the protocol on a manual clock: hello → hello, preflight → a report
 * (its problems {@link #preflightProblems}), arm → armed, then one
 * progress per planned action at T0 + offset and {@code ended ok} at T0 + end, heartbeats every
 * second; abort → {@code ended aborted}. Switches make it misbehave. Records what the master sent
 * as readable strings in {@link #received}.
 */
final class FakeAgent implements AgentConnection {
  private record Due(Instant at, long order, Incoming what) {}

  final List<String> received = new ArrayList<>();
  private final ManualTime time;
  private final PriorityQueue<Due> outbox = new PriorityQueue<>((a, b) -> a.at.equals(b.at)
      ? Long.compare(a.order, b.order) : a.at.compareTo(b.at));
  private long order;
  boolean closed;
  /** Problems the pre-flight report lists (none: the host can arm). */
  List<String> preflightProblems = List.of();
  /** Answer preflight with this error (an older agent that does not know the message). */
  String refusePreflight;
  /** Say nothing to preflight (an agent whose checks hang). */
  boolean silentOnPreflight;
  /** Reply to arm with this error instead of armed. */
  String refuseArm;
  /** After armed, say nothing more until abort (a wedged agent). */
  boolean silentAfterArm;
  /** Fall silent on abort instead of answering (a hung agent). */
  boolean ignoreAbort;
  /** Said after armed, each at T0 + its offset in ms (e.g. workload samples). */
  final List<Map.Entry<Long, AgentMessage>> afterArm = new ArrayList<>();
  /** Whether it heartbeats every second after armed (false: only its other messages show it is alive). */
  boolean heartbeats = true;
  /** The swarm node ID its hello reports. */
  String nodeId = "node1";
  /** Called with every message the master sends, after the fake handled it. */
  Consumer<MasterMessage> onSend = m -> {};

  FakeAgent(ManualTime time) {
    this.time = time;
  }

  private void at(Instant when, AgentMessage m) {
    outbox.add(new Due(when, order++, new Incoming.Message(m)));
  }

  @Override
  public void send(MasterMessage m) throws IOException {
    if (closed) throw new IOException("closed");
    if (m instanceof MasterMessage.Hello h) {
      received.add("hello " + h.runId());
      at(time.now(), new AgentMessage.Hello(1, "test", "box", nodeId, "20.10.24", "6.1.0", 2, 24L << 30));
    } else if (m instanceof MasterMessage.Preflight p) {
      received.add("preflight ntp=" + p.ntpServer() + " features=" + p.features());
      if (refusePreflight != null) {
        at(time.now(), new AgentMessage.Error(refusePreflight));
      } else if (!silentOnPreflight) {
        var features = new java.util.LinkedHashMap<String, String>();
        p.features().forEach(f -> features.put(f, "ok"));
        at(time.now(), new AgentMessage.PreflightReport("20.10.24", "manager", p.ntpServer(), p.ntpServer() == null ? null : 0.4,
            p.ntpServer() == null ? null : 0.1, features, preflightProblems));
      }
    } else if (m instanceof MasterMessage.Arm a) {
      received.add("arm stack=" + a.stack() + " services=" + a.services() + " t0=" + a.t0());
      if (refuseArm != null) {
        at(time.now(), new AgentMessage.Error(refuseArm));
        return;
      }
      at(time.now(), new AgentMessage.Armed(1.5, null));
      if (silentAfterArm) return;
      var plan = PlanJson.read(a.plan().toString());
      for (PlannedAction act : plan.actions()) {
        at(a.t0().plusMillis(act.offsetMillis()), new AgentMessage.Progress(a.t0().plusMillis(act.offsetMillis()), act.seq(),
            act.action(), null, List.of(), "ok", 2.0, Map.of("web", 2)));
      }
      afterArm.forEach(e -> at(a.t0().plusMillis(e.getKey()), e.getValue()));
      for (long s = 1000; heartbeats && s < plan.endMillis(); s += 1000) at(a.t0().plusMillis(s), new AgentMessage.Heartbeat(a.t0().plusMillis(s)));
      at(a.t0().plusMillis(plan.endMillis()), new AgentMessage.Ended("ok", null, 0));
    } else if (m instanceof MasterMessage.Heartbeat) {
      if (received.isEmpty() || !received.get(received.size() - 1).equals("heartbeat")) received.add("heartbeat");
    } else if (m instanceof MasterMessage.Peers ps) {
      ps.peers().forEach(p -> received.add("peer " + p.service() + "." + p.id() + " on " + p.host() + " " + p.addresses()));
    } else if (m instanceof MasterMessage.Abort ab) {
      received.add("abort " + ab.reason());
      outbox.clear();
      if (!ignoreAbort) {
        at(time.now(), new AgentMessage.Ended("aborted", ab.reason(), 1));
      }
    }
    onSend.accept(m);
  }

  @Override
  public Incoming poll(Duration timeout) {
    var next = outbox.peek();
    if (next != null && !next.at.isAfter(time.now())) return outbox.poll().what;
    time.advance(timeout);
    return null;
  }

  @Override
  public void close() {
    received.add("close");
    closed = true;
  }
}
