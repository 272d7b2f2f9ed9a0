package dev.reprise.master.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.record.RecordJson;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordMergeTest {
  @TempDir Path dir;

  private Path file(String name, String... lines) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, List.of(lines));
    return p;
  }

  private static String t(int second) {
    return "2026-11-23T10:00:" + String.format("%02d", second) + ".000000Z";
  }

  @Test
  void mergesSortedFilesInTimeOrderAndTagsHosts() throws Exception {
    var a = file("a.jsonl", "{\"time\":\"" + t(1) + "\",\"v\":\"a1\"}", "{\"time\":\"" + t(4) + "\",\"v\":\"a4\"}");
    var b = file("b.jsonl", "{\"time\":\"" + t(2) + "\",\"v\":\"b2\",\"host\":\"own\"}", "{\"time\":\"" + t(3) + "\",\"v\":\"b3\"}",
        "{\"time\":\"" + t(5) + "\",\"v\":\"b5\"}");
    var out = new StringWriter();
    var r = RecordMerge.merge(List.of(new RecordMerge.Source("n1", a), new RecordMerge.Source("n2", b)), out);
    assertThat(out.toString().split("\n")).containsExactly(
        "{\"time\":\"" + t(1) + "\",\"v\":\"a1\",\"host\":\"n1\"}",
        "{\"time\":\"" + t(2) + "\",\"v\":\"b2\",\"host\":\"own\"}",
        "{\"time\":\"" + t(3) + "\",\"v\":\"b3\",\"host\":\"n2\"}",
        "{\"time\":\"" + t(4) + "\",\"v\":\"a4\",\"host\":\"n1\"}",
        "{\"time\":\"" + t(5) + "\",\"v\":\"b5\",\"host\":\"n2\"}");
    assertThat(r).isEqualTo(new RecordMerge.Result(5, 0, 0));
  }

  @Test
  void tiesKeepSourceOrderThenFileOrder() throws Exception {
    var a = file("a.jsonl", "{\"time\":\"" + t(1) + "\",\"v\":\"a1\"}", "{\"time\":\"" + t(1) + "\",\"v\":\"a2\"}");
    var b = file("b.jsonl", "{\"time\":\"" + t(1) + "\",\"v\":\"b1\"}", "{\"time\":\"" + t(1) + "\",\"v\":\"b2\"}");
    var out = new StringWriter();
    RecordMerge.merge(List.of(new RecordMerge.Source("x", b), new RecordMerge.Source("y", a)), out);
    assertThat(out.toString()).containsSubsequence("b1", "b2", "a1", "a2");
  }

  @Test
  void timelineRecordsSortByActualThenPlannedAndSmallDisorderIsAbsorbed() throws Exception {
    // the agent writes timeline lines in completion order: a slow action completes after a later fast one
    var a = file("timeline.jsonl",
        "{\"kind\":\"action\",\"seq\":2,\"planned\":\"" + t(2) + "\",\"actual\":\"" + t(2) + "\"}",
        "{\"kind\":\"action\",\"seq\":1,\"planned\":\"" + t(1) + "\",\"actual\":\"" + t(1) + "\"}",
        "{\"kind\":\"mark\",\"planned\":\"" + t(3) + "\"}");
    var out = new StringWriter();
    var r = RecordMerge.merge(List.of(new RecordMerge.Source("n1", a)), out);
    assertThat(out.toString()).containsSubsequence("\"seq\":1", "\"seq\":2", "\"kind\":\"mark\"");
    assertThat(r.outOfOrder()).isZero();
  }

  @Test
  void garbledLinesAreDroppedAndCounted() throws Exception {
    var a = file("a.jsonl", "{\"time\":\"" + t(1) + "\"}", "not json", "[1,2]", "", "{\"time\":\"" + t(2) + "\"}");
    var out = new StringWriter();
    var r = RecordMerge.merge(List.of(new RecordMerge.Source("n1", a)), out);
    assertThat(r).isEqualTo(new RecordMerge.Result(2, 2, 0));
  }

  @Test
  void manyLongFilesMergeInOrderWithBoundedLookAhead() throws Exception {
    // 100 files x 1000 records: each cursor holds at most WINDOW lines, so memory does not grow with file length
    int files = 100;
    int per = 1000;
    var sources = new ArrayList<RecordMerge.Source>();
    Instant base = Instant.parse("2026-11-23T10:00:00Z");
    for (int f = 0; f < files; f++) {
      Path p = dir.resolve("h" + f + ".jsonl");
      try (var w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
        for (int i = 0; i < per; i++) {
          w.write("{\"time\":\"" + RecordJson.INSTANT_FORMAT.format(base.plusMillis((long) i * files + (f * 7L) % files)) + "\",\"i\":" + i + "}\n");
        }
      }
      sources.add(new RecordMerge.Source("h" + f, p));
    }
    var checker = new OrderChecker();
    var r = RecordMerge.merge(sources, checker);
    assertThat(r.records()).isEqualTo((long) files * per);
    assertThat(checker.lines).isEqualTo((long) files * per);
    assertThat(checker.disorders).isZero();
    assertThat(r.outOfOrder()).isZero();
  }

  @Test
  void mergeHostsWritesEveryKindIntoTheRunFolder() throws Exception {
    Path run = dir.resolve("run");
    file("run/hosts/n2/timeline.jsonl", "{\"kind\":\"action\",\"actual\":\"" + t(2) + "\"}");
    file("run/hosts/n1/timeline.jsonl", "{\"kind\":\"action\",\"actual\":\"" + t(1) + "\"}");
    file("run/hosts/n1/logs/web.0.jsonl", "{\"time\":\"" + t(1) + "\",\"line\":\"hi\"}");
    var merged = RunCollector.mergeHosts(run);
    assertThat(merged).containsOnlyKeys("timeline.jsonl", "logs/web.0.jsonl");
    assertThat(Files.readAllLines(run.resolve("timeline.jsonl"))).containsExactly(
        "{\"kind\":\"action\",\"actual\":\"" + t(1) + "\",\"host\":\"n1\"}",
        "{\"kind\":\"action\",\"actual\":\"" + t(2) + "\",\"host\":\"n2\"}");
    assertThat(Files.readAllLines(run.resolve("logs/web.0.jsonl"))).singleElement().asString().contains("\"host\":\"n1\"");
  }

  /** A sink that checks order as lines stream through, without keeping them. */
  private static final class OrderChecker extends Writer {
    private final StringBuilder line = new StringBuilder();
    String last = "";
    long lines;
    long disorders;

    @Override
    public void write(char[] cbuf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (cbuf[i] == '\n') {
          // instants of equal length sort as text
          String time = line.substring(9, line.indexOf("\"", 9));
          if (time.compareTo(last) < 0) disorders++;
          last = time;
          lines++;
          line.setLength(0);
        } else {
          line.append(cbuf[i]);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
