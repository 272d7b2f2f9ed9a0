package dev.reprise.master.safety;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.testbed.LocalEngine;
import dev.reprise.master.testbed.MasterJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How fast the safety loop stops a fault, as users run it ({@code master run} of the shipped jar on
 * the local engine): TRIPS runs of {@link SafetyIT}'s stack (a busybox probe requesting a page from
 * busybox httpd twice a second, writing workload lines), each with a partition between the two at
 * 6 s and {@code abort_when: error_rate above 10% over 3s} (one failing line of the six a 3 s window holds crosses it) (checked every second). Per run it takes,
 * from the run folder, the instant the first failing line was written (the engine's timestamp of the
 * log line, on the run's clock), the trip ({@code run.json}'s {@code safety_trip.at}) and the heal of
 * the partition (its {@code heal} record), and prints p50 / p99 / max of crossing → trip and crossing
 * → healed. The goal is healed ≤ 1.5 s at p99 with a 1 s check interval. Run by {@code scripts/bench-safety.sh}.
 */
public final class SafetyBench {
  static final String SCENARIO = """
      environment:
        seed: 9
        safety:
          abort_when:
            - name: probe errors
              workload: {service: probe, metric: error_rate, above: 10%, window: 3s}
      events:
        - beginning: {web: 1, probe: 1}
        - moment:
            time: 6
            services:
              probe:
                - fault: {target: {specific: [0]}, partition: {duration: 60s, peers: {web: all}}}
        - end: 70
      """;

  /** {@link SafetyIT#COMPOSE} with web on the manager and the probe on a worker: the samples and the heal cross hosts. */
  static String acrossHosts() {
    return SafetyIT.COMPOSE
        .replace("    deploy: {endpoint_mode: dnsrr, restart_policy: {condition: none}}\n  probe:",
            "    deploy: {endpoint_mode: dnsrr, restart_policy: {condition: none}, placement: {constraints: [node.role == manager]}}\n  probe:")
        .replaceFirst("(?s)(probe:.*)deploy: \\{endpoint_mode: dnsrr, restart_policy: \\{condition: none\\}\\}",
            "$1deploy: {endpoint_mode: dnsrr, restart_policy: {condition: none}, placement: {constraints: [node.role == worker]}}");
  }

  public static void main(String[] args) throws Exception {
    boolean testbed = args.length > 0 && args[0].equals("--testbed");
    int trips = args.length > (testbed ? 1 : 0) ? Integer.parseInt(args[testbed ? 1 : 0]) : 20;
    if (testbed) {
      acrossTestbed(trips);
      return;
    }
    DockerSwarmCluster docker = LocalEngine.connectWithHello();
    var toTrip = new ArrayList<Double>();
    var toHeal = new ArrayList<Double>();
    int failed = 0;
    for (int i = 0; i < trips; i++) {
      Path tmp = Files.createTempDirectory("reprise-safetybench");
      String name = "safety-bench-" + i;
      var jvm = MasterJvm.start(tmp, name, MasterJvm.writeScenario(tmp.resolve("scenario"), SafetyIT.COMPOSE, SCENARIO));
      try {
        if (!jvm.process().waitFor(5, TimeUnit.MINUTES)) throw new IllegalStateException("run " + i + " did not end");
        var ids = jvm.runIds();
        if (!measure(i, jvm.runs().resolve(ids.get(0)), toTrip, toHeal)) failed++;
      } finally {
        jvm.close();
        for (String id : MasterJvm.runFolders(tmp.resolve("runs"), name)) LocalEngine.removeStack(docker, id);
      }
    }
    docker.close();
    print("1 host (local engine)", trips, toTrip, toHeal, failed);
  }

  /** The same on a 3-host testbed (testbed/up 3, taken down after): web on the manager, the probe on a worker. */
  static void acrossTestbed(int trips) throws Exception {
    Path tmp = Files.createTempDirectory("reprise-safetybench-hosts");
    Path hosts = dev.reprise.master.testbed.Testbed.up(3);
    var toTrip = new ArrayList<Double>();
    var toHeal = new ArrayList<Double>();
    int failed = 0;
    try {
      Path agentJar = Files.copy(dev.reprise.master.testbed.Testbed.REPO.resolve("local-controller/target/agent-all.jar"),
          tmp.resolve("agent-all.jar"));
      int up = new picocli.CommandLine(new dev.reprise.master.cli.ClusterCommand()).execute("up", "--hosts", hosts.toString(),
          "--agent-jar", agentJar.toString(), "--accept-new-host-keys");
      if (up != 0) throw new IllegalStateException("cluster up failed");
      for (int i = 0; i < trips; i++) {
        Path dir = Files.createDirectories(tmp.resolve("run" + i));
        String name = "safety-hosts-" + i;
        var jvm = MasterJvm.start(dir, name, MasterJvm.writeScenario(dir.resolve("scenario"), acrossHosts(), SCENARIO),
            "--hosts", hosts.toString(), "--accept-new-host-keys", "--agent-jar", agentJar.toString());
        try {
          if (!jvm.process().waitFor(5, TimeUnit.MINUTES)) throw new IllegalStateException("run " + i + " did not end");
          var ids = jvm.runIds();
          if (ids.isEmpty() || !measure(i, jvm.runs().resolve(ids.get(0)), toTrip, toHeal)) {
            failed++;
            if (ids.isEmpty()) System.out.println("run " + i + ": no run folder; the master said:\n" + jvm.said());
          }
        } finally {
          jvm.close();
        }
      }
    } finally {
      dev.reprise.master.testbed.Testbed.run("testbed/down");
    }
    print("3 hosts (testbed; probe and web on different hosts, agents over SSH)", trips, toTrip, toHeal, failed);
  }

  /** Adds run {@code i}'s crossing → trip and crossing → healed to the lists; false when the run does not count. */
  static boolean measure(int i, Path dir, List<Double> toTrip, List<Double> toHeal) throws java.io.IOException {
    {
      {
        JsonNode run = RecordJson.mapper().readTree(dir.resolve("run.json").toFile());
        if (!"aborted".equals(run.path("outcome").asText()) || !run.hasNonNull("safety_trip")) {
          System.out.println("run " + i + ": " + run.path("outcome").asText() + " (" + run.path("reason").asText() + "), not counted");
          return false;
        }
        Instant trip = Instant.parse(run.path("safety_trip").path("at").asText());
        Instant partitioned = null;
        Instant healed = null;
        int seq = -1;
        for (String line : Files.readAllLines(dir.resolve("timeline.jsonl"))) {
          if (line.isBlank()) continue;
          JsonNode t = RecordJson.mapper().readTree(line);
          if ("partition".equals(t.path("fault").asText()) && "action".equals(t.path("kind").asText())) {
            partitioned = Instant.parse(t.path("actual").asText());
            seq = t.path("seq").asInt();
          } else if ("heal".equals(t.path("kind").asText()) && t.path("seq").asInt() == seq && seq >= 0) {
            healed = Instant.parse(t.path("actual").asText());
          }
        }
        Instant crossing = null;
        for (String line : Files.readAllLines(dir.resolve("logs/probe.0.jsonl"))) {
          JsonNode l = RecordJson.mapper().readTree(line);
          Instant at = Instant.parse(l.path("time").asText());
          if (partitioned != null && !at.isBefore(partitioned) && l.path("line").asText().contains("\"timeout\":1")) {
            crossing = at;
            break;
          }
        }
        if (crossing == null || healed == null) {
          System.out.println("run " + i + ": no failing line or no heal in " + dir + ", not counted");
          return false;
        }
        double trippedMs = Duration.between(crossing, trip).toNanos() / 1e6;
        double healedMs = Duration.between(crossing, healed).toNanos() / 1e6;
        toTrip.add(trippedMs);
        toHeal.add(healedMs);
        System.out.printf(Locale.ROOT, "run %2d: first failing line -> trip %6.0f ms, -> partition healed %6.0f ms%n", i, trippedMs,
            healedMs);
        return true;
      }
    }
  }

  static void print(String where, int trips, List<Double> toTrip, List<Double> toHeal, int failed) {
    System.out.printf(Locale.ROOT, "%nsafety bench, %s: %d runs, %d tripped and measured, %d not counted%n", where, trips,
        toTrip.size(), failed);
    System.out.println("first failing workload line -> trip:            " + summary(toTrip));
    System.out.println("first failing workload line -> every fault healed: " + summary(toHeal));
  }

  static String summary(List<Double> ms) {
    if (ms.isEmpty()) return "no data";
    var s = new ArrayList<>(ms);
    Collections.sort(s);
    return String.format(Locale.ROOT, "p50 %.0f ms, p99 %.0f ms, max %.0f ms (n=%d)", pct(s, 0.5), pct(s, 0.99),
        s.get(s.size() - 1), s.size());
  }

  static double pct(List<Double> sorted, double p) {
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
