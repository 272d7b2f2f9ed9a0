package dev.reprise.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.ContainerRecord;
import dev.reprise.fdsl.record.HostStatsRecord;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.StatsRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * FaultSee's dashboard files (the JSON arrays its Dashboard loads from {@code src/variables}), with
 * {@code time} in seconds since T0 as FaultSee had it. Field names follow FaultSee; fields FaultSee
 * did not have are added, never renamed. See the module README for every field.
 */
final class DashboardFiles {
  static final String DIR = "dashboard";
  static final String IDS = "containers_ids.json";
  static final String EVENTS = "containers_events.json";
  static final String LOGS = "containers_logs.json";
  static final String STATS = "containers_stats.json";
  static final String HOSTS = "host_stats.json";
  static final String MARKS = "marks.json";
  static final String FAULTS = "faults.json";

  private DashboardFiles() {}

  private static JsonGenerator open(Path file) throws IOException {
    JsonGenerator g = RecordJson.mapper().getFactory().createGenerator(file.toFile(), JsonEncoding.UTF8);
    g.writeStartArray();
    return g;
  }

  private static void close(JsonGenerator g) throws IOException {
    g.writeEndArray();
    g.writeRaw('\n');
    g.close();
  }

  private static void time(JsonGenerator g, double seconds) throws IOException {
    g.writeNumberField("time", Math.round(seconds * 1e6) / 1e6);
  }

  static void writeIds(Path file, RunFolder run) throws IOException {
    JsonGenerator g = open(file);
    for (ContainerRecord c : run.containers()) {
      g.writeStartObject();
      g.writeStringField("container_id", c.container());
      g.writeStringField("service", c.service());
      g.writeStringField("slot", c.slot() == null ? null : c.slot().toString());
      if (c.id() != null) {
        g.writeNumberField("id", c.id());
      }
      g.writeStringField("host", c.host());
      g.writeStringField("node", c.node());
      g.writeStringField("image", c.image());
      if (c.created() != null) {
        g.writeStringField("created", RecordJson.format(c.created()));
      }
      g.writeEndObject();
    }
    close(g);
  }

  static void writeEvents(Path file, RunFolder run) throws IOException {
    Map<String, Integer> slotOf = new HashMap<>();
    run.containers().forEach(c -> {
      if (c.container() != null && c.slot() != null) {
        slotOf.put(c.container(), c.slot());
      }
    });
    JsonGenerator g = open(file);
    for (ContainerEventRecord e : run.events()) {
      g.writeStartObject();
      time(g, run.seconds(e.time()));
      g.writeStringField("container_id", e.container());
      g.writeStringField("service", e.service());
      Integer slot = e.container() == null ? null : slotOf.get(e.container());
      g.writeStringField("slot", slot == null ? null : slot.toString());
      if (e.id() != null) {
        g.writeNumberField("id", e.id());
      }
      g.writeStringField("action", e.event());
      g.writeStringField("host", e.host());
      if (e.exitCode() != null) {
        g.writeNumberField("exit_code", e.exitCode());
      }
      if (e.signal() != null) {
        g.writeStringField("signal", e.signal());
      }
      g.writeEndObject();
    }
    close(g);
  }

  static void writeStats(Path file, RunFolder run) throws IOException {
    JsonGenerator g = open(file);
    for (StatsRecord s : run.stats()) {
      g.writeStartObject();
      time(g, run.seconds(s.time()));
      g.writeStringField("container_id", s.container());
      g.writeStringField("service", s.service());
      if (s.id() != null) {
        g.writeNumberField("id", s.id());
      }
      g.writeStringField("host", s.host());
      g.writeNumberField("cpu", s.cpuPercent());
      g.writeNumberField("mem", s.memBytes());
      g.writeNumberField("mem_limit", s.memLimitBytes());
      g.writeNumberField("rx_bytes", s.netRxBytes());
      g.writeNumberField("tx_bytes", s.netTxBytes());
      g.writeNumberField("blk_read_bytes", s.blkReadBytes());
      g.writeNumberField("blk_write_bytes", s.blkWriteBytes());
      g.writeEndObject();
    }
    close(g);
  }

  static void writeHosts(Path file, RunFolder run) throws IOException {
    JsonGenerator g = open(file);
    for (HostStatsRecord h : run.hostStats()) {
      g.writeStartObject();
      time(g, run.seconds(h.time()));
      g.writeStringField("hostname", h.host());
      g.writeNumberField("cpu", h.cpuPercent());
      double memPct = h.memTotalBytes() > 0
          ? 100.0 * (h.memTotalBytes() - h.memAvailableBytes()) / h.memTotalBytes() : 0;
      g.writeNumberField("mem", Math.round(memPct * 1000) / 1000.0);
      g.writeNumberField("netIn", h.netRxBytes());
      g.writeNumberField("netOut", h.netTxBytes());
      g.writeNumberField("diskRead", h.diskReadBytes());
      g.writeNumberField("diskWrite", h.diskWriteBytes());
      g.writeNumberField("cores", h.cores());
      g.writeNumberField("mem_total", h.memTotalBytes());
      g.writeNumberField("mem_available", h.memAvailableBytes());
      g.writeNumberField("load1", h.load1());
      g.writeEndObject();
    }
    close(g);
  }

  static void writeMarks(Path file, TimelineAnalysis timeline) throws IOException {
    JsonGenerator g = open(file);
    for (MarkPoint m : timeline.marks()) {
      g.writeStartObject();
      time(g, m.seconds());
      g.writeStringField("hostname", m.host());
      g.writeStringField("msg", m.text());
      g.writeEndObject();
    }
    close(g);
  }

  static void writeFaults(Path file, TimelineAnalysis timeline) throws IOException {
    JsonGenerator g = open(file);
    for (FaultWindow f : timeline.faults()) {
      g.writeStartObject();
      g.writeNumberField("seq", f.seq());
      g.writeStringField("type", f.type());
      g.writeStringField("label", f.label());
      g.writeStringField("service", f.service());
      g.writeObjectField("ids", f.ids());
      g.writeObjectField("containers", f.containers());
      g.writeObjectField("hosts", f.hosts());
      g.writeNumberField("start", Math.round(f.startSeconds() * 1e6) / 1e6);
      g.writeNumberField("end", Math.round(f.endSeconds() * 1e6) / 1e6);
      g.writeStringField("start_time", RecordJson.format(f.start()));
      g.writeStringField("end_time", RecordJson.format(f.end()));
      g.writeStringField("end_source", f.endSource());
      g.writeStringField("outcome", f.outcome());
      g.writeEndObject();
    }
    close(g);
  }

  /** Streams {@code containers_logs.json}: open, one {@link #write} per line, {@link #close}. */
  static final class LogWriter implements Closeable {
    private final JsonGenerator g;
    private final RunFolder run;

    LogWriter(Path file, RunFolder run) throws IOException {
      this.g = open(file);
      this.run = run;
    }

    void write(LogRecord r) throws IOException {
      g.writeStartObject();
      time(g, run.seconds(r.time()));
      g.writeStringField("container_id", r.container());
      g.writeStringField("service", r.service());
      if (r.id() != null) {
        g.writeNumberField("id", r.id());
      }
      g.writeStringField("stream", r.stream());
      g.writeStringField("msg", r.line());
      g.writeEndObject();
    }

    @Override
    public void close() throws IOException {
      DashboardFiles.close(g);
    }
  }
}
