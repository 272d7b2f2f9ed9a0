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
 * 6 s and {@code abort_when: error_rate above 20% over 3s} (checked every second). Per run it takes,
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
              workload: {service: probe, metric: error_rate, above: 20%, window: 3s}
      events:
        - beginning: {web: 1, probe: 1}
        - moment:
            time: 6
            services:
              probe:
                - fault: {target: {specific: [0]}, partition: {duration: 60s, peers: {web: all}}}
        - end: 70
      """;

  public static void main(String[] args) throws Exception {
    int trips = args.length > 0 ? Integer.parseInt(args[0]) : 20;
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
        Path dir = jvm.runs().resolve(ids.get(0));
        JsonNode run = RecordJson.mapper().readTree(dir.resolve("run.json").toFile());
        if (!"aborted".equals(run.path("outcome").asText()) || !run.hasNonNull("safety_trip")) {
          failed++;
          System.out.println("run " + i + ": " + run.path("outcome").asText() + " (" + run.path("reason").asText() + "), not counted");
          continue;
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
          failed++;
          System.out.println("run " + i + ": no failing line or no heal in " + dir + ", not counted");
          continue;
        }
        double trippedMs = Duration.between(crossing, trip).toNanos() / 1e6;
        double healedMs = Duration.between(crossing, healed).toNanos() / 1e6;
        toTrip.add(trippedMs);
        toHeal.add(healedMs);
        System.out.printf(Locale.ROOT, "run %2d: first failing line -> trip %6.0f ms, -> partition healed %6.0f ms%n", i, trippedMs,
            healedMs);
      } finally {
        jvm.close();
        for (String id : MasterJvm.runFolders(tmp.resolve("runs"), name)) LocalEngine.removeStack(docker, id);
      }
    }
    docker.close();
    System.out.printf(Locale.ROOT, "%nsafety bench: %d runs, %d tripped and measured, %d not counted%n", trips, toTrip.size(), failed);
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
