package dev.reprise.agent.heal;

import dev.reprise.agent.runtime.DockerContainerRuntime;
import dev.reprise.agent.runtime.LinuxHostOps;
import java.nio.file.Path;

/**
 * {@code java -cp agent-all.jar dev.reprise.agent.heal.HealMain <journal root> <node>}: heals every
 * entry of that host's heal journal whose agent is gone, prints what it did on stderr, and exits 0
 * when nothing is left, 1 otherwise. An entry whose undo fails (the engine still stopping a
 * container the dead agent asked it to stop, say) is retried, {@link #ATTEMPTS} times
 * {@link #RETRY_PAUSE} apart. The agent's {@link Watchdog} runs it once the agent died; an operator
 * can run it by hand.
 */
public final class HealMain {
  static final int ATTEMPTS = 10;
  static final java.time.Duration RETRY_PAUSE = java.time.Duration.ofSeconds(2);

  private HealMain() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: HealMain <journal root> <node>");
      System.exit(2);
    }
    if (System.getProperty("logback.configurationFile") == null) System.setProperty("logback.configurationFile", "reprise-agent-logback.xml");
    var store = new HealJournalStore(Path.of(args[0]), args[1]);
    try (var runtime = DockerContainerRuntime.connect()) {
      var undo = new UndoRunner(new LinuxHostOps(), runtime);
      LeftoverHealer.Report report = null;
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        report = LeftoverHealer.healLeftovers(store, undo);
        System.err.println("heal: healed " + report.healed() + " leftover fault effect(s) in " + store.dir()
            + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
        if (report.problems().isEmpty()) break;
        report.problems().forEach(p -> System.err.println("heal: not healed yet: " + p));
        if (attempt < ATTEMPTS) {
          try {
            dev.reprise.time.SystemTime.INSTANCE.sleep(RETRY_PAUSE);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      System.exit(report.problems().isEmpty() ? 0 : 1);
    }
  }
}
