package dev.reprise.agent;

import dev.reprise.agent.heal.HealJournalStore;
import dev.reprise.agent.inject.net.NetworkCapabilities;
import dev.reprise.agent.nativehelper.NativeHelper;
import dev.reprise.agent.runtime.LinuxHostOps;
import java.nio.file.Files;

/**
 * {@code java -cp agent-all.jar dev.reprise.agent.HostProbeMain}: one line about what this host
 * offers the fault types beyond its engine — the network mechanisms its kernel has (tried once
 * each in a throw-away namespace, as the agent tries them before a run), whether the native helper
 * runs here, and how many heal journal entries are left on it. {@code master cluster status} prints
 * it for every host. Changes nothing; exit code 0.
 */
public final class HostProbeMain {
  private HostProbeMain() {}

  public static void main(String[] args) throws Exception {
    var host = new LinuxHostOps();
    var why = NativeHelper.unavailable();
    var caps = NetworkCapabilities.of(host, host.helperPath(), why.orElse("the native helper could not be extracted"));
    long left = 0;
    var root = HealJournalStore.defaultRoot();
    if (Files.isDirectory(root)) {
      try (var files = Files.walk(root)) {
        left = files.filter(f -> f.toString().endsWith(".json") && !f.getFileName().toString().startsWith(".")).count();
      }
    }
    System.out.println("network faults: " + caps.summary() + " | native helper: " + caps.helper().orElse("missing (" + caps.helperMissing()
        + ")") + " | heal journal: " + (left == 0 ? "empty" : left + " entr" + (left == 1 ? "y" : "ies") + " left in " + root));
  }
}
