package dev.reprise.export;

import dev.reprise.fdsl.record.LogRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Client workload per whole second since T0, summed over every client container: successful
 * operations and errors per second are sums; latency percentiles are the mean of the clients'
 * percentiles weighted by their successful operations (an approximation: exact merging needs the
 * histograms, which the per-second lines do not carry); max latency is the max. A sample covering
 * {@code n} seconds (YCSB reports every 10 s) contributes its rates to each of those seconds.
 *
 * <p>Second k covers [T0 + k s, T0 + k+1 s); a sample is placed by the middle of its interval.
 * Seconds no client reported are {@link #reported(int) unreported} (throughput NaN, not 0).
 *
 * <p>Build with {@link Builder}, fed in any order; the result is immutable.
 */
public final class WorkloadSeries {
  private final int seconds;
  private final double[] ok;
  private final double[] errors;
  private final Map<String, double[]> errorsByKind;
  private final double[] p50;
  private final double[] p95;
  private final double[] p99;
  private final double[] max;
  private final double[] inFlight;
  private final double[] connections;
  private final int[] clients;
  private final Map<String, List<WorkloadSample>> perClient;

  private WorkloadSeries(Builder b) {
    this.seconds = b.seconds;
    this.ok = b.ok;
    this.errors = b.errors;
    this.errorsByKind = Collections.unmodifiableMap(new TreeMap<>(b.errorsByKind));
    this.p50 = ratio(b.p50w, b.p50n);
    this.p95 = ratio(b.p95w, b.p95n);
    this.p99 = ratio(b.p99w, b.p99n);
    this.max = b.max;
    this.inFlight = b.inFlight;
    this.connections = b.connections;
    this.clients = b.clients;
    Map<String, List<WorkloadSample>> pc = new TreeMap<>();
    b.perClient.forEach((k, v) -> pc.put(k, List.copyOf(v)));
    this.perClient = Collections.unmodifiableMap(pc);
    for (int k = 0; k < seconds; k++) {
      if (clients[k] == 0) {
        ok[k] = Double.NaN;
        errors[k] = Double.NaN;
        for (double[] e : errorsByKind.values()) {
          e[k] = Double.NaN;
        }
        inFlight[k] = Double.NaN;
        connections[k] = Double.NaN;
      }
    }
  }

  private static double[] ratio(double[] w, double[] n) {
    double[] out = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      out[i] = n[i] > 0 ? w[i] / n[i] : Double.NaN;
    }
    return out;
  }

  /** Builds a series directly from per-second arrays (synthetic series, tests); NaN marks an unreported second. */
  public static WorkloadSeries of(double[] okPerSecond, double[] errorsPerSecond, double[] p50, double[] p95, double[] p99) {
    Builder b = new Builder(okPerSecond.length);
    for (int k = 0; k < okPerSecond.length; k++) {
      if (Double.isNaN(okPerSecond[k])) {
        continue;
      }
      double err = errorsPerSecond == null || Double.isNaN(errorsPerSecond[k]) ? 0 : errorsPerSecond[k];
      b.addAt(k, "synthetic", okPerSecond[k], Map.of("other", err),
          p50 == null ? null : p50[k], p95 == null ? null : p95[k], p99 == null ? null : p99[k], null, null, null);
    }
    return b.build();
  }

  public int seconds() { return seconds; }

  /** True when at least one sample was placed. */
  public boolean present() {
    return Arrays.stream(clients).anyMatch(c -> c > 0);
  }

  /** Whether any client reported for second {@code k}. */
  public boolean reported(int k) { return k >= 0 && k < seconds && clients[k] > 0; }

  /** Successful operations per second (NaN where unreported); the array is shared, do not modify. */
  public double[] ok() { return ok; }
  /** Errors per second (NaN where unreported). */
  public double[] errors() { return errors; }
  /** Error kind → errors per second. */
  public Map<String, double[]> errorsByKind() { return errorsByKind; }
  public double[] p50() { return p50; }
  public double[] p95() { return p95; }
  public double[] p99() { return p99; }
  public double[] max() { return max; }
  public double[] inFlight() { return inFlight; }
  public double[] connections() { return connections; }
  /** How many clients reported for each second. */
  public int[] clients() { return clients; }
  /** Client (service.id) → its samples in time order. */
  public Map<String, List<WorkloadSample>> perClient() { return perClient; }

  /** Error rate of second k: errors / (ok + errors), 0 when nothing happened, NaN when unreported. */
  public double errorRate(int k) {
    if (!reported(k)) {
      return Double.NaN;
    }
    double total = ok[k] + errors[k];
    return total > 0 ? errors[k] / total : 0;
  }

  /**
   * Collects samples from container logs. One {@link WorkloadParser} per container (YCSB lines need
   * the previous status of the same stream). Not thread-safe.
   */
  public static final class Builder {
    private final int seconds;
    private final double[] ok;
    private final double[] errors;
    private final Map<String, double[]> errorsByKind = new HashMap<>();
    private final double[] p50w;
    private final double[] p50n;
    private final double[] p95w;
    private final double[] p95n;
    private final double[] p99w;
    private final double[] p99n;
    private final double[] max;
    private final double[] inFlight;
    private final double[] connections;
    private final int[] clients;
    private final Map<String, WorkloadParser> parsers = new HashMap<>();
    private final Map<String, List<WorkloadSample>> perClient = new LinkedHashMap<>();
    private RunFolder run;

    public Builder(int seconds) {
      this.seconds = Math.max(0, seconds);
      ok = new double[this.seconds];
      errors = new double[this.seconds];
      p50w = new double[this.seconds];
      p50n = new double[this.seconds];
      p95w = new double[this.seconds];
      p95n = new double[this.seconds];
      p99w = new double[this.seconds];
      p99n = new double[this.seconds];
      max = new double[this.seconds];
      Arrays.fill(max, Double.NaN);
      inFlight = new double[this.seconds];
      connections = new double[this.seconds];
      clients = new int[this.seconds];
    }

    /** A builder for {@code run}'s seconds, converting times with its T0. */
    public static Builder forRun(RunFolder run) {
      Builder b = new Builder((int) Math.ceil(run.durationSeconds()) + 1);
      b.run = run;
      return b;
    }

    /** Offers one log line; lines that are not workload metric lines are ignored. */
    public void accept(LogRecord log) {
      String client = (log.service() == null ? "?" : log.service()) + "." + (log.id() == null
          ? (log.container() == null ? "?" : log.container().substring(0, Math.min(12, log.container().length())))
          : log.id());
      WorkloadParser parser = parsers.computeIfAbsent(client, k -> new WorkloadParser());
      parser.parse(log.line(), log.time()).ifPresent(s -> add(client, s));
    }

    /** Places one client's sample. */
    public void add(String client, WorkloadSample s) {
      perClient.computeIfAbsent(client, k -> new ArrayList<>()).add(s);
      double end = run.seconds(s.time());
      double interval = s.intervalSeconds() > 0 ? s.intervalSeconds() : 1;
      int n = Math.max(1, (int) Math.round(interval));
      for (int j = 0; j < n; j++) {
        int k = (int) Math.floor(end - interval + (j + 0.5) * interval / n);
        addAt(k, client, s.okPerSecond(), perSecond(s), s.p50(), s.p95(), s.p99(), s.max(), s.inFlight(), s.openConnections());
      }
    }

    private static Map<String, Double> perSecond(WorkloadSample s) {
      Map<String, Double> out = new HashMap<>();
      double interval = s.intervalSeconds() > 0 ? s.intervalSeconds() : 1;
      s.errors().forEach((kind, count) -> out.put(kind, count / interval));
      return out;
    }

    void addAt(int k, String client, double okRate, Map<String, Double> errorRates, Double l50, Double l95, Double l99,
        Double lmax, Integer flight, Integer conns) {
      if (k < 0 || k >= seconds) {
        return;
      }
      clients[k]++;
      ok[k] += okRate;
      double w = Math.max(okRate, 1e-9);
      for (var e : errorRates.entrySet()) {
        errors[k] += e.getValue();
        errorsByKind.computeIfAbsent(e.getKey(), x -> new double[seconds])[k] += e.getValue();
      }
      if (l50 != null) {
        p50w[k] += l50 * w;
        p50n[k] += w;
      }
      if (l95 != null) {
        p95w[k] += l95 * w;
        p95n[k] += w;
      }
      if (l99 != null) {
        p99w[k] += l99 * w;
        p99n[k] += w;
      }
      if (lmax != null) {
        max[k] = Double.isNaN(max[k]) ? lmax : Math.max(max[k], lmax);
      }
      if (flight != null) {
        inFlight[k] += flight;
      }
      if (conns != null) {
        connections[k] += conns;
      }
    }

    public WorkloadSeries build() {
      return new WorkloadSeries(this);
    }
  }
}
