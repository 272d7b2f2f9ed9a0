package dev.reprise.master.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.agent.nativehelper.NativeHelper;
import dev.reprise.master.agentlink.ChildProcessAgent;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network faults on the local engine, end to end: a real {@code master run} deploys two
 * containers {@code a} and {@code b}; the test pings {@code b} from inside {@code a}'s network
 * namespace in short bursts (the agent's helper's {@code udp-ping} against a {@code udp-echo} in
 * {@code b}) for the whole run, and afterwards holds every burst against the fault windows the
 * run's own timeline records (the action's acknowledgement to its heal): each fault changes what
 * crosses the network inside its window and nothing outside it. Then nothing of Reprise's is left
 * in {@code a}'s namespace, no helper process runs, and the heal journal is empty — after a normal
 * end, after SIGINT and SIGKILL of the master, and after SIGKILL of the agent itself (its watchdog
 * heals).
 *
 * <p>This machine's kernel has no {@code sch_netem}: the faults go through the fallbacks (NFQUEUE
 * to the packet helper, iptables); the timeline says which.
 */
class NetworkFaultsIT {
  static final int PORT = 7777;
  static final ObjectMapper JSON = new ObjectMapper();

  static final String COMPOSE = """
      services:
        a:
          image: reprise/hello:latest
          environment:
            HELLO_INTERVAL: "1"
          deploy:
            endpoint_mode: dnsrr
          networks: [net]
        b:
          image: reprise/hello:latest
          environment:
            HELLO_INTERVAL: "1"
          deploy:
            endpoint_mode: dnsrr
          networks: [net]
      networks:
        net:
          driver: overlay
      """;

  /** Four faults on a, one after the other, 8 s each, with gaps of 3 s. */
  static final String SCENARIO = """
      environment:
        seed: 12
      events:
        - beginning: {a: 1, b: 1}
        - moment:
            time: 8
            services:
              a:
                - fault: {target: {specific: [0]}, network: {duration: 8s, delay: 60ms, to: {b: all}}}
        - moment:
            time: 19
            services:
              a:
                - fault: {target: {specific: [0]}, network: {duration: 8s, loss: 40%, to: {b: [0]}}}
        - moment:
            time: 30
            services:
              a:
                - fault: {target: {specific: [0]}, network: {duration: 8s, duplicate: 60%}}
        - moment:
            time: 41
            services:
              a:
                - fault: {target: {specific: [0]}, partition: {duration: 8s, peers: {b: [0]}}}
        - end: 60
      """;

  /** One long partition and one long delay, for the interruption tests. */
  static final String LONG_FAULTS = """
      environment:
        seed: 13
      events:
        - beginning: {a: 1, b: 1}
        - moment:
            time: 6
            services:
              a:
                - fault: {target: {specific: [0]}, partition: {duration: 60s, peers: {b: all}, direction: outgoing}}
                - fault: {target: {specific: [0]}, network: {duration: 60s, delay: 30ms, direction: ingress}}
        - end: 90
      """;

  /** Interruptions heal within this (the dead-man switch, the watchdog's 1 s poll and a JVM start, on a loaded machine). */
  static final Duration HEAL_BOUND = Duration.ofSeconds(30);

  @TempDir Path tmp;
  static DockerSwarmCluster docker;
  static String helper;
  MasterJvm jvm;
  String name;
  final List<Process> echoes = new ArrayList<>();

  @BeforeAll
  static void engine() throws Exception {
    docker = LocalEngine.connectWithHello();
    helper = NativeHelper.extract().toString();
  }

  @AfterAll
  static void closeEngine() throws Exception {
    docker.close();
  }

  @AfterEach
  void cleanUp() throws Exception {
    echoes.forEach(Process::destroyForcibly);
    if (jvm != null) {
      MasterJvm.cleanUp(jvm, tmp.resolve("runs"), name,
          runId -> LocalEngine.removeStack(docker, runId).forEach(p -> System.err.println("NetworkFaultsIT cleanup: " + p)),
          "NetworkFaultsIT");
    }
  }

  @Test
  void eachFaultChangesWhatCrossesTheNetworkInItsWindowOnlyAndLeavesNothingBehind() throws Exception {
    name = "netfaults";
    jvm = MasterJvm.start(tmp, name, MasterJvm.writeScenario(tmp.resolve("scenario"), COMPOSE, SCENARIO));
    var runId = jvm.awaitRunId();
    var a = ContainerNet.await(runId + "_a", Duration.ofMinutes(3));
    var b = ContainerNet.await(runId + "_b", Duration.ofMinutes(1));
    echoes.add(ContainerNet.startEcho(helper, b, PORT, Duration.ofMinutes(3)));
    var ip = b.addresses().get(0);

    var bursts = new ArrayList<Burst>();
    List<String> leftAfterLastHeal = null;
    Path timeline = jvm.runs().resolve(runId).resolve("timeline.jsonl");
    while (jvm.process().isAlive()) {
      bursts.add(ContainerNet.ping(helper, a, ip, PORT, 10, 20));
      if (leftAfterLastHeal == null && heals(timeline) >= 4) leftAfterLastHeal = ContainerNet.leftovers(a.pid());
    }
    assertThat(jvm.process().waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(jvm.process().exitValue()).as("the run ends ok; the master said:\n" + jvm.said()).isZero();

    var windows = windows(timeline);
    assertThat(windows.keySet()).as("fault windows in " + timeline).containsExactly("network delay", "network loss", "network duplicate",
        "partition");
    var outside = bursts.stream().filter(x -> windows.values().stream().noneMatch(w -> x.end().isAfter(w[0].minusMillis(200))
        && x.start().isBefore(w[1].plusMillis(500)))).toList();
    var summary = "bursts: " + bursts.size() + ", outside every window: " + outside.size() + "\n" + String.join("\n",
        bursts.stream().map(Burst::toString).toList()) + "\nwindows: " + windows.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()[0] + ".." + e.getValue()[1]).toList();
    assertThat(outside).as(summary).hasSizeGreaterThan(10);
    double baseP50 = median(outside.stream().map(Burst::p50).toList());
    assertThat(baseP50).as("baseline round trip " + summary).isLessThan(20);
    assertThat(ratio(outside, Burst::received)).as("nothing lost outside the windows " + summary).isGreaterThan(0.97);
    assertThat(outside.stream().mapToInt(Burst::duplicates).sum()).as("no duplicates outside the windows " + summary).isZero();

    var delayed = inside(bursts, windows.get("network delay"));
    assertThat(delayed).as(summary).hasSizeGreaterThan(3);
    assertThat(median(delayed.stream().map(Burst::p50).toList()) - baseP50).as("added round trip, asked 60 ms " + summary)
        .isBetween(45.0, 120.0);

    var lossy = inside(bursts, windows.get("network loss"));
    assertThat(lossy).as(summary).hasSizeGreaterThan(3);
    // a window holds only 7-10 bursts (a burst whose last reply is lost waits 1 s), and on a loaded box the
    // userspace helper's path reads higher than asked (44-64 % seen for 40 %): the bound says the loss is
    // applied and is not a cut; its accuracy is scripts/bench-network.sh's (10.2 % for 10 %)
    assertThat(1 - ratio(lossy, Burst::received)).as("loss ratio, asked 40 % " + summary).isBetween(0.2, 0.8);

    var duplicated = inside(bursts, windows.get("network duplicate"));
    assertThat(duplicated).as(summary).hasSizeGreaterThan(3);
    assertThat(duplicated.stream().mapToInt(Burst::duplicates).sum()).as("duplicates seen, asked 60 % " + summary).isPositive();

    var cut = inside(bursts, windows.get("partition"));
    assertThat(cut).as(summary).hasSizeGreaterThan(3);
    assertThat(cut.stream().mapToInt(Burst::received).sum()).as("nothing crosses the partition " + summary).isZero();

    System.out.printf(java.util.Locale.ROOT, "NetworkFaultsIT measured: baseline p50 %.2f ms; delay 60 ms -> +%.2f ms p50 (%d bursts);"
        + " loss 40%% -> %.1f%%; duplicate 60%% -> %d duplicates of %d; partition -> %d of %d received; mechanisms %s%n",
        baseP50, median(delayed.stream().map(Burst::p50).toList()) - baseP50, delayed.size(), 100 * (1 - ratio(lossy, Burst::received)),
        duplicated.stream().mapToInt(Burst::duplicates).sum(), duplicated.stream().mapToInt(Burst::sent).sum(),
        cut.stream().mapToInt(Burst::received).sum(), cut.stream().mapToInt(Burst::sent).sum(), mechanisms(timeline));
    assertThat(leftAfterLastHeal).as("a's namespace after the last heal, before the run ended").isNotNull().isEmpty();
    assertThat(mechanisms(timeline)).as("the timeline says how each fault was applied")
        .containsEntry("partition", "iptables").containsEntry("network", kernelHasNetem() ? "netem" : "nfqueue");
    assertNothingLeft(runId);
  }

  /** Whether this machine's kernel has sch_netem (tried in a throw-away namespace, as the agent tries it). */
  static boolean kernelHasNetem() {
    return ContainerNet.run(List.of("sh", "-c", "unshare --net tc qdisc add dev lo root netem delay 1ms && echo yes")).contains("yes");
  }

  /**
   * Where the kernel has sch_netem, the agent picks it: a delay is one netem qdisc, and it adds what
   * was asked. Elsewhere (this machine) the test says so and is skipped: the fallbacks are what the
   * other tests exercise.
   */
  @Test
  void whereTheKernelHasNetemADelayIsANetemQdisc() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(kernelHasNetem(),
        "this kernel has no sch_netem: the netem path is not tested here (the NFQUEUE and iptables fallbacks are)");
    name = "netem";
    jvm = MasterJvm.start(tmp, name, MasterJvm.writeScenario(tmp.resolve("scenario"), COMPOSE, """
        environment:
          seed: 14
        events:
          - beginning: {a: 1, b: 1}
          - moment:
              time: 8
              services:
                a:
                  - fault: {target: {specific: [0]}, network: {duration: 8s, delay: 60ms, to: {b: all}}}
          - end: 20
        """));
    var runId = jvm.awaitRunId();
    var a = ContainerNet.await(runId + "_a", Duration.ofMinutes(3));
    var b = ContainerNet.await(runId + "_b", Duration.ofMinutes(1));
    echoes.add(ContainerNet.startEcho(helper, b, PORT, Duration.ofMinutes(3)));
    var bursts = new ArrayList<Burst>();
    boolean sawQdisc = false;
    while (jvm.process().isAlive()) {
      bursts.add(ContainerNet.ping(helper, a, b.addresses().get(0), PORT, 10, 20));
      sawQdisc |= ContainerNet.leftovers(a.pid()).stream().anyMatch(l -> l.contains("netem"));
    }
    Path timeline = jvm.runs().resolve(runId).resolve("timeline.jsonl");
    assertThat(mechanisms(timeline)).containsEntry("network", "netem");
    assertThat(sawQdisc).as("a netem qdisc in a's namespace during the window").isTrue();
    var window = windows(timeline).get("network delay");
    var base = median(bursts.stream().filter(x -> x.end().isBefore(window[0])).map(Burst::p50).toList());
    assertThat(median(inside(bursts, window).stream().map(Burst::p50).toList()) - base).isBetween(45.0, 120.0);
    assertNothingLeft(runId);
  }

  @Test
  void sigintOfTheMasterHealsEverything() throws Exception {
    interrupted("netint", (master, agent) -> {
      // SIGINT, as Ctrl-C sends it
      new ProcessBuilder("kill", "-INT", Long.toString(master.pid())).start().waitFor();
    });
  }

  @Test
  void sigkillOfTheMasterHealsEverything() throws Exception {
    interrupted("netkill", (master, agent) -> master.destroyForcibly());
  }

  @Test
  void sigkillOfTheAgentIsHealedByItsWatchdog() throws Exception {
    interrupted("netagent", (master, agent) -> agent.destroyForcibly());
  }

  interface Interruption {
    void apply(Process master, ProcessHandle agent) throws Exception;
  }

  private void interrupted(String runName, Interruption interruption) throws Exception {
    name = runName;
    jvm = MasterJvm.start(tmp, name, MasterJvm.writeScenario(tmp.resolve("scenario"), COMPOSE, LONG_FAULTS));
    var runId = jvm.awaitRunId();
    var a = ContainerNet.await(runId + "_a", Duration.ofMinutes(3));
    // wait until both faults are in a's namespace
    List<String> applied = List.of();
    for (long until = System.nanoTime() + Duration.ofMinutes(2).toNanos(); System.nanoTime() < until && jvm.process().isAlive();
        Thread.sleep(250)) {
      applied = ContainerNet.leftovers(a.pid());
      if (applied.stream().anyMatch(l -> l.contains("RPR-P")) && applied.stream().anyMatch(l -> l.contains("RPR-N"))) break;
    }
    assertThat(applied).as("the partition's and the delay's chains are in a's namespace; the master said:\n" + jvm.said())
        .anyMatch(l -> l.contains("RPR-P")).anyMatch(l -> l.contains("RPR-N"));
    assertThat(NativeHelper.class).isNotNull();
    assertThat(helpersOf(runId)).as("the delay's packet helper runs").isNotEmpty();
    var agent = ProcessHandle.of(jvm.process().pid()).stream().flatMap(ProcessHandle::children)
        .filter(c -> c.info().arguments().map(x -> List.of(x).contains(ChildProcessAgent.MAIN_CLASS)).orElse(false)).findFirst()
        .orElseThrow(() -> new AssertionError("no agent child process of the master"));

    interruption.apply(jvm.process(), agent);
    long t0 = System.nanoTime();
    List<String> left = applied;
    while (System.nanoTime() - t0 < HEAL_BOUND.toNanos()) {
      var now = new ArrayList<>(ContainerNet.leftovers(a.pid()));
      helpersOf(runId).forEach(pid -> now.add("helper process " + pid));
      left = now;
      if (left.isEmpty()) break;
      Thread.sleep(200);
    }
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(left).as("left in a's namespace " + tookMs + " ms after the interruption").isEmpty();
    System.out.println("NetworkFaultsIT " + runName + ": a's namespace clean and no helper left " + tookMs + " ms after the interruption");
    jvm.process().waitFor(1, TimeUnit.MINUTES);
    assertNothingLeft(runId);
  }

  private void assertNothingLeft(String runId) throws Exception {
    assertThat(helpersOf(runId)).as("packet helpers of " + runId).isEmpty();
    // the agent's heal journal holds nothing of this run (the watchdog may take a moment after an agent's death)
    Path root = dev.reprise.agent.heal.HealJournalStore.defaultRoot();
    List<Path> entries = List.of();
    for (long until = System.nanoTime() + HEAL_BOUND.toNanos(); System.nanoTime() < until; Thread.sleep(250)) {
      entries = journalEntries(root, runId);
      if (entries.isEmpty()) break;
    }
    assertThat(entries).as("heal journal entries of " + runId + " under " + root).isEmpty();
  }

  static List<Path> journalEntries(Path root, String runId) throws Exception {
    if (!Files.isDirectory(root)) return List.of();
    try (var files = Files.walk(root)) {
      return files.filter(f -> f.getFileName().toString().startsWith(runId) && f.toString().endsWith(".json")).toList();
    }
  }

  static List<Long> helpersOf(String runId) {
    return new dev.reprise.agent.runtime.LinuxHostOps().findMarked(dev.reprise.agent.runtime.HostOps.BURNER_PREFIX + "/" + runId);
  }

  static long heals(Path timeline) throws Exception {
    if (!Files.exists(timeline)) return 0;
    return Files.readAllLines(timeline).stream().filter(l -> l.contains("\"kind\":\"heal\"")).count();
  }

  /** Label kind ("network delay", "network loss", ..., "partition") → [acknowledged, healed], from the run's timeline. */
  static Map<String, Instant[]> windows(Path timeline) throws Exception {
    var applied = new LinkedHashMap<Integer, JsonNode>();
    var healed = new LinkedHashMap<Integer, JsonNode>();
    for (var line : Files.readAllLines(timeline)) {
      var r = JSON.readTree(line);
      if (!r.has("fault")) continue;
      if ("action".equals(r.path("kind").asText())) applied.put(r.path("seq").asInt(), r);
      if ("heal".equals(r.path("kind").asText())) healed.put(r.path("seq").asInt(), r);
    }
    var out = new LinkedHashMap<String, Instant[]>();
    applied.forEach((seq, r) -> {
      var label = r.path("label").asText();
      var kind = label.startsWith("network") ? "network " + label.split(" ")[1] : label.split(" ")[0];
      assertThat(r.path("outcome").asText()).as(r.toString()).isEqualTo("ok");
      var h = healed.get(seq);
      assertThat(h).as("a heal for " + r).isNotNull();
      out.put(kind, new Instant[] {Instant.parse(r.path("acknowledged").asText()), Instant.parse(h.path("actual").asText())});
    });
    return out;
  }

  static Map<String, String> mechanisms(Path timeline) throws Exception {
    var out = new LinkedHashMap<String, String>();
    for (var line : Files.readAllLines(timeline)) {
      var r = JSON.readTree(line);
      if ("action".equals(r.path("kind").asText()) && r.has("mechanism")) out.put(r.path("fault").asText(), r.path("mechanism").asText());
    }
    return out;
  }

  /** Bursts wholly inside the window, its first 300 ms left out (the rules may land within it). */
  static List<Burst> inside(List<Burst> bursts, Instant[] window) {
    return bursts.stream().filter(b -> b.within(window[0].plusMillis(300), window[1].minusMillis(100))).toList();
  }

  static double ratio(List<Burst> bursts, java.util.function.ToIntFunction<Burst> count) {
    int sent = bursts.stream().mapToInt(Burst::sent).sum();
    return sent == 0 ? 0 : (double) bursts.stream().mapToInt(count).sum() / sent;
  }

  static double median(List<Double> values) {
    var v = values.stream().filter(d -> !d.isNaN()).sorted().toList();
    return v.isEmpty() ? Double.NaN : v.get(v.size() / 2);
  }
}
