package dev.reprise.master.cli;

import dev.reprise.master.experiments.ChaosAction;
import dev.reprise.master.experiments.ExperimentException;
import dev.reprise.master.experiments.ExperimentRequest;
import dev.reprise.master.experiments.ExperimentState;
import dev.reprise.master.experiments.ExperimentStatus;
import dev.reprise.master.experiments.LocalExperiments;
import dev.reprise.master.experiments.SafetyThreshold;
import dev.reprise.time.SystemTime;
import dev.reprise.time.Time;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code master inject SERVICE ACTION --duration 60s}: an ad-hoc fault on a service of a stack that
 * already runs. With a server ({@code --server} or {@code REPRISE_SERVER}) it is posted to its
 * experiments API and the answer printed. Without, it runs here in the foreground
 * ({@link LocalExperiments} on the local engine, or the hosts of {@code --hosts}): status lines on
 * stderr until the fault is healed at its TTL, the run folder's path last on stdout; Ctrl-C heals it
 * (rollback) and exits 130. Exit codes: 0 rolled back at its TTL, 1 aborted or failed, 2 bad
 * arguments or a refused request, 3 the server or engine unreachable.
 */
@Command(name = "inject", mixinStandardHelpOptions = true,
    description = {"Inject an ad-hoc fault into a service of a running stack (healed at --duration).",
        "ACTION: NETWORK_PARTITION NETWORK_DELAY PACKET_LOSS BANDWIDTH_LIMIT KILL SIGNAL RESTART CPU_SPIKE MEMORY_PRESSURE DISK_FULL IO_STRESS PAUSE"})
public final class InjectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SERVICE", description = "stack_service or stack/service") String service;
  @Parameters(index = "1", paramLabel = "ACTION") String action;
  @Option(names = "--param", paramLabel = "KEY=VALUE", description = "An action parameter (repeatable), e.g. latencyMs=100.") List<String> params;
  @Option(names = "--duration", required = true, paramLabel = "DURATION", description = "The fault's TTL: 60s, 5m, 90.") String duration;
  @Option(names = "--id", paramLabel = "ID", description = "The experiment's ID (default: ACTION-SERVICE-<time>).") String id;
  @Option(names = "--count", paramLabel = "N", description = "Containers to fault (default 1).") Integer count;
  @Option(names = "--percent", paramLabel = "P", description = "Percentage of the service's containers to fault.") Double percent;
  @Option(names = "--max-error-rate", paramLabel = "PCT", description = "Roll back when the workload's error rate is above this (5%).") String maxErrorRate;
  @Option(names = "--max-p99", paramLabel = "MS", description = "Roll back when the workload's p99 latency is above this (500ms).") String maxP99;
  @Option(names = "--server", paramLabel = "URL", description = "A master serve (default: $REPRISE_SERVER; none: act locally).") String server;
  @Option(names = "--token-file", paramLabel = "FILE", description = "The server's bearer token (default: $REPRISE_TOKEN_FILE).") Path tokenFile;
  @Option(names = "--hosts", paramLabel = "FILE", description = "Locally: the hosts file of the swarm (default: the local engine).") Path hostsFile;
  @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "Locally: parent of the run folder (default: ${DEFAULT-VALUE}).") Path out;
  @Option(names = "--state-dir", paramLabel = "DIR", description = "Locally: the experiments' state folder (default: OUT/experiments).") Path stateDir;

  /**
   * Opens the experiments of the local engine ({@code master inject} without a server); tests pass
   * one over fakes.
   */
  interface LocalEngine {
    LocalExperiments open(Path stateDir, Path outDir, Optional<Path> hostsFile);
  }

  /** The real one: {@link LocalExperiments#create} with no blast-radius cap and the default longest duration. */
  static final LocalEngine REAL_ENGINE = (state, outDir, hosts) -> LocalExperiments.create(state, outDir, hosts, null, null);

  private final PrintStream stdout;
  private final PrintStream stderr;
  /** Environment variables ({@code REPRISE_SERVER}, {@code REPRISE_TOKEN_FILE}). */
  Function<String, String> env = System::getenv;
  LocalEngine localEngine = REAL_ENGINE;
  /** Paces the foreground wait for the experiment's end. */
  Time time = SystemTime.INSTANCE;

  public InjectCommand() {
    this(System.out, System.err);
  }

  InjectCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public Integer call() {
    var problems = new ArrayList<String>();
    ExperimentRequest request = request(problems);
    if (!problems.isEmpty()) {
      problems.forEach(p -> stderr.println("error: " + p));
      return ExitCodes.INVALID_INPUT;
    }
    String url = ExperimentClient.server(server, env);
    if (url != null) return remote(url, request);
    return local(request);
  }

  /** The request the arguments mean, or null with every problem added to {@code problems} (one line each). */
  ExperimentRequest request(List<String> problems) {
    ChaosAction a = null;
    try {
      a = ChaosAction.valueOf(action.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      problems.add("ACTION '" + action + "': unknown; one of " + String.join(" ", Arrays.stream(ChaosAction.values()).map(Enum::name).toList()));
    }
    var p = new LinkedHashMap<String, Object>();
    if (params != null) {
      for (String kv : params) {
        int i = kv.indexOf('=');
        if (i <= 0 || kv.substring(0, i).isBlank()) {
          problems.add("--param " + kv + ": expected KEY=VALUE (e.g. latencyMs=100)");
          continue;
        }
        String key = kv.substring(0, i).strip();
        String value = kv.substring(i + 1).strip();
        if (p.containsKey(key)) problems.add("--param " + key + ": given twice");
        if (key.equals("targetCount") || key.equals("targetPercent")) {
          problems.add("--param " + key + ": use --" + (key.equals("targetCount") ? "count" : "percent") + " " + value);
          continue;
        }
        p.put(key, value);
      }
    }
    if (count != null && percent != null) problems.add("--count and --percent: give one of them, not both");
    if (count != null && count < 1) problems.add("--count " + count + ": at least 1");
    if (percent != null && !(percent > 0 && percent <= 100)) problems.add("--percent " + percent + ": in (0, 100]");
    if (count != null) p.put("targetCount", (long) count);
    if (percent != null) p.put("targetPercent", percent);
    Long seconds = null;
    try {
      seconds = seconds(duration, "--duration");
      if (seconds < 1) {
        problems.add("--duration " + duration + ": at least 1 s");
        seconds = null;
      }
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    Double err = null;
    Double p99 = null;
    try {
      err = maxErrorRate == null ? null : number(maxErrorRate.replace("%", ""), "--max-error-rate", maxErrorRate);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    try {
      p99 = maxP99 == null ? null : number(maxP99.toLowerCase(Locale.ROOT).replace("ms", ""), "--max-p99", maxP99);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) return null;
    String experimentId = id != null ? id
        : (a.name().toLowerCase(Locale.ROOT) + "-" + service.replace('/', '_') + "-" + time.now().getEpochSecond())
            .replaceAll("[^A-Za-z0-9._-]", "-");
    return new ExperimentRequest(experimentId, service, a, Map.copyOf(p), seconds, new SafetyThreshold(err, p99, null));
  }

  /**
   * {@code text} ({@code 60s}, {@code 5m}, {@code 1h}, {@code 90}) in seconds.
   *
   * @throws IllegalArgumentException naming {@code option} when it is not such a duration
   */
  static long seconds(String text, String option) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("ms")) throw new IllegalArgumentException(option + " " + text + ": whole seconds at least (60s, 5m, 1h)");
    if (t.endsWith("s")) t = t.substring(0, t.length() - 1);
    else if (t.endsWith("m")) { unit = 60; t = t.substring(0, t.length() - 1); }
    else if (t.endsWith("h")) { unit = 3600; t = t.substring(0, t.length() - 1); }
    try {
      return Math.multiplyExact(Long.parseLong(t.strip()), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(option + " " + text + ": not a duration (60s, 5m, 1h, 90)");
    }
  }

  private static double number(String text, String option, String given) {
    try {
      double d = Double.parseDouble(text.strip());
      if (Double.isNaN(d) || Double.isInfinite(d)) throw new NumberFormatException();
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " " + given + ": not a number");
    }
  }

  private int remote(String url, ExperimentRequest request) {
    try {
      var client = ExperimentClient.connect(url, ExperimentClient.tokenFile(tokenFile, env));
      var answer = client.send("POST", "api/v1/chaos/experiments", request);
      if (answer.code() / 100 != 2) return ExperimentClient.printError(answer, stderr);
      stdout.println(answer.body());
      try {
        stderr.println(line(ExperimentClient.status(answer)));
      } catch (IOException e) {
        // the body was printed as the server gave it
      }
      return ExitCodes.OK;
    } catch (ExperimentClient.BadOptions e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    } catch (IOException e) {
      stderr.println("error: cannot reach " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return ExitCodes.ENVIRONMENT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.RUN_FAILED;
    }
  }

  private int local(ExperimentRequest request) {
    Path state = stateDir != null ? stateDir : out.resolve("experiments");
    LocalExperiments experiments;
    try {
      experiments = localEngine.open(state, out, Optional.ofNullable(hostsFile));
    } catch (IllegalArgumentException e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    ExperimentStatus s;
    try {
      s = experiments.inject(request);
    } catch (ExperimentException.Invalid e) {
      e.errors().forEach(f -> stderr.println("error: " + ExperimentClient.optionOf(f.field()) + ": " + f.message()));
      return ExitCodes.INVALID_INPUT;
    } catch (ExperimentException.Unavailable e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.ENVIRONMENT;
    } catch (ExperimentException e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    String eid = s.experimentId();
    stderr.println(line(s));
    Thread hook = new Thread(() -> {
      try {
        var r = experiments.rollback(eid);
        stderr.println(line(r));
      } catch (ExperimentException e) {
        stderr.println("error: " + e.getMessage());
      }
      experiments.runDir(eid).ifPresent(stdout::println);
      stdout.flush();
      stderr.flush();
      Runtime.getRuntime().halt(130);
    }, "master-inject-rollback");
    Runtime.getRuntime().addShutdownHook(hook);
    ExperimentState last = s.status();
    try {
      while (!s.status().isFinal()) {
        time.sleep(Duration.ofSeconds(1));
        s = experiments.status(eid).orElse(s);
        if (s.status() != last) {
          stderr.println(line(s));
          last = s.status();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      return ExitCodes.RUN_FAILED; // shutting down: the hook answers
    }
    experiments.close(); // nothing left to roll back unless interrupted, when it heals and waits
    if (s.message() != null) stderr.println("inject: " + eid + ": " + s.message());
    experiments.runDir(eid).ifPresent(stdout::println);
    return s.status() == ExperimentState.ROLLED_BACK ? ExitCodes.OK : ExitCodes.RUN_FAILED;
  }

  static String line(ExperimentStatus s) {
    var nodes = String.join(", ", s.impactedNodes().stream().map(n -> n.podName() + " " + n.faultState()).toList());
    return "inject: " + s.experimentId() + " " + s.status() + " (" + s.action() + " on " + s.targetService() + ": " + nodes
        + "; rollback at " + s.rollbackScheduledAt() + (s.runId() == null ? "" : "; run " + s.runId()) + ")";
  }
}
