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
 * {@link AgentConnection} to an agent that speaks the JSON-lines protocol ({@link ProtocolCodec}) on
 * a pair of byte streams — its stdout and stdin — and runs as something that can end: a child
 * process ({@link ChildProcessAgent}), an SSH exec ({@code remote.SshAgent}), a thread in tests. The
 * adapters supply the streams and an {@link AgentProcess}; this class owns the conversation.
 *
 * <p>A daemon reader thread turns the agent's lines into {@link Incoming}s on a queue; {@link #send}
 * writes and flushes on the caller's thread (synchronized: the heartbeat thread sends too). When
 * the agent's stream ends cleanly while the process failed, the {@link Incoming.Closed} says so:
 * "the agent exited with code N: <last line of its stderr>".
 *
 * <p>{@link #close}: closes the agent's stdin (EOF: its dead-man switch heals, flushes and ends),
 * waits up to {@code exitWait} for the agent's stream to end, then {@link AgentProcess#stop}s what
 * is left. Idempotent.
 */
public final class ProcessAgentConnection implements AgentConnection {

  /** What runs the agent, in the words the connection needs. Implementations are thread-safe. */
  public interface AgentProcess {
    /**
     * The exit code once the agent has ended, waiting at most {@code atMost} for that (an
     * implementation that cannot wait answers at once); null while it runs.
     */
    Integer exitCode(Duration atMost) throws InterruptedException;

    /** The end of what the agent wrote to stderr, for diagnosis; empty when there is none. */
    String stderrTail();

    /**
     * Ends the agent. Called once, after its stdin was closed and its stdout ended or
     * {@code grace} passed without that: a polite stop first where the mechanism has one (SIGTERM:
     * the agent's shutdown hook heals), given up to {@code grace}, then a forced one. A zero
     * {@code grace} (the closing thread was interrupted): the polite stop only, without waiting.
     */
    void stop(Duration grace) throws InterruptedException;
  }

  private final Writer toAgent;
  private final AgentProcess process;
  private final Duration exitWait;
  private final LinkedBlockingQueue<Incoming> inbox = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile Incoming.Closed closed;
  private boolean outputClosed;
  private boolean stopped;

  /**
   * Starts reading {@code fromAgent} at once. {@code name} names the reader thread
   * ({@code agent-link-NAME}); {@code exitWait} bounds each of {@link #close}'s two waits.
   */
  public ProcessAgentConnection(InputStream fromAgent, OutputStream toAgent, String name, AgentProcess process, Duration exitWait) {
    this.toAgent = new OutputStreamWriter(toAgent, StandardCharsets.UTF_8);
    this.process = process;
    this.exitWait = exitWait;
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
    if (next == null && closed != null && inbox.isEmpty()) next = closed;
    if (next instanceof Incoming.Closed c) {
      inbox.add(c); // stays closed for later polls
      if (c.cause() == null) return explained(c);
    }
    return next;
  }

  /** A clean EOF from a process that failed says how it failed (giving it a moment to be reaped). */
  private Incoming explained(Incoming.Closed eof) throws InterruptedException {
    Integer code = process.exitCode(REAP_WAIT);
    if (code == null || code == 0) return eof;
    String tail = process.stderrTail().strip();
    String last = tail.substring(tail.lastIndexOf('\n') + 1);
    return new Incoming.Closed("the agent exited with code " + code + (last.isEmpty() ? "" : ": " + last));
  }

  /** How long a clean EOF waits for the process's exit code. */
  static final Duration REAP_WAIT = Duration.ofSeconds(1);

  @Override
  public void close() {
    synchronized (this) {
      if (stopped) return;
      stopped = true;
      closeOutput(); // EOF on the agent's stdin: it heals, flushes and ends
    }
    try {
      reader.join(Math.max(1, exitWait.toMillis())); // its stdout ends when it does
      process.stop(exitWait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      try {
        process.stop(Duration.ZERO);
      } catch (InterruptedException again) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void closeOutput() {
    if (outputClosed) return;
    outputClosed = true;
    try {
      toAgent.close();
    } catch (IOException e) {
      // the agent is gone already: nothing to tell it
    }
  }
}
