package dev.reprise.master.testbed;

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
   * {@code pid: command line} of every burner of {@code runId} on this machine: the agent's burner is
   * {@code /bin/sh -c 'while :; do :; done' reprise-burner/<run>/...} (LinuxHostOps); only processes
   * with exactly that command line count, not the shells that look for them.
   */
  public static List<String> burnersOf(String runId) {
    String burner = "/bin/sh\0-c\0while :; do :; done\0reprise-burner/" + runId + "/";
    var found = new ArrayList<String>();
    ProcessHandle.allProcesses().forEach(p -> {
      try {
        String cmd = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline"));
        if (cmd.startsWith(burner)) found.add(p.pid() + ": " + cmd.replace('\0', ' ').strip());
      } catch (IOException | java.io.UncheckedIOException e) {
        // ended meanwhile
      }
    });
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
