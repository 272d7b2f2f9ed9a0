package dev.reprise.master.merge;

import dev.reprise.master.ssh.RemoteHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Pulls one run's records from every host and merges them. Each agent keeps its records in
 * {@code <work_dir>/runs/<run-id>/} on its host ({@link #remoteDir}); they are copied over SFTP to
 * {@code <run folder>/hosts/<host>/} and every kind ({@code timeline.jsonl}, {@code stats.jsonl},
 * {@code logs/<service>.<id>.jsonl}, ...) is merged across hosts into {@code <run folder>/<same path>}
 * with {@link RecordMerge}. A host that cannot be reached is reported and skipped: the others'
 * records are still merged (with what was pulled from that host earlier, if anything). A host whose
 * agent died is pulled like the others — its agent flushed every record to disk within a second of
 * its event — and what the orchestrator recovered for it ({@link RecoveredRecords}) is merged too.
 * Used from one thread.
 */
public final class RunCollector {

  /** What was collected: files pulled per host, hosts that failed (with why), merge results per kind. */
  public record Report(Map<String, Integer> pulled, Map<String, String> failed, Map<String, RecordMerge.Result> merged) {}

  private RunCollector() {}

  /** Where an agent keeps the records of {@code runId} on its host. */
  public static String remoteDir(String workDir, String runId) {
    return workDir + "/runs/" + runId;
  }

  /** Pulls from every host that {@code hosts} holds (null value: unreachable, with its reason in {@code unreachable}), then merges. */
  public static Report collect(Path runDir, String runId, Map<String, RemoteHost> hosts, Map<String, String> unreachable) throws IOException {
    var pulled = new LinkedHashMap<String, Integer>();
    var failed = new LinkedHashMap<String, String>(unreachable);
    for (var e : hosts.entrySet()) {
      var host = e.getValue();
      String dir = remoteDir(host.spec().workDir(), runId);
      Path local = runDir.resolve("hosts").resolve(e.getKey());
      try {
        var files = host.listFiles(dir);
        for (String f : files) host.download(dir + "/" + f, local.resolve(f));
        pulled.put(e.getKey(), files.size());
        if (files.isEmpty()) failed.put(e.getKey(), "no records in " + dir);
      } catch (IOException x) {
        failed.put(e.getKey(), x.getMessage());
      }
    }
    return new Report(pulled, failed, mergeHosts(runDir));
  }

  /**
   * Merges every kind found under {@code runDir/hosts/<host>/} into {@code runDir}; hosts in name
   * order. A host's {@code <kind>.recovered.jsonl} ({@link RecoveredRecords}: what the orchestrator
   * still held of a lost host's containers) is merged into {@code <kind>.jsonl} with its records.
   */
  public static Map<String, RecordMerge.Result> mergeHosts(Path runDir) throws IOException {
    Path hostsDir = runDir.resolve("hosts");
    var merged = new LinkedHashMap<String, RecordMerge.Result>();
    if (!Files.isDirectory(hostsDir)) return merged;
    var hostNames = new TreeSet<String>();
    try (var s = Files.list(hostsDir)) {
      s.filter(Files::isDirectory).forEach(p -> hostNames.add(p.getFileName().toString()));
    }
    var kinds = new TreeSet<String>();
    for (String h : hostNames) {
      Path hd = hostsDir.resolve(h);
      try (var s = Files.walk(hd)) {
        s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".jsonl"))
            .forEach(p -> kinds.add(RecoveredRecords.kindOf(hd.relativize(p).toString().replace('\\', '/'))));
      }
    }
    for (String kind : kinds) {
      var sources = new ArrayList<RecordMerge.Source>();
      for (String h : hostNames) {
        // the agent's own file first, then what was recovered from the orchestrator for a lost host
        for (String name : List.of(kind, RecoveredRecords.recoveredFile(kind))) {
          Path f = hostsDir.resolve(h).resolve(name);
          if (Files.isRegularFile(f)) sources.add(new RecordMerge.Source(h, f));
        }
      }
      merged.put(kind, RecordMerge.mergeTo(sources, runDir.resolve(kind)));
    }
    return merged;
  }

  /** The hosts' names with a reason each, for messages. */
  public static List<String> describe(Map<String, String> failed) {
    var lines = new ArrayList<String>();
    failed.forEach((h, why) -> lines.add(h + ": " + why));
    return lines;
  }
}
