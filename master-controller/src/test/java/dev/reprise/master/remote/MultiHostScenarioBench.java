package dev.reprise.master.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.master.cli.ClusterCommand;
import dev.reprise.master.testbed.LocalProcesses;
import dev.reprise.master.testbed.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The multi-host firing benchmark the way users run scenarios (scripts/bench-multihost.sh --as-users):
 * on a 3-host testbed, {@code RUNS} separate {@code master run --hosts} processes (the shipped master
 * jar, each with fresh agents: cold JVMs, no warm-up), each a short scenario with few moments and
 * several containers per host: 9 replicas, 3 per host, and 3 moments at 2, 5 and 9 s after T0, each
 * a non-lethal SIGUSR1 to all 9 containers. Prints, over all runs, the cross-host spread of one
 * moment's issue instants and the firing error (issued − planned) per host, and the same for each
 * run's first moment alone (the coldest). A host records one action once with its first target's
 * issue instant (its 3 containers' calls are concurrent), so the spread within a host is not seen
 * here; bench-firing measures one host's calls. Not a test.
 */
public final class MultiHostScenarioBench {
  private MultiHostScenarioBench() {}

  static final String COMPOSE = """
      services:
        hello:
          image: reprise/hello:latest
          environment:
            HELLO_INTERVAL: "0.5"
          deploy:
            replicas: 9
            endpoint_mode: dnsrr
            placement:
              max_replicas_per_node: 3
            restart_policy:
              condition: none
      """;

  static final List<Integer> MOMENTS = List.of(2, 5, 9);

  static String scenario() {
    var s = new StringBuilder("environment:\n  seed: 11\nevents:\n  - beginning:\n      hello: 9\n");
    for (int t : MOMENTS) {
      s.append("  - moment:\n      time: ").append(t).append("\n      services:\n        hello:\n")
          .append("          - fault: {target: {specific: [0, 1, 2, 3, 4, 5, 6, 7, 8]}, signal: {signal: SIGUSR1, kills_container: \"no\"}}\n");
    }
    return s.append("  - end: 12\n").toString();
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path tmp = Files.createTempDirectory("rpr-bench-users");
    Path hostsPath = Testbed.up(3);
    try {
      Path agentJar = Files.copy(Testbed.REPO.resolve("local-controller/target/agent-all.jar"), tmp.resolve("agent-all.jar"));
      Path masterJar = Files.copy(Testbed.REPO.resolve("master-controller/target/master-all.jar"), tmp.resolve("master.jar"));
      int up = new picocli.CommandLine(new ClusterCommand()).execute("up", "--hosts", hostsPath.toString(), "--agent-jar", agentJar.toString());
      if (up != 0) throw new IllegalStateException("cluster up failed");
      Path dir = Files.createDirectories(tmp.resolve("My Scenario.v1"));
      Files.writeString(dir.resolve("docker-compose.yml"), COMPOSE);
      Files.writeString(dir.resolve("scenario.yaml"), scenario());
      var all = new Samples();
      var first = new Samples();
      String java = ProcessHandle.current().info().command().orElse("java");
      for (int i = 1; i <= runs; i++) {
        var out = new StringBuffer();
        var err = new StringBuffer();
        var master = new ProcessBuilder(java, "-jar", masterJar.toString(), "run", dir.resolve("scenario.yaml").toString(),
            "--hosts", hostsPath.toString(), "--accept-new-host-keys", "--agent-jar", agentJar.toString(),
            "--out", tmp.resolve("runs").toString(), "--no-export").start();
        LocalProcesses.drain(master.getInputStream(), out, "master-stdout");
        LocalProcesses.drain(master.getErrorStream(), err, "master-stderr");
        if (!master.waitFor(5, TimeUnit.MINUTES)) {
          master.destroyForcibly();
          throw new IllegalStateException("run " + i + " did not end within 5 min:\n" + err);
        }
        var lines = out.toString().strip().lines().toList();
        if (master.exitValue() != 0 || lines.isEmpty()) {
          System.out.println("run " + i + ": exit " + master.exitValue() + ", not counted; it said:\n" + err);
          continue;
        }
        Path run = Path.of(lines.get(lines.size() - 1));
        int counted = read(run.resolve("timeline.jsonl"), all, first);
        System.out.printf("run %d: %s, %d signal actions%n", i, run.getFileName(), counted);
      }
      System.out.printf("%d runs x %d moments, 9 containers on 3 hosts (3 per host), each master and agent a fresh JVM%n", runs, MOMENTS.size());
      all.print("all moments");
      first.print("first moment of each run (2 s after T0)");
    } finally {
      Testbed.run("testbed/down");
    }
  }

  /** Issue instants and firing errors of one run, by moment and by host. */
  static final class Samples {
    final List<Double> crossHost = new ArrayList<>();
    final List<Double> whole = new ArrayList<>();
    final Map<String, List<Double>> errors = new TreeMap<>();
    int notOk;

    void print(String what) {
      System.out.println(what + ":");
      System.out.println("  cross-host spread of one moment (each host's first issue instant, ms): " + MultiHostBench.stats(crossHost));
      System.out.println("  spread of one moment's issue instants, all records (ms): " + MultiHostBench.stats(whole));
      errors.forEach((h, l) -> System.out.println("  firing error " + h + " (issued - planned, ms): " + MultiHostBench.stats(l)));
      System.out.println("  action records not ok: " + notOk);
    }
  }

  static int read(Path timeline, Samples all, Samples first) throws Exception {
    var json = new ObjectMapper();
    // seq -> host -> issue instants
    var bySeq = new TreeMap<Integer, Map<String, List<Instant>>>();
    var planned = new TreeMap<Integer, Instant>();
    int n = 0;
    for (String line : Files.readAllLines(timeline)) {
      JsonNode r = json.readTree(line);
      if (!"action".equals(r.path("kind").asText()) || !"signal".equals(r.path("fault").asText())) continue;
      n++;
      int seq = r.get("seq").asInt();
      String host = r.path("host").asText();
      Instant p = Instant.parse(r.get("planned").asText());
      Instant issued = Instant.parse(r.has("issued") ? r.get("issued").asText() : r.get("actual").asText());
      planned.put(seq, p);
      bySeq.computeIfAbsent(seq, k -> new TreeMap<>()).computeIfAbsent(host, k -> new ArrayList<>()).add(issued);
      boolean ok = "ok".equals(r.path("outcome").asText());
      double error = Duration.between(p, issued).toNanos() / 1e6;
      all.errors.computeIfAbsent(host, k -> new ArrayList<>()).add(error);
      if (!ok) all.notOk++;
    }
    // moments are the distinct planned instants; the first is the earliest
    var moments = new TreeMap<Instant, List<Integer>>();
    planned.forEach((seq, p) -> moments.computeIfAbsent(p, k -> new ArrayList<>()).add(seq));
    boolean isFirst = true;
    for (var seqs : moments.values()) {
      var byHost = new TreeMap<String, List<Instant>>();
      for (int seq : seqs) bySeq.get(seq).forEach((h, l) -> byHost.computeIfAbsent(h, k -> new ArrayList<>()).addAll(l));
      add(all, byHost);
      if (isFirst) {
        add(first, byHost);
        byHost.forEach((h, l) -> l.forEach(i -> first.errors.computeIfAbsent(h, k -> new ArrayList<>())
            .add(Duration.between(moments.firstKey(), i).toNanos() / 1e6)));
      }
      isFirst = false;
    }
    return n;
  }

  static void add(Samples into, Map<String, List<Instant>> byHost) {
    var perHostFirst = new ArrayList<Instant>();
    var every = new ArrayList<Instant>();
    for (var l : byHost.values()) {
      var s = l.stream().sorted().toList();
      perHostFirst.add(s.get(0));
      every.addAll(s);
    }
    if (perHostFirst.size() >= 2) {
      var s = perHostFirst.stream().sorted().toList();
      into.crossHost.add(Duration.between(s.get(0), s.get(s.size() - 1)).toNanos() / 1e6);
      var e = every.stream().sorted().toList();
      into.whole.add(Duration.between(e.get(0), e.get(e.size() - 1)).toNanos() / 1e6);
    }
  }
}
