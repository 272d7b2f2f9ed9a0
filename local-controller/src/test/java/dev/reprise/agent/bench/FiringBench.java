package dev.reprise.agent.bench;

import dev.reprise.agent.Agent;
import dev.reprise.agent.AgentMain;
import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.agent.runtime.DockerContainerRuntime;
import dev.reprise.agent.runtime.RunContainer;
import dev.reprise.agent.time.MonotonicClock;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.plan.AliveSnapshot;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.TimelineRecord;
import dev.reprise.time.Clock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Firing-accuracy benchmark (not a unit test; run by {@code scripts/bench-firing.sh} from the test
 * classes): fires N kills at planned instants {@code gap} apart through the real agent, and the same
 * instants with the strongest shell baseline — a bash loop that sleeps to each ABSOLUTE deadline
 * (so overshoot does not accumulate) and then runs {@code docker kill} — each against its own fresh
 * N-replica service of {@code reprise/hello:latest}. Reports, p50 / p99 / max in ms:
 * |issued − planned| (when the engine call was made), planned → {@code die} event, and for the
 * agent the engine call itself (acknowledged − issued).
 * Usage: {@code FiringBench [N=100] [gapMillis=300]}.
 */
public final class FiringBench {
  private FiringBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    long gap = args.length > 1 ? Long.parseLong(args[1]) : 300;
    var prefix = "lc-bench-" + Long.toHexString(System.nanoTime() & 0xffffffL);
    var clock = new MonotonicClock();
    try (var rt = DockerContainerRuntime.connect()) {
      var agentService = prefix + "_agent";
      var shellService = prefix + "_shell";
      try {
        create(agentService, n);
        create(shellService, n);
        waitRunning(rt, agentService, n);
        waitRunning(rt, shellService, n);
        var agent = runAgent(prefix, agentService, n, gap);
        var shell = runShell(rt, clock, shellService, n, gap);
        System.out.printf("%nfiring %d kills, %d ms apart, on %s (%d cores)%n", n, gap, rt.info().host(), rt.info().cores());
        System.out.println("                              |issued-planned| ms (p50 / p99 / max)   planned->die ms (p50 / p99 / max)"
            + "   engine call ms (p50 / p99 / max)");
        print("reprise agent", agent);
        print("bash: sleep to deadline+kill", shell);
      } finally {
        sh("docker", "service", "rm", agentService);
        sh("docker", "service", "rm", shellService);
      }
    }
  }

  /**
   * @param firing |issued − planned| per kill, sorted
   * @param first the same for the first three kills, in firing order (a cold path shows here)
   */
  record Result(double[] firing, double[] die, double[] call, List<Double> first) {}

  static void print(String name, Result r) {
    System.out.printf("%-29s %8.2f / %8.2f / %8.2f          %8.2f / %8.2f / %8.2f          %s%n", name,
        pct(r.firing, 50), pct(r.firing, 99), pct(r.firing, 100), pct(r.die, 50), pct(r.die, 99), pct(r.die, 100),
        r.call.length == 0 ? "-" : String.format("%7.2f / %7.2f / %7.2f", pct(r.call, 50), pct(r.call, 99), pct(r.call, 100)));
    System.out.printf("%-29s (%d fired, %d die events; first three |issued-planned|: %s ms)%n", "", r.firing.length, r.die.length,
        r.first.stream().map(d -> String.format("%.2f", d)).toList());
  }
  static double pct(double[] values, double p) {
    if (values.length == 0) return Double.NaN;
    var v = values.clone();
    Arrays.sort(v);
    int i = (int) Math.ceil(p / 100 * v.length) - 1;
    return v[Math.max(0, Math.min(v.length - 1, i))];
  }

  static void create(String name, int n) throws Exception {
    sh("docker", "service", "create", "-d", "--name", name, "--restart-condition", "none", "--endpoint-mode", "dnsrr",
        "--replicas", Integer.toString(n), "--env", "HELLO_INTERVAL=30", "reprise/hello:latest");
  }

  static void waitRunning(DockerContainerRuntime rt, String service, int n) throws Exception {
    for (int i = 0; i < 600; i++) {
      if (rt.containers(List.of(service)).stream().filter(RunContainer::running).count() == n) return;
      Thread.sleep(500);
    }
    throw new IllegalStateException(service + " did not reach " + n + " running containers");
  }

  static void sh(String... cmd) throws Exception {
    var p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.waitFor();
  }

  static Result runAgent(String prefix, String service, int n, long gap) throws Exception {
    var actions = new ArrayList<PlannedAction>();
    for (int i = 0; i < n; i++) actions.add(new FaultAction(i, i, 1000 + i * gap, "k", List.of(i), new KillFault()));
    long end = 1000 + n * gap + 3000;
    var plan = new Plan(1, end, new TreeMap<>(Map.of("k", n)), actions, List.of(new AliveSnapshot(-1, 0, new TreeMap<>())));
    var records = Files.createTempDirectory(prefix);
    var toAgent = new PipedOutputStream();
    var agentIn = new PipedInputStream(toAgent, 1 << 20);
    var fromAgent = new PipedInputStream(1 << 20);
    var agentOut = new PipedOutputStream(fromAgent);
    var agent = new Agent(AgentMain.realDependencies());
    var ended = new CountDownLatch(1);
    var armedAfter = new double[] {Double.NaN};
    var armSent = new long[1];
    var reader = new Thread(() -> {
      try (var r = new BufferedReader(new InputStreamReader(fromAgent, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          var m = ProtocolCodec.decodeAgent(line);
          if (m instanceof AgentMessage.Armed) armedAfter[0] = (System.nanoTime() - armSent[0]) / 1e6;
          if (m instanceof AgentMessage.Ended || m instanceof AgentMessage.Error || m instanceof AgentMessage.Log) {
            System.err.println("agent: " + line);
            if (m instanceof AgentMessage.Ended) ended.countDown();
          }
        }
      } catch (Exception e) {
        ended.countDown();
      }
    });
    reader.setDaemon(true);
    reader.start();
    var runner = new Thread(() -> agent.run(agentIn, agentOut), "bench-agent");
    runner.start();
    var send = (java.util.function.Consumer<MasterMessage>) m -> {
      synchronized (toAgent) {
        try {
          toAgent.write((ProtocolCodec.encode(m) + "\n").getBytes(StandardCharsets.UTF_8));
          toAgent.flush();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
    send.accept(new MasterMessage.Hello(1, prefix, "bench"));
    // T0 5 s ahead (the master's arm lead is 3 s local, 8 s multi-host): arming lists and inspects
    // every container, which on a loaded engine with N containers takes seconds (printed below).
    armSent[0] = System.nanoTime();
    send.accept(ProtocolCodec.arm(prefix, plan, Instant.now().plusSeconds(5), prefix, Map.of("k", service), true,
        records.toString(), null, null, 1000, 10_000));
    while (!ended.await(500, java.util.concurrent.TimeUnit.MILLISECONDS)) send.accept(new MasterMessage.Heartbeat(Instant.now()));
    runner.join();
    System.err.printf("agent armed %.0f ms after the arm was sent (T0 was 5000 ms ahead; first kill at T0 + 1000 ms)%n", armedAfter[0]);
    var firing = new ArrayList<Double>();
    var call = new ArrayList<Double>();
    var firingById = new TreeMap<Integer, Double>();
    var planned = new java.util.HashMap<Integer, Instant>();
    for (var l : Files.readAllLines(records.resolve("timeline.jsonl"))) {
      var r = RecordJson.parse(l, TimelineRecord.class);
      if (!"action".equals(r.kind())) continue;
      var issued = r.issued() != null ? r.issued() : r.actual(); // an agent before issued existed: actual
      firing.add(Math.abs(Duration.between(r.planned(), issued).toNanos() / 1e6));
      firingById.put(r.ids().get(0), Math.abs(Duration.between(r.planned(), issued).toNanos() / 1e6));
      if (r.issued() != null && r.acknowledged() != null) call.add(Duration.between(r.issued(), r.acknowledged()).toNanos() / 1e6);
      planned.put(r.ids().get(0), r.planned());
    }
    var die = new ArrayList<Double>();
    for (var l : Files.readAllLines(records.resolve("container-events.jsonl"))) {
      var e = RecordJson.parse(l, ContainerEventRecord.class);
      if ("die".equals(e.event()) && planned.containsKey(e.id())) die.add(Duration.between(planned.get(e.id()), e.time()).toNanos() / 1e6);
    }
    return new Result(toArray(firing), toArray(die), toArray(call), firstThree(firingById));
  }

  /**
   * The shell baseline: one bash process, started 1 s before the first instant, that for each kill
   * sleeps until its absolute deadline (bash's $EPOCHREALTIME, no fork to read the time), notes the
   * time and runs {@code docker kill}.
   */
  static Result runShell(DockerContainerRuntime rt, Clock clock, String service, int n, long gap) throws Exception {
    var bySlot = new TreeMap<Integer, String>();
    for (var c : rt.containers(List.of(service))) bySlot.put(c.slot(), c.id());
    var t0 = clock.now().plusSeconds(2);
    long t0Micros = t0.getEpochSecond() * 1_000_000L + t0.getNano() / 1000;
    var script = new StringBuilder("set -u\nt0=" + t0Micros + "\n");
    script.append("""
        fire() { # fire OFFSET_MS INDEX CONTAINER
          local deadline=$((t0 + $1 * 1000)) now d issued
          now=${EPOCHREALTIME/./}
          d=$((deadline - now))
          if ((d > 0)); then sleep "$(printf '%d.%06d' $((d / 1000000)) $((d % 1000000)))"; fi
          issued=${EPOCHREALTIME/./}
          docker kill "$3" >/dev/null
          echo "$issued $2"
        }
        """);
    for (int i = 0; i < n; i++) script.append("fire ").append(1000 + i * gap).append(' ').append(i).append(' ').append(bySlot.get(i + 1)).append('\n');
    var dies = new ConcurrentHashMap<Integer, Instant>();
    try (var events = rt.events(List.of(service), e -> {
      if ("die".equals(e.action())) dies.put(e.slot() - 1, e.time());
    })) {
      var process = new ProcessBuilder("bash", "-c", script.toString()).redirectErrorStream(true).start();
      var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      for (int i = 0; i < 40 && dies.size() < n; i++) Thread.sleep(250);
      var firing = new ArrayList<Double>();
      var firingById = new TreeMap<Integer, Double>();
      var die = new ArrayList<Double>();
      for (var line : out.split("\n")) {
        var f = line.trim().split(" ");
        if (f.length != 2 || !f[0].matches("\\d+")) continue;
        int i = Integer.parseInt(f[1]);
        var planned = t0.plusMillis(1000 + i * gap);
        long micros = Long.parseLong(f[0]);
        var issued = Instant.ofEpochSecond(micros / 1_000_000L, (micros % 1_000_000L) * 1000);
        firing.add(Math.abs(Duration.between(planned, issued).toNanos() / 1e6));
        firingById.put(i, Math.abs(Duration.between(planned, issued).toNanos() / 1e6));
        if (dies.containsKey(i)) die.add(Duration.between(planned, dies.get(i)).toNanos() / 1e6);
      }
      return new Result(toArray(firing), toArray(die), new double[0], firstThree(firingById));
    }
  }

  /** The first three values in ID order (= firing order: kill i is planned at 1000 + i × gap). */
  static List<Double> firstThree(TreeMap<Integer, Double> byId) {
    return byId.values().stream().limit(3).toList();
  }

  static double[] toArray(List<Double> list) {
    return list.stream().sorted(Comparator.naturalOrder()).mapToDouble(Double::doubleValue).toArray();
  }
}
