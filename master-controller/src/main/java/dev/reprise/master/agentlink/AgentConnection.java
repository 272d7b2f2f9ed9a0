package dev.reprise.master.agentlink;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * The master's end of one agent conversation. {@link ProcessAgentConnection} implements it over JSON-line
 * streams (a child process's stdio, {@link ChildProcessAgent}; an SSH exec channel); tests use a
 * fake. Threads: {@link #poll} and {@link #close} are called from the owner's thread (the run
 * coordinator's); {@link #send} also from the session's heartbeat thread, so it must be thread-safe.
 */
public interface AgentConnection extends Closeable {

  /** Sends one message; an {@link IOException} means the agent is gone. Thread-safe. */
  void send(MasterMessage message) throws IOException;

  /**
   * The next thing the agent said, waiting at most {@code timeout}; null when it said nothing in
   * that time. After the agent's stream ended, returns {@link Incoming.Closed} (again and again).
   */
  Incoming poll(Duration timeout) throws InterruptedException;

  /** Closes the master's side: the agent sees EOF (its dead-man switch heals and stops). Idempotent. */
  @Override
  void close();

  /** What {@link #poll} returns. */
  sealed interface Incoming {
    /** A well-formed message; an {@link AgentMessage.Unknown} when its type is newer than this master. */
    record Message(AgentMessage message) implements Incoming {}

    /** A line that is not a protocol message. */
    record Garbled(String problem) implements Incoming {}

    /** The agent's stream ended; {@code cause} is null on a clean EOF. */
    record Closed(String cause) implements Incoming {}
  }
}
