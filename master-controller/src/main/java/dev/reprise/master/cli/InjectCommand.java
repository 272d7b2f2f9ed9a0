package dev.reprise.master.cli;

import dev.reprise.master.experiments.ChaosAction;
import dev.reprise.master.experiments.ExperimentException;
import dev.reprise.master.experiments.ExperimentRequest;
import dev.reprise.master.experiments.ExperimentState;
import dev.reprise.master.experiments.ExperimentStatus;
import dev.reprise.master.experiments.LocalExperiments;
import dev.reprise.master.experiments.SafetyThreshold;
import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
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

  private final PrintStream stdout;
  private final PrintStream stderr;

  public InjectCommand() {
    this(System.out, System.err);
  }

  InjectCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public Integer call() {
    ExperimentRequest request;
    try {
      request = request();
    } catch (IllegalArgumentException e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    String url = ExperimentClient.server(server);
    if (url != null) return remote(url, request);
    return local(request);
  }

  ExperimentRequest request() {
    ChaosAction a;
    try {
      a = ChaosAction.valueOf(action.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown ACTION '" + action + "'; one of " + List.of(ChaosAction.values()));
    }
    var p = new LinkedHashMap<String, Object>();
    if (params != null) {
      for (String kv : params) {
        int i = kv.indexOf('=');
        if (i <= 0) throw new IllegalArgumentException("--param " + kv + ": expected KEY=VALUE");
        p.put(kv.substring(0, i).strip(), kv.substring(i + 1).strip());
      }
    }
    if (count != null && percent != null) throw new IllegalArgumentException("give --count or --percent, not both");
    if (count != null) p.put("targetCount", count);
    if (percent != null) p.put("targetPercent", percent);
    long seconds = seconds(duration, "--duration");
    Double err = maxErrorRate == null ? null : number(maxErrorRate.replace("%", ""), "--max-error-rate");
    Double p99 = maxP99 == null ? null : number(maxP99.toLowerCase(Locale.ROOT).replace("ms", ""), "--max-p99");
    String experimentId = id != null ? id
        : (a.name().toLowerCase(Locale.ROOT) + "-" + service.replace('/', '_') + "-" + System.currentTimeMillis() / 1000)
            .replaceAll("[^A-Za-z0-9._-]", "-");
    return new ExperimentRequest(experimentId, service, a, Map.copyOf(p), seconds, new SafetyThreshold(err, p99, null));
  }

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

  private static double number(String text, String option) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " " + text + ": not a number");
    }
  }

  private int remote(String url, ExperimentRequest request) {
    try {
      var client = new ExperimentClient(url, ExperimentClient.tokenFile(tokenFile));
      return ExperimentClient.print(client.send("POST", "api/v1/chaos/experiments", request), stdout, stderr);
    } catch (IOException e) {
      stderr.println("error: cannot reach " + url + ": " + e.getMessage());
      return ExitCodes.ENVIRONMENT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.RUN_FAILED;
    }
  }

  private int local(ExperimentRequest request) {
    Path state = stateDir != null ? stateDir : out.resolve("experiments");
    var experiments = LocalExperiments.create(state, out, Optional.ofNullable(hostsFile), null, null);
    ExperimentStatus s;
    try {
      s = experiments.inject(request);
    } catch (ExperimentException.Invalid e) {
      e.errors().forEach(f -> stderr.println("error: " + f.field() + ": " + f.message()));
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
        SystemTime.INSTANCE.sleep(Duration.ofSeconds(1));
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
