package dev.reprise.master.remote;

import dev.reprise.master.testbed.Testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.master.merge.RunCollector;
import dev.reprise.master.ssh.RemoteHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The multi-host firing benchmark (scripts/bench-multihost.sh): on a 3-host testbed, N moments one
 * second apart, each a non-lethal SIGUSR1 to the service's 3 containers (one per host), so every
 * moment fires on three hosts. Prints the cross-host spread of actual fire instants per moment,
 * each host's firing error (actual - planned), the NTP offsets measured at arm and what the clock
 * resyncs (every {@link #RESYNC_MS} ms) found. Not a test.
 */
public final class MultiHostBench {
  private MultiHostBench() {}

  /** The clock resync interval of the benchmark's agents: short, so a 100 s run has about ten per host. */
  static final long RESYNC_MS = 10_000;

  public static void main(String[] args) throws Exception {
    int moments = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    RemoteRunIT.tmp = Files.createTempDirectory("rpr-bench");
    try {
      RemoteRunIT.up(); // the testbed, master cluster up, one SSH session per host
      var events = new StringBuilder();
      for (int i = 0; i < moments; i++) {
        events.append("  - moment:\n      time: ").append(2 + i).append("\n      services:\n        hello:\n")
            .append("          - fault: {target: {specific: [0, 1, 2]}, signal: {signal: SIGUSR1, kills_container: \"no\"}}\n");
      }
      events.append("  - end: ").append(moments + 3).append('\n');
      var plan = RemoteRunIT.deployAndPlan("bench", events.toString());
      String runId = "rpr-bench-" + RemoteRunIT.TIME.now().getEpochSecond();
      var seen = new CopyOnWriteArrayList<dev.reprise.master.run.AgentSession.Event>();
      Map<String, dev.reprise.agent.protocol.AgentMessage.Armed> armed;
      try (var session = RemoteRunIT.open(RemoteRunIT.connected, runId, Duration.ofSeconds(20))) {
        session.hello(runId, Duration.ofSeconds(60), seen::add);
        var t0 = RemoteRunIT.TIME.now().plusSeconds(5);
        armed = session.arm((h, mgr) -> RemoteRunIT.arm(runId, plan, t0, h, mgr, RESYNC_MS), Duration.ofSeconds(30), seen::add);
        session.awaitEnd(Duration.ofSeconds(moments + 60L), seen::add);
        System.out.println("ended: " + session.ended() + " lost: " + session.lost());
      }
      Path run = RemoteRunIT.tmp.resolve(runId);
      RunCollector.collect(run, runId, RemoteRunIT.connected, Map.of());
      report(run.resolve("timeline.jsonl"), armed, moments);
      reportResyncs(run.resolve("clock.jsonl"));
      RemoteRunIT.manager().exec("docker stack rm " + RemoteRunIT.STACK, Duration.ofSeconds(60));
    } finally {
      RemoteRunIT.connected.values().forEach(RemoteHost::close);
      Testbed.run("testbed/down");
    }
  }

  static void report(Path timeline, Map<String, dev.reprise.agent.protocol.AgentMessage.Armed> armed, int moments) throws Exception {
    var json = new ObjectMapper();
    var bySeq = new TreeMap<Integer, List<Instant>>();
    var errors = new TreeMap<String, List<Double>>();
    int failed = 0;
    for (String line : Files.readAllLines(timeline)) {
      JsonNode r = json.readTree(line);
      if (!"action".equals(r.path("kind").asText()) || !"signal".equals(r.path("fault").asText())) continue;
      if (!"ok".equals(r.path("outcome").asText())) failed++;
      Instant planned = Instant.parse(r.get("planned").asText());
      Instant actual = Instant.parse(r.get("actual").asText());
      bySeq.computeIfAbsent(r.get("seq").asInt(), k -> new ArrayList<>()).add(actual);
      errors.computeIfAbsent(r.get("host").asText(), k -> new ArrayList<>()).add(Duration.between(planned, actual).toNanos() / 1e6);
    }
    var spreads = new ArrayList<Double>();
    for (var e : bySeq.values()) {
      if (e.size() < 2) continue;
      var min = e.stream().min(Instant::compareTo).orElseThrow();
      var max = e.stream().max(Instant::compareTo).orElseThrow();
      spreads.add(Duration.between(min, max).toNanos() / 1e6);
    }
    System.out.printf("moments planned %d, with records from >= 2 hosts %d, action records not ok %d%n", moments, spreads.size(), failed);
    System.out.println("cross-host spread of actual fire instants (ms): " + stats(spreads));
    errors.forEach((h, l) -> System.out.println("firing error " + h + " (actual - planned, ms, n=" + l.size() + "): " + stats(l)));
    armed.forEach((h, a) -> System.out.printf("ntp %s: offset %.3f ms, uncertainty %s ms%n", h, a.clockOffsetMs(),
        a.clockUncertaintyMs() == null ? "n/a" : String.format("%.3f", a.clockUncertaintyMs())));
  }

  /** Per host: how many resyncs, their measured errors (the drift since the last one) and uncertainties. */
  static void reportResyncs(Path clock) throws Exception {
    if (!Files.exists(clock)) {
      System.out.println("clock resyncs: no clock.jsonl (no ntp_server?)");
      return;
    }
    var json = new ObjectMapper();
    var drift = new TreeMap<String, List<Double>>();
    var uncertainty = new TreeMap<String, List<Double>>();
    var notApplied = new TreeMap<String, Integer>();
    for (String line : Files.readAllLines(clock)) {
      JsonNode r = json.readTree(line);
      if (!"resync".equals(r.path("phase").asText())) continue;
      String host = r.path("host").asText();
      if (!"slewing".equals(r.path("status").asText())) {
        notApplied.merge(host, 1, Integer::sum);
        continue;
      }
      drift.computeIfAbsent(host, k -> new ArrayList<>()).add(Math.abs(r.path("offset_millis").asDouble()));
      uncertainty.computeIfAbsent(host, k -> new ArrayList<>()).add(r.path("uncertainty_millis").asDouble());
    }
    drift.forEach((h, l) -> System.out.println("clock resyncs " + h + ": |error found| (ms) " + stats(l) + "; uncertainty (ms) "
        + stats(uncertainty.get(h)) + "; not applied " + notApplied.getOrDefault(h, 0)));
  }

  static String stats(List<Double> values) {
    if (values.isEmpty()) return "no data";
    var s = values.stream().sorted().toList();
    return String.format("p50 %.3f  p99 %.3f  max %.3f  (n=%d)", s.get(s.size() / 2),
        s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)), s.get(s.size() - 1), s.size());
  }
}
