package dev.reprise.master.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.collect.RecordFiles;
import dev.reprise.fdsl.record.ClockRecord;
import dev.reprise.fdsl.record.ContainerRecord;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.StatsRecord;
import dev.reprise.fdsl.record.TimelineRecord;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.ssh.FakeRemoteHost;
import dev.reprise.master.ssh.RemoteHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost host in the run folder: what its agent had on disk (written by the agent's own
 * {@link RecordFiles}, never closed, as a SIGKILL leaves it) is pulled from its records folder like
 * any host's, and what the orchestrator still held of its containers is added beside it, only where
 * the agent's files lack it, and merged into the run's files of each kind.
 */
class RecoveredRecordsTest {
  static final String RUN = "run-1";
  static final Instant T = Instant.parse("2026-11-23T09:00:10Z");
  static final double CORRECTION_MS = 2.0;
  @TempDir Path tmp;

  /** The agent's records folder of {@code host} as its {@link RecordFiles} left it when killed (flushed, not closed). */
  private Path agentFolder(String host, String container, int id) throws Exception {
    Path dir = tmp.resolve("agent-" + host);
    var records = new RecordFiles(dir);
    records.clock(new ClockRecord(T.minusSeconds(9), host, "10.0.0.1", ClockRecord.ARM, ClockRecord.STEPPED, CORRECTION_MS, 0.1,
        CORRECTION_MS, null));
    records.container(new ContainerRecord(container, "web", id, id + 1, "node-" + host, host, "reprise/hello:latest", T.minusSeconds(20)));
    records.logFile("web", id);
    records.timeline(new TimelineRecord("action", 1, "fault", "cpu", "cpu", "web", List.of(id), List.of(container), List.of("n"),
        T.minusSeconds(5), T.minusSeconds(5), host, "ok", null, null, null, null));
    records.stats(new StatsRecord(T.minusSeconds(1), "web", id, container, host, 99.0, 100, 200, 0, 0, 0, 0));
    for (int ms : new int[] {0, 500}) {
      records.log(new LogRecord(T.plusMillis(ms).plusNanos((long) (CORRECTION_MS * 1e6)), "web", id, container, "stdout", "line " + ms));
    }
    records.flush(); // what its 500 ms flush timer did; the SIGKILL came before any close
    return dir;
  }

  private static FakeRemoteHost host(String name, Path agentFolder) throws Exception {
    var h = new FakeRemoteHost(name, "/work/" + name);
    String remote = RunCollector.remoteDir(h.spec().workDir(), RUN);
    try (Stream<Path> files = Files.walk(agentFolder)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        h.files.put(remote + "/" + agentFolder.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
      }
    }
    return h;
  }

  private static Orchestrator.SalvagedContainer web1() {
    return new Orchestrator.SalvagedContainer("web", 1, "c2", "running", T.minusSeconds(20), false, null, null, T.minusSeconds(20),
        List.of(new Orchestrator.LogLine(T, "stdout", "line 0"), new Orchestrator.LogLine(T.plusMillis(500), "stdout", "line 500"),
            new Orchestrator.LogLine(T.plusMillis(1000), "stdout", "line 1000"),
            new Orchestrator.LogLine(T.plusMillis(1500), "stderr", "line 1500")));
  }

  /** A container the lost agent never saw: started after it died and ended with 137. */
  private static Orchestrator.SalvagedContainer web3() {
    return new Orchestrator.SalvagedContainer("web", 3, "c4", "failed", T.plusSeconds(4), true, 137, "task: non-zero exit (137)",
        T.plusSeconds(2), List.of(new Orchestrator.LogLine(T.plusSeconds(3), "stdout", "late starter")));
  }

  @Test
  void aLostHostsAgentFolderIsPulledAndWhatTheOrchestratorHeldIsAddedOnlyWhereTheAgentsFilesLackIt() throws Exception {
    var hosts = new LinkedHashMap<String, RemoteHost>();
    hosts.put("n1", host("n1", agentFolder("n1", "c1", 0)));
    hosts.put("n2", host("n2", agentFolder("n2", "c2", 1)));
    Path runDir = tmp.resolve("runs").resolve(RUN);

    var report = RunCollector.collect(runDir, RUN, hosts, Map.of());
    assertThat(report.failed()).isEmpty();
    Path n2 = runDir.resolve("hosts/n2");
    assertThat(Files.readString(n2.resolve("timeline.jsonl"))).as("the lost agent's fired action").contains("\"fault\":\"cpu\"");
    assertThat(Files.readAllLines(n2.resolve("stats.jsonl"))).hasSize(1);
    assertThat(Files.readAllLines(n2.resolve("logs/web.1.jsonl"))).hasSize(2);

    var salvage = new Orchestrator.Salvage(List.of(web1(), web3()), List.of());
    var written = RecoveredRecords.write(n2, "n2", salvage);
    assertThat(written).isEqualTo(new RecoveredRecords.Written(1, 2, 3));
    assertThat(RecoveredRecords.write(n2, "n2", salvage)).as("idempotent").isEqualTo(written);

    var recoveredLog = Files.readAllLines(n2.resolve("logs/web.1.recovered.jsonl"));
    assertThat(recoveredLog).as("only the lines after the agent's last one, on the host's corrected clock").hasSize(2);
    assertThat(RecordJson.parse(recoveredLog.get(0), LogRecord.class)).isEqualTo(
        new LogRecord(T.plusMillis(1002), "web", 1, "c2", "stdout", "line 1000"));
    assertThat(recoveredLog).allMatch(l -> l.endsWith(",\"recovered_from\":\"orchestrator\"}"));
    assertThat(Files.readAllLines(n2.resolve("containers.recovered.jsonl"))).singleElement().asString()
        .contains("\"container\":\"c4\"", "\"service\":\"web\"", "\"id\":3", "\"recovered_from\":\"orchestrator\"");
    var events = Files.readAllLines(n2.resolve("container-events.recovered.jsonl"));
    assertThat(events).as("c2 ran all along (the agent listed it): no events; c4 started and died unseen").hasSize(2);
    assertThat(events.get(0)).contains("\"time\":\"2026-11-23T09:00:12.002000Z\"", "\"event\":\"start\"", "\"container\":\"c4\"");
    assertThat(events.get(1)).contains("\"time\":\"2026-11-23T09:00:14.002000Z\"", "\"event\":\"die\"", "\"exit_code\":137",
        "\"host\":\"n2\"");
    assertThat(Files.readAllLines(n2.resolve("logs/web.3.recovered.jsonl"))).singleElement().asString().contains("late starter");

    RunCollector.mergeHosts(runDir);
    var mergedLog = Files.readAllLines(runDir.resolve("logs/web.1.jsonl"));
    assertThat(mergedLog).extracting(l -> RecordJson.parse(l, LogRecord.class).line())
        .containsExactly("line 0", "line 500", "line 1000", "line 1500");
    assertThat(Files.readAllLines(runDir.resolve("logs/web.3.jsonl"))).singleElement().asString().contains("recovered_from");
    assertThat(runDir.resolve("logs/web.1.recovered.jsonl")).as("the recovered files merge into their kinds").doesNotExist();
    assertThat(Files.readAllLines(runDir.resolve("containers.jsonl"))).hasSize(3);
    assertThat(Files.readString(runDir.resolve("container-events.jsonl"))).contains("\"event\":\"die\"");
    assertThat(Files.readAllLines(runDir.resolve("timeline.jsonl"))).as("both hosts' actions").hasSize(2);
  }

  @Test
  void aDieTheAgentRecordedIsNotRecoveredAgainAndNothingNewLeavesNoLogFile() throws Exception {
    Path n2 = Files.createDirectories(tmp.resolve("hosts/n2"));
    Files.writeString(n2.resolve("containers.jsonl"), "{\"container\":\"c4\",\"service\":\"web\",\"id\":3}\n");
    Files.writeString(n2.resolve("container-events.jsonl"), "{\"time\":\"2026-11-23T09:00:14.000000Z\",\"event\":\"die\",\"container\":\"c4\"}\n");
    Files.createDirectories(n2.resolve("logs"));
    Files.writeString(n2.resolve("logs/web.3.jsonl"),
        "{\"time\":\"2026-11-23T09:00:13.000000Z\",\"service\":\"web\",\"id\":3,\"container\":\"c4\",\"line\":\"late starter\"}\n");

    var written = RecoveredRecords.write(n2, "n2", new Orchestrator.Salvage(List.of(web3()), List.of()));

    assertThat(written.nothing()).isTrue();
    assertThat(n2.resolve("container-events.recovered.jsonl")).doesNotExist();
    assertThat(n2.resolve("containers.recovered.jsonl")).doesNotExist();
    assertThat(n2.resolve("logs/web.3.recovered.jsonl")).doesNotExist();
  }

  @Test
  void aRecoveredFileBelongsToTheKindItsNameSays() {
    assertThat(RecoveredRecords.kindOf("container-events.recovered.jsonl")).isEqualTo("container-events.jsonl");
    assertThat(RecoveredRecords.kindOf("logs/web.0.recovered.jsonl")).isEqualTo("logs/web.0.jsonl");
    assertThat(RecoveredRecords.kindOf("logs/web.0.jsonl")).isEqualTo("logs/web.0.jsonl");
    assertThat(RecoveredRecords.recoveredFile("logs/web.0.jsonl")).isEqualTo("logs/web.0.recovered.jsonl");
  }
}
