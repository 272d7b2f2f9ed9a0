package dev.reprise.agent;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The master's side of one {@link Agent} conversation in-process: the agent runs on its own thread
 * over piped streams; lines sent are encoded master messages, lines received are decoded into
 * {@link #received}. Shared by the unit tests' {@link AgentHarness} (fakes) and {@code AgentIT} (real
 * Docker).
 */
final class PipedConversation implements AutoCloseable {
  final Agent agent;
  final BlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
  final CompletableFuture<String> outcome;
  private final PipedOutputStream toAgent = new PipedOutputStream();
  private final Duration closeTimeout;

  /** Starts {@code agent.run} on a pool thread; {@code closeTimeout} is how long {@link #close} waits for its end. */
  PipedConversation(Agent agent, Duration closeTimeout) throws IOException {
    this.agent = agent;
    this.closeTimeout = closeTimeout;
    var agentIn = new PipedInputStream(toAgent, 1 << 20);
    var fromAgent = new PipedInputStream(1 << 20);
    var agentOut = new PipedOutputStream(fromAgent);
    outcome = CompletableFuture.supplyAsync(() -> agent.run(agentIn, agentOut));
    var reader = new Thread(() -> {
      try (var r = new BufferedReader(new InputStreamReader(fromAgent, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) received.add(ProtocolCodec.decodeAgent(line));
      } catch (Exception e) {
        // the agent closed its output
      }
    });
    reader.setDaemon(true);
    reader.start();
  }

  void send(MasterMessage m) throws IOException {
    sendRaw(ProtocolCodec.encode(m));
  }

  synchronized void sendRaw(String line) throws IOException {
    toAgent.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    toAgent.flush();
  }

  /** EOF on the agent's input, as when the master's connection drops. */
  void closeInput() throws IOException {
    toAgent.close();
  }

  /**
   * The next message of {@code type} within {@code within}, skipping others.
   *
   * @param failOnError whether an {@code error} message fails the wait at once (with its text)
   */
  <T extends AgentMessage> T expect(Class<T> type, Duration within, boolean failOnError) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      var m = received.poll(100, TimeUnit.MILLISECONDS);
      if (failOnError && m instanceof AgentMessage.Error e && type != AgentMessage.Error.class) {
        throw new AssertionError("agent error: " + e.message());
      }
      if (type.isInstance(m)) return type.cast(m);
    }
    throw new AssertionError("no " + type.getSimpleName() + " message within " + within.toSeconds() + " s");
  }

  /** Closes the agent's input and waits for its conversation to end. */
  @Override
  public void close() throws Exception {
    toAgent.close();
    outcome.get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
