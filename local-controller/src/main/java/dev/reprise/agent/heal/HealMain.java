package dev.reprise.agent.heal;

import dev.reprise.agent.runtime.DockerContainerRuntime;
import dev.reprise.agent.runtime.LinuxHostOps;
import java.nio.file.Path;

/**
 * {@code java -cp agent-all.jar dev.reprise.agent.heal.HealMain <journal root> <node>}: heals every
 * entry of that host's heal journal whose agent is gone, prints what it did on stderr, and exits 0
 * when nothing is left, 1 otherwise. The agent's {@link Watchdog} runs it once the agent died; an
 * operator can run it by hand.
 */
public final class HealMain {
  private HealMain() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: HealMain <journal root> <node>");
      System.exit(2);
    }
    if (System.getProperty("logback.configurationFile") == null) System.setProperty("logback.configurationFile", "reprise-agent-logback.xml");
    var store = new HealJournalStore(Path.of(args[0]), args[1]);
    try (var runtime = DockerContainerRuntime.connect()) {
      var report = LeftoverHealer.healLeftovers(store, new UndoRunner(new LinuxHostOps(), runtime));
      System.err.println("heal: healed " + report.healed() + " leftover fault effect(s) in " + store.dir());
      report.problems().forEach(p -> System.err.println("heal: not healed: " + p));
      System.exit(report.problems().isEmpty() ? 0 : 1);
    }
  }
}
