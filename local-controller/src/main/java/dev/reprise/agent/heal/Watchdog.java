package dev.reprise.agent.heal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A process, in a session of its own, that outlives the agent that started it: it waits until that
 * agent's PID is gone (polled each second) and then runs {@link HealMain} on the agent's heal
 * journal, so effects the agent could not heal itself (SIGKILL, a crash) are undone within seconds
 * of its death, not at its next start. An agent that ends normally, with its journal healed,
 * {@link #stop}s it. Its command line carries {@link #MARKER} and the journal folder.
 */
public final class Watchdog {
  /** The first argument of every watchdog's shell ({@code $0}), so a process list shows what it is. */
  public static final String MARKER = "reprise-heal-watchdog";

  static final String SCRIPT = "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; exec \"$2\" -cp \"$3\" "
      + HealMain.class.getName() + " \"$4\" \"$5\"";

  private final Process process;

  private Watchdog(Process process) {
    this.process = process;
  }

  /**
   * Starts the watchdog of this process for the journal {@code root}/{@code node}; its output is
   * appended to {@code watchdog.log} in the journal's folder.
   *
   * @throws IOException when it cannot be started
   */
  public static Watchdog start(Path root, String node) throws IOException {
    var self = ProcessHandle.current();
    var java = self.info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    var store = new HealJournalStore(root, node);
    Files.createDirectories(store.dir());
    var log = store.dir().resolve("watchdog.log").toFile();
    var argv = List.of("setsid", "/bin/sh", "-c", SCRIPT, MARKER, Long.toString(self.pid()), java,
        System.getProperty("java.class.path"), root.toString(), node == null ? "local" : node);
    var p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    return new Watchdog(p);
  }

  /** Ends the watchdog (the agent healed everything itself). Idempotent. */
  public void stop() {
    // setsid may have forked: the shell is then the child
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** The watchdog's PID (the setsid process, or the shell it became). */
  public long pid() {
    return process.pid();
  }
}
