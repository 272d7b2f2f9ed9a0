package dev.reprise.master.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.agent.nativehelper.NativeHelper;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.testbed.ContainerNet;
import dev.reprise.master.testbed.ContainerNet.Burst;
import dev.reprise.master.testbed.LocalEngine;
import dev.reprise.master.testbed.MasterJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The network faults' accuracy and speed on the local engine, as users run them ({@code master run}
 * of the shipped jar): CYCLES cycles of {@code delay 50ms} for 6 s and {@code loss 10%} for 6 s on
 * container {@code a}'s traffic to {@code b}, 3 s apart, while the agent's helper pings {@code b}
 * from inside {@code a} in bursts of 20 packets 10 ms apart. Prints the added round trip (p50, mean,
 * p99) and the loss ratio inside the windows against what was asked, and, from the run's timeline,
 * the time from each fault's planned instant until its rules were in place (the last command
 * acknowledged) and from its planned end until its heal completed. Run by {@code scripts/bench-network.sh}.
 */
public final class NetworkFaultBench {
  static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    var tmp = Files.createTempDirectory("reprise-netbench");
    var sb = new StringBuilder("""
        environment:
          seed: 7
        events:
          - beginning: {a: 1, b: 1}
        """);
    int t = 8;
    for (int i = 0; i < cycles; i++) {
      sb.append("  - moment:\n      time: ").append(t).append("\n      services:\n        a:\n")
          .append("          - fault: {target: {specific: [0]}, network: {duration: 6s, delay: 50ms, to: {b: all}}}\n");
      t += 9;
      sb.append("  - moment:\n      time: ").append(t).append("\n      services:\n        a:\n")
          .append("          - fault: {target: {specific: [0]}, network: {duration: 6s, loss: 10%, to: {b: all}}}\n");
      t += 9;
    }
    sb.append("  - end: ").append(t + 2).append("\n");
    DockerSwarmCluster docker = LocalEngine.connectWithHello();
    String helper = NativeHelper.extract().toString();
    MasterJvm jvm = MasterJvm.start(tmp, "netbench", MasterJvm.writeScenario(tmp.resolve("scenario"), NetworkFaultsIT.COMPOSE, sb.toString()));
    Process echo = null;
    try {
      String runId = null;
      while (runId == null) {
        var ids = jvm.runIds();
        if (!ids.isEmpty()) runId = ids.get(0);
        else if (!jvm.process().isAlive()) throw new IllegalStateException("the master ended: " + jvm.said());
        else Thread.sleep(200);
      }
      var a = ContainerNet.await(runId + "_a", Duration.ofMinutes(3));
      var b = ContainerNet.await(runId + "_b", Duration.ofMinutes(1));
      echo = ContainerNet.startEcho(helper, b, NetworkFaultsIT.PORT, Duration.ofMinutes(10));
      var bursts = new ArrayList<Burst>();
      while (jvm.process().isAlive()) bursts.add(ContainerNet.ping(helper, a, b.addresses().get(0), NetworkFaultsIT.PORT, 20, 10));
      Path timeline = jvm.runs().resolve(runId).resolve("timeline.jsonl");
      report(cycles, bursts, timeline);
    } finally {
      if (echo != null) echo.destroyForcibly();
      MasterJvm.cleanUp(jvm, tmp.resolve("runs"), "netbench", id -> LocalEngine.removeStack(docker, id), "NetworkFaultBench");
      docker.close();
    }
  }

  static void report(int cycles, List<Burst> bursts, Path timeline) throws Exception {
    var delay = new ArrayList<Instant[]>();
    var loss = new ArrayList<Instant[]>();
    var apply = new ArrayList<Double>();
    var heal = new ArrayList<Double>();
    var planned = new java.util.HashMap<Integer, Instant>();
    var durations = new java.util.HashMap<Integer, Long>();
    var acks = new java.util.HashMap<Integer, Instant>();
    var labels = new java.util.HashMap<Integer, String>();
    String mechanism = null;
    for (var line : Files.readAllLines(timeline)) {
      var r = JSON.readTree(line);
      if (!r.has("fault")) continue;
      int seq = r.path("seq").asInt();
      if ("action".equals(r.path("kind").asText())) {
        var p = Instant.parse(r.path("planned").asText());
        var ack = Instant.parse(r.path("acknowledged").asText());
        planned.put(seq, p);
        acks.put(seq, ack);
        labels.put(seq, r.path("label").asText());
        durations.put(seq, 6000L);
        apply.add(Duration.between(p, ack).toNanos() / 1e6);
        mechanism = r.path("mechanism").asText();
      } else if ("heal".equals(r.path("kind").asText()) && planned.containsKey(seq)) {
        var healed = Instant.parse(r.path("actual").asText());
        heal.add(Duration.between(planned.get(seq).plusMillis(durations.get(seq)), healed).toNanos() / 1e6);
        var window = new Instant[] {acks.get(seq).plusMillis(300), healed.minusMillis(100)};
        (labels.get(seq).contains("delay") ? delay : loss).add(window);
      }
    }
    var all = new ArrayList<Instant[]>(delay);
    all.addAll(loss);
    var outside = bursts.stream().filter(x -> all.stream().noneMatch(w -> x.end().isAfter(w[0].minusMillis(600))
        && x.start().isBefore(w[1].plusMillis(600)))).toList();
    var inDelay = bursts.stream().filter(x -> delay.stream().anyMatch(w -> x.within(w[0], w[1]))).toList();
    var inLoss = bursts.stream().filter(x -> loss.stream().anyMatch(w -> x.within(w[0], w[1]))).toList();
    double base50 = median(outside.stream().map(Burst::p50).toList());
    double baseMean = mean(outside.stream().map(x -> x.result().path("rtt_ms").path("mean").asDouble()).toList());
    var p50s = inDelay.stream().map(Burst::p50).toList();
    var means = inDelay.stream().map(x -> x.result().path("rtt_ms").path("mean").asDouble()).toList();
    var p99s = inDelay.stream().map(x -> x.result().path("rtt_ms").path("p99").asDouble()).sorted().toList();
    int sent = inLoss.stream().mapToInt(Burst::sent).sum();
    int received = inLoss.stream().mapToInt(Burst::received).sum();
    System.out.printf(Locale.ROOT, "network fault benchmark: %d cycles, mechanism %s, %d bursts of 20 pings (%d outside every window)%n",
        cycles, mechanism, bursts.size(), outside.size());
    System.out.printf(Locale.ROOT, "  baseline round trip: p50 %.3f ms, mean %.3f ms%n", base50, baseMean);
    System.out.printf(Locale.ROOT, "  delay 50 ms asked: added round trip p50 %.2f ms, mean %.2f ms, p99 %.2f ms (%d bursts)%n",
        median(p50s) - base50, mean(means) - baseMean, (p99s.isEmpty() ? Double.NaN : p99s.get((int) Math.min(p99s.size() - 1,
            Math.floor(p99s.size() * 0.99)))) - base50, inDelay.size());
    System.out.printf(Locale.ROOT, "  loss 10%% asked: measured %.2f%% (%d of %d lost)%n", sent == 0 ? Double.NaN : 100.0 * (sent - received) / sent,
        sent - received, sent);
    System.out.printf(Locale.ROOT, "  planned instant -> rules in place: p50 %.1f ms, max %.1f ms (n=%d)%n", median(apply), max(apply), apply.size());
    System.out.printf(Locale.ROOT, "  planned end -> heal done: p50 %.1f ms, max %.1f ms (n=%d)%n", median(heal), max(heal), heal.size());
  }

  static double median(List<Double> v) {
    var s = v.stream().filter(d -> !d.isNaN()).sorted().toList();
    return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
  }

  static double mean(List<Double> v) {
    return v.stream().filter(d -> !d.isNaN()).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  static double max(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }
}
