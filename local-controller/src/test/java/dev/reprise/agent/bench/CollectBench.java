package dev.reprise.agent.bench;

import dev.reprise.agent.Agent;
import dev.reprise.agent.AgentMain;
import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.fdsl.model.SignalFault;
import dev.reprise.fdsl.plan.AliveSnapshot;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.TimelineRecord;
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
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * Collection-overhead benchmark (not a unit test; run by {@code scripts/bench-collect.sh} from the
 * test classes): the real agent ({@link AgentMain#realDependencies()}, the product's collectors,
 * record files and firing path) armed with a plan of {@code seconds} over an existing service's
 * {@code n} containers whose only actions are harmless SIGUSR1 signals every 2 s (reprise/hello logs
 * and ignores them), so the run measures collection and shows whether it delays firing.
 * Prints {@code T0 <epoch millis>} on stdout as soon as the arm is sent (the measuring script samples
 * /proc from T0 to T0 + seconds), then after the run: firing lateness |issued − planned| p50/p99/max
 * and, per container, whether its log records hold every {@code hello line K} from 1 to the last
 * without gap or duplicate.
 * Usage: {@code CollectBench N SECONDS SERVICE RECORDS_DIR}.
 */
public final class CollectBench {
  private CollectBench() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    long seconds = Long.parseLong(args[1]);
    var service = args[2];
    var records = Path.of(args[3]);
    Files.createDirectories(records);
    var actions = new ArrayList<PlannedAction>();
    int seq = 0;
    for (long at = 2000; at < seconds * 1000; at += 2000, seq++) {
      actions.add(new FaultAction(seq, seq, at, "hello", List.of(seq % n), new SignalFault("SIGUSR1", false)));
    }
    var plan = new Plan(1, seconds * 1000, new TreeMap<>(Map.of("hello", n)), actions,
        List.of(new AliveSnapshot(-1, 0, new TreeMap<>())));
    var toAgent = new PipedOutputStream();
    var agentIn = new PipedInputStream(toAgent, 1 << 20);
    var fromAgent = new PipedInputStream(1 << 20);
    var agentOut = new PipedOutputStream(fromAgent);
    var agent = new Agent(AgentMain.realDependencies());
    var ended = new CountDownLatch(1);
    var reader = new Thread(() -> {
      try (var r = new BufferedReader(new InputStreamReader(fromAgent, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          var m = ProtocolCodec.decodeAgent(line);
          if (m instanceof AgentMessage.Ended || m instanceof AgentMessage.Error || m instanceof AgentMessage.Log) {
            System.err.println("agent: " + line);
            if (m instanceof AgentMessage.Ended) ended.countDown();
          }
        }
      } catch (Exception e) {
        ended.countDown();
      }
    }, "bench-reader");
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
    var runId = "perf-collect-bench";
    send.accept(new MasterMessage.Hello(1, runId, "bench"));
    var t0 = Instant.now().plusSeconds(10);
    send.accept(ProtocolCodec.arm(runId, plan, t0, "perf-collect", Map.of("hello", service), true,
        records.toString(), null, null, 1000, 10_000));
    System.out.println("T0 " + t0.toEpochMilli());
    System.out.flush();
    while (!ended.await(500, java.util.concurrent.TimeUnit.MILLISECONDS)) send.accept(new MasterMessage.Heartbeat(Instant.now()));
    runner.join();

    var lateness = new ArrayList<Double>();
    for (var l : Files.readAllLines(records.resolve("timeline.jsonl"))) {
      var r = RecordJson.parse(l, TimelineRecord.class);
      if (!"action".equals(r.kind()) || r.issued() == null) continue;
      lateness.add(Math.abs(Duration.between(r.planned(), r.issued()).toNanos() / 1e6));
    }
    lateness.sort(null);
    var firing = lateness.stream().mapToDouble(Double::doubleValue).toArray();
    System.out.printf("firing %d signals: |issued-planned| ms p50 %.2f p99 %.2f max %.2f%n", firing.length,
        FiringBench.pct(firing, 50), FiringBench.pct(firing, 99), FiringBench.pct(firing, 100));
    long total = 0;
    int complete = 0;
    var problems = new ArrayList<String>();
    try (var files = Files.list(records.resolve("logs"))) {
      for (var f : files.sorted().toList()) {
        var seen = new BitSet();
        int max = 0;
        int dupes = 0;
        for (var l : Files.readAllLines(f)) {
          var text = RecordJson.parse(l, LogRecord.class).line();
          if (!text.startsWith("hello line ")) continue;
          int k = Integer.parseInt(text.substring("hello line ".length()));
          if (seen.get(k)) dupes++;
          seen.set(k);
          max = Math.max(max, k);
          total++;
        }
        int missing = max - (seen.cardinality() - (seen.get(0) ? 1 : 0));
        if (missing == 0 && dupes == 0 && max > 0) complete++;
        else problems.add(f.getFileName() + ": last line " + max + ", " + missing + " missing, " + dupes + " duplicated");
      }
    }
    System.out.printf("logs: %d of %d containers complete (every line 1..last, no duplicate); %d lines%n", complete, n, total);
    for (var p : problems) System.out.println("  " + p);
    var stats = Files.readAllLines(records.resolve("stats.jsonl"));
    System.out.printf("stats: %d records (%.2f per container-second); last: %s%n", stats.size(), stats.size() / (double) n / seconds,
        stats.isEmpty() ? "-" : stats.get(stats.size() - 1));
    System.exit(0);
  }
}
