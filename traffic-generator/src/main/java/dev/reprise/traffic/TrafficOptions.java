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
    Optional<MetricsEndpoint> metrics) {

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

  /** Consistency levels the driver accepts for plain reads and writes. */
  public static final Set<String> CONSISTENCY_LEVELS = Set.of("ANY", "ONE", "TWO", "THREE", "QUORUM",
      "ALL", "LOCAL_ONE", "LOCAL_QUORUM", "EACH_QUORUM");

  public TrafficOptions {
    hosts = List.copyOf(hosts);
    consistency = consistency.toUpperCase(Locale.ROOT);
    require(!hosts.isEmpty(), "--hosts: give at least one contact point");
    require(threads >= 1 && threads <= 256, "--threads must be in 1..256, got " + threads);
    require(rate >= 1, "--rate must be at least 1 operation per second, got " + rate);
    require(rate >= threads, "--rate (" + rate + ") must be at least --threads (" + threads
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
    return m;
  }
}
