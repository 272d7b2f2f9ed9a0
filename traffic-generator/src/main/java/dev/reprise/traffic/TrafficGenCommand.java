package dev.reprise.traffic;

import dev.reprise.time.SystemTime;
import dev.reprise.time.Time;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code traffic-gen}: the command line (DISFI's options plus Reprise's). Exit codes: 0 the
 * duration ended and the log was written; 1 the log could not be written; 2 invalid arguments, with
 * a one-line reason on stderr (also: a {@code --metrics-port} that cannot be bound); 130/143 after SIGINT/SIGTERM (the JVM's own), the log written first
 * by the shutdown hook's wait.
 */
@Command(name = "traffic-gen", mixinStandardHelpOptions = true, version = "traffic-gen 0.1.0",
    sortOptions = false,
    description = {"Open-loop (or closed-loop) load and stress for Cassandra, HTTP or Redis. Prints one JSON line per second on stdout;",
        "writes a final JSON log at the end (duration, SIGINT, SIGTERM). Log messages go to stderr."})
public final class TrafficGenCommand implements Callable<Integer> {

  @Option(names = "--target", defaultValue = "cassandra", paramLabel = "cassandra|http|redis",
      description = "The system under load (default ${DEFAULT-VALUE}).")
  TargetKind target;

  @Option(names = "--hosts", split = ",", paramLabel = "HOST[:PORT]",
      description = "Contact points, comma-separated (Cassandra nodes, HTTP hosts, Redis servers); port from --port,"
          + " else the target's (9042, 80, 6379). Every address of a name counts (tasks.<service>).")
  List<String> hosts = List.of();

  @Option(names = "--port", paramLabel = "PORT", description = "Port of --hosts entries that give none.")
  Integer port;

  @Option(names = "--urls", split = ",", paramLabel = "URL",
      description = "http: URLs to send to, round robin (instead of --hosts/--path).")
  List<String> urls = List.of();

  @Option(names = "--path", defaultValue = "/", description = "http: path requested on every --hosts address (default ${DEFAULT-VALUE}).")
  String path;

  @Option(names = "--sentinels", split = ",", paramLabel = "HOST[:PORT]",
      description = "redis: ask these sentinels for the master and follow its failovers (port 26379 by default).")
  List<String> sentinels = List.of();

  @Option(names = "--master-name", defaultValue = "mymaster", description = "redis: the master's name at the sentinels (default ${DEFAULT-VALUE}).")
  String masterName;

  @Option(names = "--closed-loop",
      description = "Each thread sends its next operation when the last returns (YCSB style); --rate is not needed.")
  boolean closedLoop;

  @Option(names = "--verify-writes",
      description = "Every write gets a key of its own; at the end the acknowledged ones are read back (writes_lost, data_loss_detected).")
  boolean verifyWrites;

  @Option(names = "--mode", required = true, paramLabel = "read|write|mixed",
      description = "Operations to issue.")
  Mode mode;

  @Option(names = "--threads", required = true, description = "Sender threads; each paces its share of --rate.")
  int threads;

  @Option(names = "--rate", description = "Operations per second, total (required unless --closed-loop).")
  Long rate;

  @Option(names = "--duration-minutes", paramLabel = "MIN",
      description = "Run this long (fractions allowed); absent: until SIGINT/SIGTERM.")
  Double durationMinutes;

  @Option(names = "--storm", description = "Connection storm: open and close sessions rapidly alongside the load.")
  boolean storm;

  @Option(names = "--cpu-spike", description = "Burn CPU on every core of the client host in bursts (2 s on, 3 s off).")
  boolean cpuSpike;

  @Option(names = "--cluster-timeout", paramLabel = "MS", defaultValue = "5000",
      description = "Connection and request timeout in ms (default ${DEFAULT-VALUE}).")
  long clusterTimeoutMillis;

  @Option(names = "--log", paramLabel = "FILE", description = "Write the final JSON log here (default: stderr).")
  Path log;

  @Option(names = "--leak", description = "Open CQL connections and never close them (file descriptors, server slots).")
  boolean leak;

  @Option(names = "--leak-rate", defaultValue = "50", paramLabel = "N",
      description = "Connections per second opened by --leak (default ${DEFAULT-VALUE}).")
  int leakRate;

  @Option(names = "--amplification",
      description = "Read/write amplification: wide partitions, large unlogged batches, large values.")
  boolean amplification;

  @Option(names = "--read-ratio", defaultValue = "0.5", description = "Share of reads in mixed mode, 0..1 (default ${DEFAULT-VALUE}).")
  double readRatio;

  @Option(names = "--keyspace", defaultValue = "reprise_traffic", description = "Keyspace (default ${DEFAULT-VALUE}).")
  String keyspace;

  @Option(names = "--replication", defaultValue = "1", paramLabel = "N|DC:N,...",
      description = "Replication factor (SimpleStrategy) or dc:factor list (NetworkTopologyStrategy); default ${DEFAULT-VALUE}.")
  String replication;

  @Option(names = "--consistency", defaultValue = "ONE", description = "Consistency level (default ${DEFAULT-VALUE}).")
  String consistency;

  @Option(names = "--value-size", defaultValue = "1024", paramLabel = "BYTES",
      description = "Bytes per written value (default ${DEFAULT-VALUE}).")
  int valueSize;

  @Option(names = "--key-count", defaultValue = "100000", description = "Keys are drawn from 0..N-1 (default ${DEFAULT-VALUE}).")
  long keyCount;

  @Option(names = "--datacenter", defaultValue = "datacenter1", description = "The driver's local datacenter (default ${DEFAULT-VALUE}).")
  String datacenter;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the key sequence (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-in-flight", defaultValue = "1024", paramLabel = "N",
      description = "Cap on requests in flight (default ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve the per-second figures for Prometheus at http://BIND:PORT/metrics (0: any free port).")
  Integer metricsPort;

  @Option(names = "--metrics-bind", paramLabel = "ADDR",
      description = "Address the metrics endpoint listens on (default 0.0.0.0, every interface: what a container needs).")
  String metricsBind;

  private final Function<TrafficOptions, Integer> runner;
  private TrafficOptions parsed;

  private TrafficGenCommand(Function<TrafficOptions, Integer> runner) {
    this.runner = runner;
  }

  /** Builds the validated options; an inconsistent value becomes a picocli parameter error (exit 2). */
  TrafficOptions options(CommandLine cmd) {
    try {
      if (port != null && (port < 1 || port > 65535)) {
        throw new IllegalArgumentException("--port must be in 1..65535, got " + port);
      }
      int defaultPort = port != null ? port : target.defaultPort();
      List<HostAndPort> contactPoints = parseHosts("--hosts", hosts, defaultPort);
      List<HostAndPort> sentinelPoints = parseHosts("--sentinels", sentinels, 26379);
      List<java.net.URI> urlList = urls.stream().filter(u -> !u.isBlank()).map(u -> {
        try {
          return new java.net.URI(u.trim());
        } catch (java.net.URISyntaxException e) {
          throw new IllegalArgumentException("--urls: '" + u + "' is not a URL: " + e.getReason());
        }
      }).toList();
      if (rate == null && !closedLoop) {
        throw new IllegalArgumentException("Missing required option: '--rate=<rate>' (or give --closed-loop)");
      }
      long effectiveRate = rate == null ? Math.max(1, threads) : rate;
      TrafficOptions.TargetSpec targetSpec = new TrafficOptions.TargetSpec(target, urlList, path, sentinelPoints,
          masterName);
      Replication repl;
      try {
        repl = Replication.parse(replication);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--replication: " + e.getMessage());
      }
      Optional<Duration> duration = Optional.ofNullable(durationMinutes).map(m -> {
        if (!(m > 0) || m.isInfinite()) {
          throw new IllegalArgumentException("--duration-minutes must be positive, got " + m);
        }
        return Duration.ofMillis(Math.round(m * 60_000));
      });
      if (metricsBind != null && metricsPort == null) {
        throw new IllegalArgumentException("--metrics-bind needs --metrics-port");
      }
      Optional<TrafficOptions.MetricsEndpoint> metrics = Optional.ofNullable(metricsPort).map(p ->
          new TrafficOptions.MetricsEndpoint(metricsBind == null ? TrafficOptions.MetricsEndpoint.DEFAULT_BIND : metricsBind.trim(), p));
      return new TrafficOptions(contactPoints, mode, threads, effectiveRate, duration, storm, cpuSpike,
          Duration.ofMillis(clusterTimeoutMillis), Optional.ofNullable(log), leak, leakRate, amplification,
          readRatio, keyspace, repl, consistency, valueSize, keyCount, datacenter, seed, maxInFlight, metrics,
          targetSpec, closedLoop, verifyWrites);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, e.getMessage(), e);
    }
  }

  private static List<HostAndPort> parseHosts(String option, List<String> entries, int defaultPort) {
    return entries.stream().filter(h -> !h.isBlank()).map(h -> {
      try {
        return HostAndPort.parse(h, defaultPort);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + ": " + e.getMessage());
      }
    }).toList();
  }

  @Override
  public Integer call() {
    return runner.apply(parsed);
  }

  /**
   * Parses {@code args} and hands the valid options to {@code runner}; usage errors print one line
   * plus a hint on {@code err} and return 2. Used by {@link #main} and by the tests.
   */
  public static int execute(String[] args, PrintStream out, PrintStream err, Function<TrafficOptions, Integer> runner) {
    TrafficGenCommand command = new TrafficGenCommand(runner);
    CommandLine cmd = new CommandLine(command);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    cmd.setParameterExceptionHandler((ex, a) -> usageError(err, ex));
    cmd.setExecutionStrategy(r -> {
      if (CommandLine.printHelpIfRequested(r)) {
        return CommandLine.ExitCode.OK;
      }
      try {
        command.parsed = command.options(cmd);
      } catch (CommandLine.ParameterException ex) {
        // Raised after parsing: report it exactly like a parse error.
        return usageError(err, ex);
      }
      return new CommandLine.RunLast().execute(r);
    });
    return cmd.execute(args);
  }

  private static int usageError(PrintStream err, CommandLine.ParameterException ex) {
    err.println("traffic-gen: " + ex.getMessage());
    err.println("Run 'traffic-gen --help' for the options.");
    err.flush();
    return CommandLine.ExitCode.USAGE;
  }

  /** Runs the generator until the duration ends or the JVM receives SIGINT/SIGTERM. */
  public static void main(String[] args) {
    int code = execute(args, System.out, System.err, TrafficGenCommand::runForReal);
    System.exit(code);
  }

  private static int runForReal(TrafficOptions options) {
    Time clock = SystemTime.INSTANCE;
    TrafficMetrics metrics = new TrafficMetrics();
    if (options.metrics().isPresent()) {
      var endpoint = options.metrics().get();
      try {
        int port = metrics.serve(endpoint.bind(), endpoint.port());
        System.err.printf("traffic-gen: metrics at http://%s/metrics%n", new TrafficOptions.MetricsEndpoint(endpoint.bind(), port));
      } catch (java.io.IOException e) {
        System.err.println("traffic-gen: " + e.getMessage());
        return CommandLine.ExitCode.USAGE;
      }
    }
    LoadTarget target = Targets.create(options, clock);
    TrafficGenerator generator = new TrafficGenerator(options, target, (ConnectionStress) target, clock, System.out,
        new FinalLogWriter(options.log(), System.err), metrics::record);
    Thread hook = new Thread(() -> {
      generator.stop("signal");
      try {
        // The main thread writes the log; keep the JVM alive until it has (docker stop waits 10 s).
        if (!generator.awaitFinished(Duration.ofSeconds(9))) {
          System.err.println("traffic-gen: final log not written within 9 s of the signal");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "traffic-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.err.printf("traffic-gen: %s %s load %s on %s with %d thread(s)%s%n", options.target().kind().jsonName(),
        options.mode().name().toLowerCase(java.util.Locale.ROOT),
        options.closedLoop() ? "closed loop" : "at " + options.rate() + " ops/s",
        !options.hosts().isEmpty() ? options.hosts() : !options.target().urls().isEmpty() ? options.target().urls()
            : "sentinels " + options.target().sentinels(), options.threads(),
        options.duration().map(d -> " for " + d.toSeconds() + " s").orElse(" until stopped"));
    String reason;
    try {
      generator.start();
      reason = generator.awaitEnd();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reason = "interrupted";
    }
    try {
      generator.finish(reason);
    } catch (RuntimeException e) {
      System.err.println("traffic-gen: " + e.getMessage());
      return 1;
    } finally {
      metrics.close();
    }
    System.err.println("traffic-gen: stopped (" + reason + "), final log written"
        + options.log().map(p -> " to " + p).orElse(" to stderr"));
    return 0;
  }
}
