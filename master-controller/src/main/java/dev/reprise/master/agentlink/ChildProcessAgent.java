package dev.reprise.master.agentlink;

import dev.reprise.agent.protocol.MasterMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent of a run on the local engine, as a child process of the master: the same java binary
 * ({@code ProcessHandle.current().info().command()}), the master's own classpath, main class
 * {@code dev.reprise.agent.AgentMain}, speaking the JSON-lines protocol on its stdin/stdout as a
 * remote agent does over SSH. Its stderr is kept (the last {@link #STDERR_TAIL} characters) to
 * explain an early exit.
 *
 * <p>Why a process and not a thread: when the master dies, even by SIGKILL, the kernel closes the
 * pipe to the agent's stdin; the agent sees EOF and its dead-man switch heals every active fault and
 * stops. An agent inside the master's JVM would die with it and leave its faults behind.
 */
public final class ChildProcessAgent {
  /** The main class the child runs (in local-controller, on the master's classpath). */
  public static final String MAIN_CLASS = "dev.reprise.agent.AgentMain";
  /** How much of the agent's stderr is kept for diagnosis. */
  static final int STDERR_TAIL = 8192;

  private ChildProcessAgent() {}

  /** The command line: this JVM's java binary and classpath, the agent's main class. */
  public static List<String> command() {
    String java = ProcessHandle.current().info().command().orElse("java");
    var cmd = new ArrayList<String>();
    cmd.add(java);
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(MAIN_CLASS);
    return cmd;
  }

  /**
   * Starts the agent and returns the master's end of the conversation. Closing it closes the
   * agent's stdin (EOF: it heals, flushes and ends) and waits up to {@code exitWait} for the process
   * to exit; one still running then is asked to stop with SIGTERM (its shutdown hook heals), and
   * killed only if that does not end it either. An {@link IOException}: the process cannot start.
   */
  public static AgentConnection start(String name, Duration exitWait) throws IOException {
    var process = new ProcessBuilder(command()).redirectError(ProcessBuilder.Redirect.PIPE).start();
    var stderr = new Tail(process.getErrorStream(), "agent-stderr-" + name);
    var link = new AgentLink(process.getInputStream(), process.getOutputStream(), name);
    return new ChildConnection(link, process, stderr, exitWait);
  }

  /** The last characters a stream carried, read on a daemon thread. Thread-safe. */
  static final class Tail {
    private final StringBuilder text = new StringBuilder();

    Tail(InputStream in, String name) {
      var t = new Thread(() -> {
        byte[] buf = new byte[4096];
        try (in) {
          for (int n; (n = in.read(buf)) >= 0; ) append(new String(buf, 0, n, StandardCharsets.UTF_8));
        } catch (IOException e) {
          // the process is gone
        }
      }, name);
      t.setDaemon(true);
      t.start();
    }

    private synchronized void append(String s) {
      text.append(s);
      if (text.length() > STDERR_TAIL) text.delete(0, text.length() - STDERR_TAIL);
    }

    synchronized String text() {
      return text.toString();
    }
  }

  private static final class ChildConnection implements AgentConnection {
    private final AgentLink link;
    private final Process process;
    private final Tail stderr;
    private final Duration exitWait;

    ChildConnection(AgentLink link, Process process, Tail stderr, Duration exitWait) {
      this.link = link;
      this.process = process;
      this.stderr = stderr;
      this.exitWait = exitWait;
    }

    @Override
    public void send(MasterMessage message) throws IOException {
      link.send(message);
    }

    @Override
    public Incoming poll(Duration timeout) throws InterruptedException {
      var next = link.poll(timeout);
      if (next instanceof Incoming.Closed c && c.cause() == null) {
        // the stream ended: say why when the process failed (give it a moment to be reaped)
        if (process.waitFor(1, TimeUnit.SECONDS) && process.exitValue() != 0) {
          String tail = lastLine(stderr.text());
          return new Incoming.Closed("the agent exited with code " + process.exitValue() + (tail.isEmpty() ? "" : ": " + tail));
        }
      }
      return next;
    }

    @Override
    public void close() {
      link.close(); // EOF on the agent's stdin: it heals, flushes and ends
      try {
        if (!process.waitFor(exitWait.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroy(); // SIGTERM: the agent's shutdown hook heals before the JVM exits
          if (!process.waitFor(exitWait.toMillis(), TimeUnit.MILLISECONDS)) process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroy();
      }
    }

    private static String lastLine(String text) {
      String t = text.strip();
      return t.substring(t.lastIndexOf('\n') + 1);
    }
  }
}
