package dev.reprise.master.cli;

import dev.reprise.master.experiments.ExperimentJson;
import dev.reprise.master.experiments.ExperimentStatus;
import dev.reprise.master.experiments.ExperimentStore;
import dev.reprise.master.experiments.LocalExperiments;
import dev.reprise.time.SystemTime;
import dev.reprise.time.Time;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code master experiments list|status ID|rollback ID}: against the server when one is configured
 * ({@code --server}, {@code REPRISE_SERVER}); otherwise from the local state folder
 * ({@code OUT/experiments}, as {@code master inject} without a server keeps it), a rollback by sending
 * SIGTERM to the foreground {@code master inject} that owns the experiment (its shutdown hook heals,
 * as on Ctrl-C; SIGTERM rather than SIGINT because a shell starts background jobs with SIGINT
 * ignored) and waiting until the state file says it is final. Output either way: {@code list} one line per
 * experiment, newest first; {@code status} and {@code rollback} the status as JSON. Exit codes: 0;
 * 1 a rollback that did not end in time; 2 bad arguments, an unknown ID or a refused request; 3 the
 * server unreachable or unavailable.
 */
@Command(name = "experiments", mixinStandardHelpOptions = true, description = "List, show or roll back ad-hoc experiments.")
public final class ExperimentsCommand implements Callable<Integer> {
  /** How long a local rollback waits for the owning {@code master inject} to say the fault is healed. */
  static final Duration LOCAL_ROLLBACK_WAIT = Duration.ofSeconds(150);

  @Parameters(index = "0", paramLabel = "list|status|rollback") String verb;
  @Parameters(index = "1", arity = "0..1", paramLabel = "ID") String id;
  @Option(names = "--server", paramLabel = "URL", description = "A master serve (default: $REPRISE_SERVER; none: the local state folder).") String server;
  @Option(names = "--token-file", paramLabel = "FILE", description = "The server's bearer token (default: $REPRISE_TOKEN_FILE).") Path tokenFile;
  @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "Locally: as master inject --out (default: ${DEFAULT-VALUE}).") Path out;
  @Option(names = "--state-dir", paramLabel = "DIR", description = "Locally: the experiments' state folder (default: OUT/experiments).") Path stateDir;

  private final PrintStream stdout;
  private final PrintStream stderr;
  /** Environment variables ({@code REPRISE_SERVER}, {@code REPRISE_TOKEN_FILE}). */
  Function<String, String> env = System::getenv;
  /** Paces the local rollback's wait. */
  Time time = SystemTime.INSTANCE;

  public ExperimentsCommand() {
    this(System.out, System.err);
  }

  ExperimentsCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

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
    if (verb.equals("list") && id != null) {
      stderr.println("error: list takes no ID (got '" + id + "')");
      return ExitCodes.INVALID_INPUT;
    }
    String url = ExperimentClient.server(server, env);
    return url != null ? remote(url) : local();
  }

  private int remote(String url) throws InterruptedException {
    try {
      var c = ExperimentClient.connect(url, ExperimentClient.tokenFile(tokenFile, env));
      var a = switch (verb) {
        case "list" -> c.send("GET", "api/v1/chaos/experiments", null);
        case "status" -> c.send("GET", "api/v1/chaos/experiments/" + ExperimentClient.segment(id) + "/status", null);
        default -> c.send("DELETE", "api/v1/chaos/experiments/" + ExperimentClient.segment(id), null);
      };
      if (a.code() / 100 != 2) return ExperimentClient.printError(a, stderr);
      try {
        if (verb.equals("list")) {
          for (var s : ExperimentClient.statuses(a)) stdout.println(InjectCommand.line(s));
        } else {
          printJson(ExperimentClient.status(a));
        }
      } catch (IOException e) {
        stdout.println(a.body()); // not the documented shape: as the server gave it
      }
      return ExitCodes.OK;
    } catch (ExperimentClient.BadOptions e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    } catch (IOException e) {
      stderr.println("error: cannot reach " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return ExitCodes.ENVIRONMENT;
    }
  }

  private int local() throws IOException, InterruptedException {
    Path state = stateDir != null ? stateDir : out.resolve("experiments");
    var view = LocalExperiments.viewOf(state, time, stderr::println);
    if (verb.equals("list")) {
      for (var s : view.list()) stdout.println(InjectCommand.line(s));
      return ExitCodes.OK;
    }
    var store = new ExperimentStore(state, LocalExperiments.HISTORY_LIMIT);
    Optional<ExperimentStatus> found = view.status(id);
    if (found.isEmpty()) {
      stderr.println("error: no experiment '" + id + "' in " + store.file());
      return ExitCodes.INVALID_INPUT;
    }
    if (verb.equals("rollback") && !found.get().status().isFinal()) {
      long pid = owner(store).orElse(-1L);
      if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        long deadline = time.nanoTime() + LOCAL_ROLLBACK_WAIT.toNanos();
        while (time.nanoTime() - deadline < 0 && !view.status(id).map(s -> s.status().isFinal()).orElse(true)) {
          time.sleep(Duration.ofMillis(500));
        }
      }
      found = view.status(id);
    }
    ExperimentStatus s = found.orElseThrow();
    printJson(s);
    if (verb.equals("rollback") && !s.status().isFinal()) {
      stderr.println("error: " + id + " is still " + s.status() + " after " + LOCAL_ROLLBACK_WAIT.toSeconds()
          + " s; its agents heal it at " + s.rollbackScheduledAt() + " on their own");
      return ExitCodes.RUN_FAILED;
    }
    return ExitCodes.OK;
  }

  private Optional<Long> owner(ExperimentStore store) throws IOException {
    return store.read().stream().filter(e -> e.status().experimentId().equals(id)).findFirst().map(ExperimentStore.Entry::pid);
  }

  private void printJson(ExperimentStatus s) throws IOException {
    stdout.println(ExperimentJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(s));
  }
}
