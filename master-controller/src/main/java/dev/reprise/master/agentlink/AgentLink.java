package dev.reprise.master.agentlink;

import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.agent.protocol.ProtocolCodec.ProtocolException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@link AgentConnection} over a pair of byte streams carrying JSON lines ({@link ProtocolCodec}). A
 * daemon reader thread turns the agent's lines into {@link Incoming}s on a queue; {@link #send}
 * writes and flushes on the caller's thread (synchronized: the heartbeat thread sends too).
 */
public final class AgentLink implements AgentConnection {
  private final Writer toAgent;
  private final LinkedBlockingQueue<Incoming> inbox = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile Incoming.Closed closed;
  private boolean outputClosed;

  /** Starts reading {@code fromAgent} at once. */
  public AgentLink(InputStream fromAgent, OutputStream toAgent, String name) {
    this.toAgent = new OutputStreamWriter(toAgent, StandardCharsets.UTF_8);
    this.reader = new Thread(() -> read(fromAgent), "agent-link-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  private void read(InputStream in) {
    String cause = null;
    try (var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) continue;
        try {
          inbox.add(new Incoming.Message(ProtocolCodec.decodeAgent(line)));
        } catch (ProtocolException e) {
          inbox.add(new Incoming.Garbled(e.getMessage()));
        }
      }
    } catch (IOException e) {
      cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    closed = new Incoming.Closed(cause);
    inbox.add(closed);
  }

  @Override
  public synchronized void send(MasterMessage message) throws IOException {
    if (outputClosed) throw new IOException("the link to the agent is closed");
    toAgent.write(ProtocolCodec.encode(message));
    toAgent.write('\n');
    toAgent.flush();
  }

  @Override
  public Incoming poll(Duration timeout) throws InterruptedException {
    Incoming next = inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (next == null && closed != null && inbox.isEmpty()) return closed;
    if (next instanceof Incoming.Closed c) {
      inbox.add(c); // stays closed for later polls
    }
    return next;
  }

  @Override
  public synchronized void close() {
    if (outputClosed) return;
    outputClosed = true;
    try {
      toAgent.close();
    } catch (IOException e) {
      // the agent is gone already: nothing to tell it
    }
  }
}
