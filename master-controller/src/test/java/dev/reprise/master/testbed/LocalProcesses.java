package dev.reprise.master.testbed;

import dev.reprise.agent.runtime.HostOps;
import dev.reprise.agent.runtime.LinuxHostOps;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the kill tests look for on this machine's process table: burners, and a master's output. */
public final class LocalProcesses {
  private LocalProcesses() {}

  /**
   * {@code pid: command line} of every burner of {@code runId} on this machine, recognised as the agent
   * recognises its own ({@link LinuxHostOps#findMarked}: the burner's shell with the marker
   * {@code reprise-burner/<run>/...} as its argument), so the shells that look for them never count.
   */
  public static List<String> burnersOf(String runId) {
    var found = new ArrayList<String>();
    for (long pid : new LinuxHostOps().findMarked(HostOps.BURNER_PREFIX + "/" + runId)) {
      try {
        found.add(pid + ": " + Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').strip());
      } catch (IOException | java.io.UncheckedIOException e) {
        // ended meanwhile
      }
    }
    return found;
  }

  /** Kills (by PID) burners of {@code runId} still on this machine, should a failed test have left any. */
  public static void killBurnersOf(String runId, String who) {
    for (String burner : burnersOf(runId)) {
      System.err.println(who + " cleanup: killing burner " + burner);
      ProcessHandle.of(Long.parseLong(burner.substring(0, burner.indexOf(':')))).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** Appends every line of {@code in} to {@code into}, on a daemon thread named {@code name}. */
  public static void drain(InputStream in, StringBuffer into, String name) {
    var t = new Thread(() -> {
      try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) into.append(line).append('\n');
      } catch (IOException e) {
        // the process is gone
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }
}
