package dev.reprise.master.cli;

import dev.reprise.master.experiments.ExperimentJson;
import dev.reprise.master.experiments.ExperimentStatus;
import dev.reprise.master.experiments.ExperimentStore;
import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code master experiments list|status ID|rollback ID}: against the server when one is configured
 * ({@code --server}, {@code REPRISE_SERVER}); otherwise from the local state file ({@code OUT/experiments}),
 * a rollback by sending SIGINT to the foreground {@code master inject} that owns the experiment and
 * waiting until the state file says it is final.
 */
@Command(name = "experiments", mixinStandardHelpOptions = true, description = "List, show or roll back ad-hoc experiments.")
public final class ExperimentsCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "list|status|rollback") String verb;
  @Parameters(index = "1", arity = "0..1", paramLabel = "ID") String id;
  @Option(names = "--server", paramLabel = "URL") String server;
  @Option(names = "--token-file", paramLabel = "FILE") Path tokenFile;
  @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs") Path out;
  @Option(names = "--state-dir", paramLabel = "DIR") Path stateDir;

  private final PrintStream stdout = System.out;
  private final PrintStream stderr = System.err;

  @Override
  public Integer call() throws Exception {
    if (!List.of("list", "status", "rollback").contains(verb)) {
      stderr.println("error: expected list, status ID or rollback ID, not '" + verb + "'");
      return ExitCodes.INVALID_INPUT;
    }
    if (!verb.equals("list") && id == null) {
      stderr.println("error: " + verb + " needs an experiment ID");
      return ExitCodes.INVALID_INPUT;
    }
    String url = ExperimentClient.server(server);
    if (url != null) {
      try {
        var c = new ExperimentClient(url, ExperimentClient.tokenFile(tokenFile));
        var a = switch (verb) {
          case "list" -> c.send("GET", "api/v1/chaos/experiments", null);
          case "status" -> c.send("GET", "api/v1/chaos/experiments/" + id + "/status", null);
          default -> c.send("DELETE", "api/v1/chaos/experiments/" + id, null);
        };
        return ExperimentClient.print(a, stdout, stderr);
      } catch (IOException e) {
        stderr.println("error: cannot reach " + url + ": " + e.getMessage());
        return ExitCodes.ENVIRONMENT;
      }
    }
    var store = new ExperimentStore(stateDir != null ? stateDir : out.resolve("experiments"), 500);
    var json = ExperimentJson.mapper().writerWithDefaultPrettyPrinter();
    if (verb.equals("list")) {
      for (var e : store.read()) stdout.println(InjectCommand.line(e.status()));
      return ExitCodes.OK;
    }
    var entry = find(store);
    if (entry.isEmpty()) {
      stderr.println("error: no experiment '" + id + "' in " + store.file());
      return ExitCodes.INVALID_INPUT;
    }
    if (verb.equals("rollback") && !entry.get().status().status().isFinal()) {
      long pid = entry.get().pid();
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (System.nanoTime() < deadline && !find(store).map(e -> e.status().status().isFinal()).orElse(true)) {
          SystemTime.INSTANCE.sleep(Duration.ofMillis(500));
        }
        entry = find(store);
      }
    }
    ExperimentStatus s = entry.get().status();
    stdout.println(json.writeValueAsString(s));
    return verb.equals("rollback") && !s.status().isFinal() ? ExitCodes.RUN_FAILED : ExitCodes.OK;
  }

  private Optional<ExperimentStore.Entry> find(ExperimentStore store) throws IOException {
    return store.read().stream().filter(e -> e.status().experimentId().equals(id)).findFirst();
  }
}
