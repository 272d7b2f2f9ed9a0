package dev.reprise.traffic;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every parameter of one run, validated where it is built: the constructor rejects inconsistent
 * values with an {@link IllegalArgumentException} whose message names the option, so the command
 * line can print it and exit 2.
 *
 * @param hosts contact points ({@code --hosts})
 * @param mode read, write or mixed ({@code --mode})
 * @param threads sender threads; each paces its share of the schedule ({@code --threads})
 * @param rate total operations per second ({@code --rate})
 * @param duration how long to run; empty runs until stopped ({@code --duration-minutes})
 * @param storm open and close sessions rapidly alongside the load ({@code --storm})
 * @param cpuSpike burn CPU on the client host in bursts ({@code --cpu-spike})
 * @param clusterTimeout connection and request timeout ({@code --cluster-timeout}, ms)
 * @param log where the final JSON log goes ({@code --log}); empty writes it to stderr
 * @param leak open CQL connections and never close them ({@code --leak})
 * @param leakRate connections opened per second by {@code --leak}
 * @param amplification wide partitions, large batches, large values ({@code --amplification})
 * @param readRatio share of reads in mixed mode, 0..1 ({@code --read-ratio})
 * @param keyspace keyspace to create and use ({@code --keyspace})
 * @param replication keyspace replication ({@code --replication})
 * @param consistency CQL consistency level name ({@code --consistency})
 * @param valueSize bytes per written value ({@code --value-size})
 * @param keyCount keys are drawn from 0..keyCount-1 ({@code --key-count})
 * @param datacenter the driver's local datacenter ({@code --datacenter})
 * @param seed seed of the key and operation sequence ({@code --seed})
 * @param maxInFlight cap on requests in flight ({@code --max-in-flight})
 * @param metrics where to serve the per-second figures for Prometheus ({@code --metrics-port},
 *     {@code --metrics-bind}); empty: not served
 * @param target which system is loaded and how it is addressed ({@code --target}, {@code --urls},
 *     {@code --path}, {@code --sentinels}, {@code --master-name})
 * @param closedLoop each sender sends its next operation when the last returns, {@code rate} is
 *     ignored ({@code --closed-loop})
 * @param verifyWrites every write gets a key of its own; acknowledged ones are read back at the end
 *     ({@code --verify-writes})
 */
public record TrafficOptions(
    List<HostAndPort> hosts,
    Mode mode,
    int threads,
    long rate,
    Optional<Duration> duration,
    boolean storm,
    boolean cpuSpike,
    Duration clusterTimeout,
    Optional<Path> log,
    boolean leak,
    int leakRate,
    boolean amplification,
    double readRatio,
    String keyspace,
    Replication replication,
    String consistency,
    int valueSize,
    long keyCount,
    String datacenter,
    long seed,
    int maxInFlight,
    Optional<MetricsEndpoint> metrics,
    TargetSpec target,
    boolean closedLoop,
    boolean verifyWrites) {

  /**
   * Which system the load goes to and how it is addressed.
   *
   * @param kind cassandra, http or redis
   * @param urls HTTP only: the URLs to send to, round robin ({@code --urls}); empty: built from
   *     {@code hosts} and {@code path}, every address of every host name
   * @param path HTTP only: the path requested on each of {@code hosts} ({@code --path}, default {@code /})
   * @param sentinels Redis only: ask these sentinels for the master ({@code --sentinels}); empty:
   *     {@code hosts} are Redis servers
   * @param masterName Redis only: the master's name at the sentinels ({@code --master-name})
   */
  public record TargetSpec(TargetKind kind, List<java.net.URI> urls, String path, List<HostAndPort> sentinels,
      String masterName) {
    /** Cassandra, addressed by {@code --hosts} alone. */
    public static final TargetSpec CASSANDRA = new TargetSpec(TargetKind.CASSANDRA, List.of(), "/", List.of(), "mymaster");

    public TargetSpec {
      urls = List.copyOf(urls);
      sentinels = List.copyOf(sentinels);
      require(path.startsWith("/"), "--path must start with '/', got '" + path + "'");
      require(!masterName.isBlank(), "--master-name must not be empty");
      require(kind == TargetKind.HTTP || urls.isEmpty(), "--urls is for --target http");
      require(kind == TargetKind.REDIS || sentinels.isEmpty(), "--sentinels is for --target redis");
      for (java.net.URI u : urls) {
        require(("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null,
            "--urls: '" + u + "' is not an http:// or https:// URL with a host");
      }
    }
  }

  /**
   * The Prometheus endpoint: {@code http://bind:port/metrics}.
   *
   * @param bind the address to listen on ({@link #DEFAULT_BIND} unless {@code --metrics-bind} says otherwise)
   * @param port 0..65535 (0: an ephemeral port)
   */
  public record MetricsEndpoint(String bind, int port) {
    /** Every interface: in a container, the only bind another container's Prometheus can reach. */
    public static final String DEFAULT_BIND = "0.0.0.0";

    public MetricsEndpoint {
      require(port >= 0 && port <= 65535, "--metrics-port must be in 0..65535, got " + port);
      require(bind != null && !bind.isBlank(), "--metrics-bind must not be empty");
    }

    @Override
    public String toString() {
      return (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + port;
    }
  }

  /** Without a metrics endpoint. */
  public TrafficOptions(List<HostAndPort> hosts, Mode mode, int threads, long rate, Optional<Duration> duration,
      boolean storm, boolean cpuSpike, Duration clusterTimeout, Optional<Path> log, boolean leak, int leakRate,
      boolean amplification, double readRatio, String keyspace, Replication replication, String consistency,
      int valueSize, long keyCount, String datacenter, long seed, int maxInFlight) {
    this(hosts, mode, threads, rate, duration, storm, cpuSpike, clusterTimeout, log, leak, leakRate, amplification,
        readRatio, keyspace, replication, consistency, valueSize, keyCount, datacenter, seed, maxInFlight,
        Optional.empty());
  }

  /** Cassandra, open loop, writes not verified (the options before --target existed). */
  public TrafficOptions(List<HostAndPort> hosts, Mode mode, int threads, long rate, Optional<Duration> duration,
      boolean storm, boolean cpuSpike, Duration clusterTimeout, Optional<Path> log, boolean leak, int leakRate,
      boolean amplification, double readRatio, String keyspace, Replication replication, String consistency,
      int valueSize, long keyCount, String datacenter, long seed, int maxInFlight, Optional<MetricsEndpoint> metrics) {
    this(hosts, mode, threads, rate, duration, storm, cpuSpike, clusterTimeout, log, leak, leakRate, amplification,
        readRatio, keyspace, replication, consistency, valueSize, keyCount, datacenter, seed, maxInFlight,
        metrics, TargetSpec.CASSANDRA, false, false);
  }

  /** A copy of these options for another target, loop discipline and write verification. */
  public TrafficOptions with(TargetSpec target, boolean closedLoop, boolean verifyWrites) {
    return new TrafficOptions(hosts, mode, threads, rate, duration, storm, cpuSpike, clusterTimeout, log, leak,
        leakRate, amplification, readRatio, keyspace, replication, consistency, valueSize, keyCount, datacenter, seed,
        maxInFlight, metrics, target, closedLoop, verifyWrites);
  }

  /** Consistency levels the driver accepts for plain reads and writes. */
  public static final Set<String> CONSISTENCY_LEVELS = Set.of("ANY", "ONE", "TWO", "THREE", "QUORUM",
      "ALL", "LOCAL_ONE", "LOCAL_QUORUM", "EACH_QUORUM");

  public TrafficOptions {
    hosts = List.copyOf(hosts);
    consistency = consistency.toUpperCase(Locale.ROOT);
    require(!hosts.isEmpty() || !target.urls().isEmpty() || !target.sentinels().isEmpty(),
        target.kind() == TargetKind.HTTP ? "give --hosts or --urls"
            : target.kind() == TargetKind.REDIS ? "give --hosts or --sentinels" : "Missing required option: '--hosts=HOST[:PORT]' (give at least one contact point)");
    require(target.kind() != TargetKind.HTTP || hosts.isEmpty() || target.urls().isEmpty(),
        "give --hosts or --urls, not both");
    require(target.kind() != TargetKind.REDIS || hosts.isEmpty() || target.sentinels().isEmpty(),
        "give --hosts (Redis servers) or --sentinels, not both");
    require(!amplification || target.kind() == TargetKind.CASSANDRA, "--amplification is for --target cassandra");
    require(!(amplification && verifyWrites), "--verify-writes and --amplification do not go together");
    require(!verifyWrites || target.kind() != TargetKind.HTTP, "--verify-writes is for --target redis or cassandra"
        + " (HTTP has no generic read-back)");
    require(threads >= 1 && threads <= 256, "--threads must be in 1..256, got " + threads);
    require(rate >= 1, "--rate must be at least 1 operation per second, got " + rate);
    require(closedLoop || rate >= threads, "--rate (" + rate + ") must be at least --threads (" + threads
        + "): each thread paces its share of the rate");
    duration.ifPresent(d -> require(!d.isNegative() && !d.isZero(),
        "--duration-minutes must be positive, got " + d));
    require(clusterTimeout.toMillis() >= 10, "--cluster-timeout must be at least 10 ms, got "
        + clusterTimeout.toMillis());
    require(leakRate >= 1, "--leak-rate must be at least 1 connection per second, got " + leakRate);
    require(readRatio >= 0 && readRatio <= 1, "--read-ratio must be in 0..1, got " + readRatio);
    require(keyspace.matches("[A-Za-z][A-Za-z0-9_]{0,47}"),
        "--keyspace '" + keyspace + "' is not a valid keyspace name (letter, then letters, digits, _)");
    require(CONSISTENCY_LEVELS.contains(consistency), "--consistency '" + consistency
        + "' is not one of " + CONSISTENCY_LEVELS.stream().sorted().toList());
    require(valueSize >= 0 && valueSize <= 16 * 1024 * 1024,
        "--value-size must be in 0..16777216 bytes, got " + valueSize);
    require(keyCount >= 1, "--key-count must be at least 1, got " + keyCount);
    require(!datacenter.isBlank(), "--datacenter must not be empty");
    require(maxInFlight >= 1, "--max-in-flight must be at least 1, got " + maxInFlight);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Every parameter by its option name, for the final log. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hosts", hosts.stream().map(HostAndPort::toString).toList());
    m.put("mode", mode.name().toLowerCase(Locale.ROOT));
    m.put("threads", threads);
    m.put("rate", rate);
    m.put("duration_minutes", duration.map(d -> d.toMillis() / 60_000.0).orElse(null));
    m.put("storm", storm);
    m.put("cpu_spike", cpuSpike);
    m.put("cluster_timeout_ms", clusterTimeout.toMillis());
    m.put("log", log.map(Path::toString).orElse(null));
    m.put("leak", leak);
    m.put("leak_rate", leakRate);
    m.put("amplification", amplification);
    m.put("read_ratio", readRatio);
    m.put("keyspace", keyspace);
    m.put("replication", replication.toString());
    m.put("consistency", consistency);
    m.put("value_size", valueSize);
    m.put("key_count", keyCount);
    m.put("datacenter", datacenter);
    m.put("seed", seed);
    m.put("max_in_flight", maxInFlight);
    m.put("metrics", metrics.map(MetricsEndpoint::toString).orElse(null));
    m.put("target", target.kind().jsonName());
    m.put("urls", target.urls().stream().map(java.net.URI::toString).toList());
    m.put("path", target.path());
    m.put("sentinels", target.sentinels().stream().map(HostAndPort::toString).toList());
    m.put("master_name", target.masterName());
    m.put("closed_loop", closedLoop);
    m.put("verify_writes", verifyWrites);
    return m;
  }
}
