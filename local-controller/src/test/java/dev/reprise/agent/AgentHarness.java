package dev.reprise.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.agent.testing.FakeContainerRuntime;
import dev.reprise.agent.testing.FakeHostOps;
import dev.reprise.agent.testing.ManualClock;
import dev.reprise.agent.time.ClockOffset;
import dev.reprise.agent.time.ClockSync;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs an {@link Agent} in-process over piped streams with a manual clock and fakes, as the master would. */
final class AgentHarness implements AutoCloseable {
  final ManualClock clock;
  final FakeContainerRuntime runtime = new FakeContainerRuntime();
  final FakeHostOps host = new FakeHostOps(runtime);
  final Agent agent;
  final BlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
  final CompletableFuture<String> outcome;
  private final PipedOutputStream toAgent = new PipedOutputStream();

  AgentHarness(Instant start) throws Exception {
    this(start, c -> ClockOffset.NONE, Duration.ZERO);
  }

  /** An agent whose clock sync (for any {@code ntp_server}) is {@code clockSync}, re-measured every {@code resync}. */
  AgentHarness(Instant start, ClockSync clockSync, Duration resync) throws Exception {
    clock = new ManualClock(start);
    agent = new Agent(new Agent.Dependencies(runtime, host, null, server -> clockSync, () -> clock,
        c -> clock, resync, 2));
    var agentIn = new PipedInputStream(toAgent, 1 << 16);
    var fromAgent = new PipedInputStream(1 << 16);
    var agentOut = new PipedOutputStream(fromAgent);
    outcome = CompletableFuture.supplyAsync(() -> agent.run(agentIn, agentOut));
    var reader = new Thread(() -> {
      try (var r = new BufferedReader(new InputStreamReader(fromAgent, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) received.add(ProtocolCodec.decodeAgent(line));
      } catch (Exception e) {
        // agent closed its output
      }
    });
    reader.setDaemon(true);
    reader.start();
  }

  void send(MasterMessage m) throws Exception {
    toAgent.write((ProtocolCodec.encode(m) + "\n").getBytes(StandardCharsets.UTF_8));
    toAgent.flush();
  }

  void sendRaw(String line) throws Exception {
    toAgent.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    toAgent.flush();
  }

  void closeInput() throws Exception {
    toAgent.close();
  }

  /** The next message of {@code type}, skipping heartbeats and others. */
  <T extends AgentMessage> T expect(Class<T> type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      var m = received.poll(100, TimeUnit.MILLISECONDS);
      if (type.isInstance(m)) return type.cast(m);
    }
    throw new AssertionError("no " + type.getSimpleName() + " message within 10 s");
  }

  /** Waits until the agent is in {@code state}. */
  void awaitState(Agent.State state) throws InterruptedException {
    for (int i = 0; i < 1000 && agent.state() != state; i++) TimeUnit.MILLISECONDS.sleep(10);
    assertThat(agent.state()).isEqualTo(state);
  }

  @Override
  public void close() throws Exception {
    toAgent.close();
    outcome.get(20, TimeUnit.SECONDS);
  }
}
