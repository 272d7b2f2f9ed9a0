package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.TimelineRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExportCommandTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  /** Output of one CLI execution. */
  record Execution(int exit, String out, String err) {}

  static Execution execute(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Execution(exit, out.toString(), err.toString());
  }

  /**
   * Writes a 30 s run folder: one traffic client reporting {@code okPerSecond} (a function of the
   * second) and, when {@code killAt >= 0}, a kill fault fired at that second.
   */
  static Path run(Path dir, String name, java.util.function.IntUnaryOperator okPerSecond, int killAt) throws IOException {
    Path run = Files.createDirectories(dir.resolve(name));
    Files.writeString(run.resolve("run.json"), "{\"format\":1,\"name\":\"" + name + "\",\"run_id\":\"" + name
        + "-1\",\"t0\":\"" + T0 + "\",\"end\":\"" + T0.plusSeconds(30) + "\",\"outcome\":\"ok\"}\n");
    List<String> timeline = new ArrayList<>();
    if (killAt >= 0) {
      timeline.add(RecordJson.line(new TimelineRecord("action", 1, "fault", "kill", "kill", "db", List.of(0),
          List.of("c0ffee".repeat(10) + "0000"), List.of("node-1"), T0.plusSeconds(killAt), T0.plusSeconds(killAt).plusMillis(4), "node-1",
          "ok", null, null, null, null)));
    }
    Files.write(run.resolve("timeline.jsonl"), timeline);
    Path logs = Files.createDirectories(run.resolve("logs"));
    List<String> lines = new ArrayList<>();
    for (int s = 1; s <= 30; s++) {
      int ok = okPerSecond.applyAsInt(s - 1);
      String traffic = String.format(Locale.ROOT, "{\"type\":\"traffic\",\"time\":\"%s\",\"interval_ms\":1000,"
          + "\"ops_ok\":%d,\"ops\":{\"read\":%d,\"write\":%d},\"errors\":{\"timeout\":0,\"unavailable\":0,"
          + "\"no_host\":0,\"other\":0},\"latency_ms\":{\"p50\":1.0,\"p95\":2.0,\"p99\":4.0,\"max\":9.0},"
          + "\"in_flight\":1,\"open_connections\":1}", T0.plusSeconds(s), ok, ok / 2, ok - ok / 2);
      lines.add(RecordJson.line(new LogRecord(T0.plusSeconds(s).plusMillis(2), "client", 0, "c1".repeat(32), "stdout",
          traffic)));
    }
    Files.write(logs.resolve("client.0.jsonl"), lines);
    return run;
  }

  @Test
  void exportsIntoTheRunFolderByDefault(@TempDir Path tmp) throws IOException {
    Path run = run(tmp, "faulty", s -> s >= 12 && s < 15 ? 100 : 1000, 12);
    Execution e = execute(new ExportCommand(), run.toString());
    assertThat(e.exit()).as(e.err()).isEqualTo(ExitCodes.OK);
    assertThat(e.out()).contains("report: " + run.resolve("export/report.html").toAbsolutePath());
    assertThat(run.resolve("export/report.html")).isNotEmptyFile();
    assertThat(Files.readAllLines(run.resolve("export/labels.csv"))).hasSize(2);
    assertThat(run.resolve("export/plots/throughput.png")).isNotEmptyFile();
    assertThat(run.resolve("export/csv/workload.csv")).isNotEmptyFile();
  }

  @Test
  void exportsWhereToldWithOut(@TempDir Path tmp) throws IOException {
    Path run = run(tmp, "faulty", s -> 1000, -1);
    Execution e = execute(new ExportCommand(), run.toString(), "--out", tmp.resolve("elsewhere").toString());
    assertThat(e.exit()).as(e.err()).isEqualTo(ExitCodes.OK);
    assertThat(tmp.resolve("elsewhere/report.html")).isNotEmptyFile();
    assertThat(run.resolve("export")).doesNotExist();
    // no containers or events were recorded: the export says what it could not draw
    assertThat(e.err()).contains("warning: ");
  }

  @Test
  void aFolderThatIsNotARunIsInvalidInputNamingTheMissingFiles(@TempDir Path tmp) throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Execution e = execute(new ExportCommand(), empty.toString());
    assertThat(e.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(e.err()).startsWith("error: ").contains("run.json").contains("timeline.jsonl");
    Execution missing = execute(new ExportCommand(), tmp.resolve("nope").toString());
    assertThat(missing.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(missing.err()).contains("does not exist");
  }
}
