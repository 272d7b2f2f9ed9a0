package dev.reprise.master.agentlink;

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
    // C1 only: the agent is I/O-bound (engine streams, record files), and C2's compilations were
    // half its CPU in a run's first minutes (docs/notes/perf-collect.md).
    cmd.add("-XX:TieredStopAtLevel=1");
    // a small initial heap: Serial GC's default (1/64 of RAM) sized the young generation at ~125 MB
    // here, all touched, for ~21 MB live; the heap still grows to the default maximum when a large
    // plan needs it (docs/performance.md, "Collecting stats and logs")
    cmd.add("-Xms16m");
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
    return new ProcessAgentConnection(process.getInputStream(), process.getOutputStream(), name, new Child(process, stderr), exitWait);
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

  /** A child {@link Process} as the connection's {@link ProcessAgentConnection.AgentProcess}. */
  private record Child(Process process, Tail stderr) implements ProcessAgentConnection.AgentProcess {
    @Override
    public Integer exitCode(Duration atMost) throws InterruptedException {
      return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    @Override
    public String stderrTail() {
      return stderr.text();
    }

    @Override
    public void stop(Duration grace) throws InterruptedException {
      if (grace.isZero()) {
        process.destroy();
        return;
      }
      // its stdout ended, or grace passed: an exiting JVM is reaped in moments
      if (process.waitFor(ProcessAgentConnection.REAP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) return;
      process.destroy(); // SIGTERM: the agent's shutdown hook heals before the JVM exits
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) process.destroyForcibly();
    }
  }
}
