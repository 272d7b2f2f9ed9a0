package dev.reprise.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.testing.FakeContainerRuntime;
import dev.reprise.agent.testing.FakeHostOps;
import dev.reprise.agent.testing.ManualClock;
import dev.reprise.agent.time.ClockOffset;
import dev.reprise.agent.time.ClockSync;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs an {@link Agent} in-process over piped streams with a manual clock and fakes, as the master would. */
final class AgentHarness implements AutoCloseable {
  final ManualClock clock;
  final FakeContainerRuntime runtime = new FakeContainerRuntime();
  final FakeHostOps host = new FakeHostOps(runtime);
  final Agent agent;
  final BlockingQueue<AgentMessage> received;
  final CompletableFuture<String> outcome;
  private final PipedConversation conversation;

  AgentHarness(Instant start) throws Exception {
    this(start, c -> ClockOffset.NONE, Duration.ZERO);
  }

  /** An agent whose clock sync (for any {@code ntp_server}) is {@code clockSync}, re-measured every {@code resync}. */
  AgentHarness(Instant start, ClockSync clockSync, Duration resync) throws Exception {
    clock = new ManualClock(start);
    agent = new Agent(new Agent.Dependencies(runtime, runtime, host, null, server -> clockSync, () -> clock,
        c -> clock, resync, 2));
    conversation = new PipedConversation(agent, Duration.ofSeconds(20));
    received = conversation.received;
    outcome = conversation.outcome;
  }

  void send(MasterMessage m) throws Exception {
    conversation.send(m);
  }

  void sendRaw(String line) throws Exception {
    conversation.sendRaw(line);
  }

  void closeInput() throws Exception {
    conversation.closeInput();
  }

  /** The next message of {@code type} within 10 s, skipping heartbeats and others. */
  <T extends AgentMessage> T expect(Class<T> type) throws InterruptedException {
    return conversation.expect(type, Duration.ofSeconds(30), false); // a bound, not a wait: a loaded CI box can be slow
  }

  /** Waits until the agent is in {@code state}. */
  void awaitState(Agent.State state) throws InterruptedException {
    for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < until && agent.state() != state; ) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    assertThat(agent.state()).isEqualTo(state);
  }

  @Override
  public void close() throws Exception {
    conversation.close();
  }
}
