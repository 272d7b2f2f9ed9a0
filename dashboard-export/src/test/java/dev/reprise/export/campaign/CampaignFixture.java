package dev.reprise.export.campaign;

import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;

/**
 * Builds a campaign folder in a test: run folders (copies of dashboard-export's fixtures in
 * {@code src/test/resources/runs}, or small synthetic ones) and the {@code campaign.json} naming them.
 */
final class CampaignFixture {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final Instant START = Instant.parse("2026-11-23T22:00:00Z");

  final Path dir;
  private final List<CampaignManifest.Group> groups = new ArrayList<>();
  private final List<CampaignManifest.Run> runs = new ArrayList<>();
  private String state = CampaignManifest.DONE;

  CampaignFixture(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  CampaignFixture group(String name, String baseline, int repetitions) {
    groups.add(new CampaignManifest.Group(name, name + ".yaml", baseline, repetitions));
    return this;
  }

  CampaignFixture state(String s) {
    state = s;
    return this;
  }

  /** A finished run whose only attempt is {@code runDir} with outcome ok. */
  CampaignFixture finished(String key, String group, boolean baseline, int rep, Map<String, String> params, String runDir) {
    return run(key, group, baseline, rep, params, CampaignManifest.Run.FINISHED, attempt(runDir, "ok", rep));
  }

  CampaignFixture run(String key, String group, boolean baseline, int rep, Map<String, String> params, String state,
      CampaignManifest.Attempt... attempts) {
    runs.add(new CampaignManifest.Run(key, group, baseline, rep, params, 1000L + runs.size(),
        String.format(Locale.ROOT, "%064x", 0xabcdefL + runs.size()), state, List.of(attempts)));
    return this;
  }

  static CampaignManifest.Attempt attempt(String runDir, String outcome, int n) {
    Instant s = START.plusSeconds(120L * n);
    return new CampaignManifest.Attempt(runDir, runDir == null ? null : Path.of(runDir).getFileName().toString(), s,
        "interrupted".equals(outcome) || outcome == null ? null : s.plusSeconds(75), outcome,
        "ok".equals(outcome) || outcome == null ? null : "it " + outcome);
  }

  /** Writes campaign.json and returns the campaign folder. */
  Path write() throws IOException {
    CampaignManifest m = new CampaignManifest(CampaignManifest.FORMAT, "night", new RunManifest.SourceFile(
        "night.yaml", "0".repeat(64), "name: night\ngroups: []\n"), START, START.plusSeconds(3600), state, null, groups, runs);
    Files.writeString(dir.resolve(CampaignReport.MANIFEST), RecordJson.mapper().writeValueAsString(m));
    return dir;
  }

  /** A copy of dashboard-export's run-folder fixture {@code name} ({@code fault-run}, {@code baseline-run}) at {@code runDir}. */
  Path copyFixture(String name, String runDir) {
    Path from;
    try {
      from = Path.of(CampaignFixture.class.getResource("/runs/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Path to = dir.resolve(runDir);
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }

  /**
   * A 60 s synthetic run folder at {@code runDir}: one traffic client whose second k has
   * {@code okPerSecond(k)} ok operations and no errors, and when {@code firingMillis} is not null a
   * kill of db[0] planned at 20 s that fired {@code firingMillis} late. With a stub
   * {@code export/report.html}.
   */
  Path syntheticRun(String runDir, IntUnaryOperator okPerSecond, Double firingMillis) throws IOException {
    Path run = Files.createDirectories(dir.resolve(runDir));
    String name = run.getFileName().toString();
    Files.writeString(run.resolve("run.json"), "{\"format\":1,\"name\":\"" + name + "\",\"run_id\":\"" + name
        + "\",\"t0\":\"" + T0 + "\",\"end\":\"" + T0.plusSeconds(60) + "\",\"outcome\":\"ok\"}\n");
    List<String> timeline = new ArrayList<>();
    timeline.add("{\"kind\":\"mark\",\"seq\":0,\"planned\":\"" + RecordJson.format(T0.plusSeconds(5)) + "\",\"actual\":\""
        + RecordJson.format(T0.plusSeconds(5)) + "\",\"host\":\"node-1\",\"outcome\":\"ok\",\"text\":\"warm\"}");
    if (firingMillis != null) {
      Instant planned = T0.plusSeconds(20);
      timeline.add("{\"kind\":\"action\",\"seq\":1,\"action\":\"fault\",\"fault\":\"kill\",\"label\":\"kill\","
          + "\"service\":\"db\",\"ids\":[0],\"containers\":[\"" + "d0".repeat(32) + "\"],\"planned\":\""
          + RecordJson.format(planned) + "\",\"actual\":\""
          + RecordJson.format(planned.plusNanos(Math.round(firingMillis * 1e6))) + "\",\"host\":\"node-1\",\"outcome\":\"ok\"}");
    }
    Files.write(run.resolve("timeline.jsonl"), timeline);
    Path logs = Files.createDirectories(run.resolve("logs"));
    List<String> lines = new ArrayList<>();
    for (int s = 1; s <= 60; s++) {
      int ok = okPerSecond.applyAsInt(s - 1); // the line at T0 + s covers second s − 1
      String traffic = String.format(Locale.ROOT, "{\"type\":\"traffic\",\"time\":\"%s\",\"interval_ms\":1000,"
          + "\"ops_ok\":%d,\"ops\":{\"read\":%d,\"write\":%d},\"errors\":{\"timeout\":0,\"unavailable\":0,"
          + "\"no_host\":0,\"other\":0},\"latency_ms\":{\"p50\":1.0,\"p95\":2.0,\"p99\":4.0,\"max\":9.0},"
          + "\"in_flight\":1,\"open_connections\":1}", RecordJson.format(T0.plusSeconds(s)), ok, ok / 2, ok - ok / 2);
      lines.add(RecordJson.line(new LogRecord(T0.plusSeconds(s).plusMillis(2), "client", 0, "c1".repeat(32), "stdout",
          traffic)));
    }
    Files.write(logs.resolve("client.0.jsonl"), lines);
    Files.createDirectories(run.resolve("export"));
    Files.writeString(run.resolve("export/report.html"), "<!DOCTYPE html><title>" + name + "</title>\n");
    return run;
  }

  /** A steady 500 ops/s run, with a kill fired {@code firingMillis} late. */
  Path steadyRun(String runDir, Double firingMillis) throws IOException {
    return syntheticRun(runDir, k -> 500, firingMillis);
  }
}
