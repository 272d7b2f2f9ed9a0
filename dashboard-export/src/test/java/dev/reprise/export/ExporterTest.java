package dev.reprise.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterTest {
  @TempDir static Path tmp;
  static Path run;
  static ExportResult result;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void export() throws IOException {
    run = Fixtures.copy("fault-run", tmp);
    result = new Exporter().export(run);
  }

  private static Path out(String file) {
    return run.resolve("export").resolve(file);
  }

  private static List<String> csv(String file) throws IOException {
    return Files.readAllLines(out(file));
  }

  @Test
  void writesEveryFileItListsInsideTheRunFolder() {
    assertThat(result.outDir()).isEqualTo(run.resolve("export"));
    assertThat(result.report()).isEqualTo(out("report.html"));
    assertThat(result.files()).contains(Path.of("report.html"), Path.of("labels.csv"),
        Path.of("dashboard/containers_ids.json"), Path.of("dashboard/containers_events.json"),
        Path.of("dashboard/containers_logs.json"), Path.of("dashboard/containers_stats.json"),
        Path.of("dashboard/host_stats.json"), Path.of("dashboard/marks.json"), Path.of("csv/alive.csv"),
        Path.of("csv/workload.csv"), Path.of("csv/container-cassandra.0.csv"), Path.of("csv/host-node-1.csv"),
        Path.of("plots/alive.png"), Path.of("plots/alive.svg"), Path.of("plots/throughput.png"),
        Path.of("plots/firing-error.svg"), Path.of("plots/cpu-per-host.png"));
    assertThat(result.files()).allSatisfy(f -> assertThat(result.outDir().resolve(f)).isNotEmptyFile());
    assertThat(result.warnings()).isEmpty();
  }

  @Test
  void faultSeeFilesCarryTimesInSecondsSinceT0() throws IOException {
    JsonNode events = JSON.readTree(out("dashboard/containers_events.json").toFile());
    JsonNode die = null;
    for (JsonNode e : events) {
      if (e.path("action").asText().equals("die")) {
        die = e;
      }
    }
    assertThat(die).isNotNull();
    assertThat(die.path("time").asDouble()).isEqualTo(20.051);
    assertThat(die.path("service").asText()).isEqualTo("cassandra");
    assertThat(die.path("slot").asText()).isEqualTo("3");
    assertThat(die.path("exit_code").asInt()).isEqualTo(137);

    JsonNode ids = JSON.readTree(out("dashboard/containers_ids.json").toFile());
    assertThat(ids).hasSize(5);
    assertThat(ids.get(0).path("container_id").asText()).hasSize(64);

    JsonNode marks = JSON.readTree(out("dashboard/marks.json").toFile());
    assertThat(marks).hasSize(1);
    assertThat(marks.get(0).path("msg").asText()).isEqualTo("warm");
    assertThat(marks.get(0).path("time").asDouble()).isEqualTo(5.0012);
    assertThat(marks.get(0).path("hostname").asText()).isEqualTo("node-1");

    JsonNode logs = JSON.readTree(out("dashboard/containers_logs.json").toFile());
    assertThat(logs).hasSize(61 + 4 + 2 + 1);
    for (int i = 1; i < logs.size(); i++) {
      assertThat(logs.get(i).path("time").asDouble()).isGreaterThanOrEqualTo(logs.get(i - 1).path("time").asDouble());
    }
    JsonNode hosts = JSON.readTree(out("dashboard/host_stats.json").toFile());
    assertThat(hosts).hasSize(61);
    assertThat(hosts.get(0).path("hostname").asText()).isEqualTo("node-1");
    assertThat(hosts.get(0).path("mem").asDouble()).isBetween(0.0, 100.0);
    JsonNode stats = JSON.readTree(out("dashboard/containers_stats.json").toFile());
    assertThat(stats.get(0).has("cpu")).isTrue();
    assertThat(stats.get(0).has("rx_bytes")).isTrue();
  }

  @Test
  void aliveCsvFollowsTheContainerEventsAndShowsThePlan() throws IOException {
    List<String> lines = csv("csv/alive.csv");
    assertThat(lines.get(0)).isEqualTo("second,time,cassandra,client,cassandra (planned),client (planned)");
    assertThat(lines.get(1)).isEqualTo("0,2026-11-23T10:00:00.000000Z,3,1,3,1");
    assertThat(lines.get(1 + 20)).startsWith("20,").endsWith(",3,1,2,1"); // killed at 20.05: still alive at 20.000
    assertThat(lines.get(1 + 21)).endsWith(",2,1,2,1");
    assertThat(lines.get(1 + 45)).endsWith(",2,1,3,1"); // planned start at 45, container started at 45.8
    assertThat(lines.get(1 + 46)).endsWith(",3,1,3,1");
    assertThat(lines).hasSize(1 + 61);
  }

  @Test
  void workloadCsvHasOneRowPerSecondWithTheClientsNumbers() throws IOException {
    List<String> lines = csv("csv/workload.csv");
    assertThat(lines.get(0)).startsWith("second,time,clients,ops_ok_per_s,errors_per_s,error_rate,errors_no_host_per_s,"
        + "errors_other_per_s,errors_timeout_per_s,errors_unavailable_per_s,p50_ms,p95_ms,p99_ms,max_ms");
    assertThat(lines.get(1 + 10)).startsWith("10,2026-11-23T10:00:10.000000Z,1,500,0,0,0,0,0,0,1.2,3,8,12,3,2");
    String[] kill = lines.get(1 + 21).split(",");
    assertThat(kill[3]).isEqualTo("200");
    assertThat(kill[4]).isEqualTo("30");
    assertThat(Double.parseDouble(kill[5])).isCloseTo(30.0 / 230, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(lines.get(1 + 60)).startsWith("60,2026-11-23T10:01:00.000000Z,0,,"); // nothing reported for second 60
  }

  @Test
  void labelsHaveOneRowPerInjectedFaultWithItsWindow() throws IOException {
    List<String> lines = csv("labels.csv");
    assertThat(lines).containsExactly(
        "fault_seq,type,label,service,fdsl_id,container,host,start,end,start_s,end_s,duration_s,end_source,outcome",
        "1,kill,kill,cassandra,2," + "ca02".repeat(16) + ",node-1,2026-11-23T10:00:20.003100Z,"
            + "2026-11-23T10:00:20.003100Z,20.0031,20.0031,0,instant,ok",
        "2,cpu,cpu x1 10s,cassandra,0," + "ca00".repeat(16) + ",node-1,2026-11-23T10:00:35.002400Z,"
            + "2026-11-23T10:00:45.020000Z,35.0024,45.02,10.0176,heal,ok");
  }

  @Test
  void actionsCsvHasThePlannedVsActualFiringError() throws IOException {
    List<String> lines = csv("csv/actions.csv");
    assertThat(lines).hasSize(1 + 4);
    assertThat(lines.get(2)).startsWith("1,action,fault,kill,kill,cassandra[2],node-1,2026-11-23T10:00:20.000000Z,"
        + "2026-11-23T10:00:20.003100Z,20,3.1,ok,");
    assertThat(lines.get(4)).contains(",start,").contains(",40.5,ok,");
  }

  @Test
  void containerCsvDerivesRatesFromCumulativeCounters() throws IOException {
    List<String> lines = csv("csv/container-cassandra.1.csv");
    assertThat(lines.get(0)).contains("net_rx_bytes_per_s");
    String[] second = lines.get(2).split(",", -1);
    assertThat(Double.parseDouble(second[13])).isCloseTo(41000, org.assertj.core.data.Offset.offset(1.0));
    assertThat(lines.get(1).split(",", -1)[13]).isEmpty();
  }

  @Test
  void pngPlotsAreNotBlank() throws IOException {
    for (Path f : result.files()) {
      if (f.toString().endsWith(".png")) {
        BufferedImage img = ImageIO.read(result.outDir().resolve(f).toFile());
        assertThat(img.getWidth()).isEqualTo(960);
        assertThat(Images.variance(img)).as("pixel variance of %s", f).isGreaterThan(100);
        assertThat(Images.colouredPixels(img)).as("coloured pixels of %s", f).isGreaterThan(300);
      }
    }
  }

  @Test
  void svgPlotsAreWellFormedXmlWithTheSeries() throws Exception {
    Path svg = out("plots/throughput.svg");
    var doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(doc.getElementsByTagName("polyline").getLength()).isGreaterThanOrEqualTo(2);
    String text = Files.readString(svg);
    assertThat(text).contains("ok ops/s").contains("errors/s").contains("cpu x1 10s @cassandra[0]")
        .contains("kill @cassandra[2]").contains(">warm<");
  }

  @Test
  void reportIsSelfContained() throws IOException {
    String html = Files.readString(out("report.html"));
    assertThat(html).doesNotContain("src=\"http").doesNotContain("href=\"http").doesNotContain("<link ");
    assertThat(html).contains("echarts").contains("id=\"chart-throughput\"").contains("id=\"chart-alive\"")
        .contains("Planned vs actual").contains("id=\"log-service\"");
    // a log line with markup stays text
    assertThat(html).doesNotContain("<script>alert('x')</script>").contains("<\\/script>");
  }

  @Test
  void notARunFolderSaysWhichFileIsMissing() {
    assertThatThrownBy(() -> new Exporter().export(tmp.resolve("nowhere")))
        .isInstanceOf(InvalidRunFolderException.class).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> new Exporter().export(Files.createDirectories(tmp.resolve("empty"))))
        .isInstanceOf(InvalidRunFolderException.class).hasMessageContaining("run.json")
        .hasMessageContaining("timeline.jsonl");
  }

  @Test
  void exportingTwiceReplacesTheFiles() throws IOException {
    Path again = Fixtures.copy("baseline-run", Files.createDirectories(tmp.resolve("twice")));
    ExportResult first = new Exporter().export(again);
    ExportResult second = new Exporter().export(again);
    assertThat(second.files()).isEqualTo(first.files());
    assertThat(Files.readString(again.resolve("export/labels.csv")).lines()).hasSize(1);
  }

  /**
   * A multi-host run whose host was lost: the master merged what the orchestrator still held of its
   * containers into the run's files, marked {@code recovered_from} (a container without slot, node or
   * image; a {@code die}; late log lines). The export reads them as any other record.
   */
  @Test
  void recordsRecoveredForALostHostExportLikeAnyOther(@TempDir Path dir) throws IOException {
    Path lost = Fixtures.copy("fault-run", dir);
    String c = "ca09".repeat(16);
    Files.writeString(lost.resolve("containers.jsonl"), "{\"container\":\"" + c + "\",\"service\":\"cassandra\",\"id\":9,"
        + "\"host\":\"node-2\",\"created\":\"2026-11-23T10:00:46.000000Z\",\"recovered_from\":\"orchestrator\"}\n",
        java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(lost.resolve("container-events.jsonl"), "{\"time\":\"2026-11-23T10:00:46.000000Z\",\"event\":\"start\","
        + "\"container\":\"" + c + "\",\"service\":\"cassandra\",\"id\":9,\"host\":\"node-2\",\"recovered_from\":\"orchestrator\"}\n"
        + "{\"time\":\"2026-11-23T10:00:55.000000Z\",\"event\":\"die\",\"container\":\"" + c + "\",\"service\":\"cassandra\","
        + "\"id\":9,\"host\":\"node-2\",\"exit_code\":137,\"recovered_from\":\"orchestrator\"}\n", java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(lost.resolve("logs/cassandra.9.jsonl"), "{\"time\":\"2026-11-23T10:00:50.000000Z\",\"service\":\"cassandra\","
        + "\"id\":9,\"container\":\"" + c + "\",\"stream\":\"stdout\",\"line\":\"said after its agent died\",\"host\":\"node-2\","
        + "\"recovered_from\":\"orchestrator\"}\n");

    var exported = new Exporter().export(lost);

    assertThat(exported.warnings()).isEmpty();
    assertThat(Files.readString(lost.resolve("export/dashboard/containers_logs.json"))).contains("said after its agent died");
    assertThat(Files.readString(lost.resolve("export/dashboard/containers_events.json"))).contains("ca09");
  }

  /** A run a safety condition aborted: the report says which, with what value, and marks the instant in the plots and the table. */
  @Test
  void aSafetyAbortIsShownWithItsConditionAndInstant(@TempDir Path dir) throws IOException {
    Path aborted = Fixtures.copy("fault-run", dir);
    Path runJson = aborted.resolve("run.json");
    var m = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(runJson.toFile());
    m.put("outcome", "aborted").put("reason", "safety: client errors: 12.5% above 0.5%");
    m.putObject("safety_trip").put("condition", "client errors").put("kind", "workload")
        .put("at", "2026-11-23T10:00:31.500000Z").put("value", 0.125).put("threshold", 0.005)
        .put("detail", "safety: client errors: 12.5% above 0.5% over 5s");
    JSON.writeValue(runJson.toFile(), m);

    new Exporter().export(aborted);

    String html = Files.readString(aborted.resolve("export/report.html"));
    assertThat(html).contains("aborted by").contains("safety condition &#39;client errors&#39; (workload) at 31.5 s")
        .contains("value 0.125, threshold 0.005").contains("mark: safety abort: client errors");
  }
}
