package dev.reprise.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The public entry point of dashboard-export: turns one run folder into FaultSee's dashboard files,
 * CSV series, PNG/SVG plots, {@code labels.csv} and a self-contained {@code report.html}.
 *
 * <p>Called by {@code master export} and at the end of {@code master run}, on the caller's thread.
 * It reads the run folder only (never Docker, never the network). Container logs are streamed once
 * (constant memory in their size apart from the report's capped log viewer); the other record files
 * are small and read whole. Stateless and thread-safe.
 *
 * <p>Output layout (relative to the output folder): {@code report.html}, {@code labels.csv},
 * {@code dashboard/*.json}, {@code csv/*.csv}, {@code plots/<chart>.png} and {@code .svg}; the
 * module README describes every file.
 */
public final class Exporter {

  /** The default output folder inside a run folder. */
  public static final String DEFAULT_OUT = "export";
  public static final String REPORT = "report.html";

  /** Exports {@code runDir} to {@code <runDir>/export}. */
  public ExportResult export(Path runDir) throws IOException {
    return export(runDir, runDir.resolve(DEFAULT_OUT));
  }

  /**
   * Exports {@code runDir} to {@code outDir} (created if missing; files of the same names replaced).
   *
   * @throws InvalidRunFolderException when {@code runDir} is not a readable run folder (missing,
   *     not a directory, or without {@code run.json} and {@code timeline.jsonl}); the message says which
   * @throws IOException when reading the run or writing to {@code outDir} fails
   */
  public ExportResult export(Path runDir, Path outDir) throws IOException {
    RunFolder run = RunFolder.read(runDir);
    Files.createDirectories(outDir);
    Path dashboard = Files.createDirectories(outDir.resolve(DashboardFiles.DIR));
    Path csv = Files.createDirectories(outDir.resolve(CsvFiles.DIR));
    Path plots = Files.createDirectories(outDir.resolve("plots"));
    List<Path> files = new ArrayList<>();

    TimelineAnalysis timeline = TimelineAnalysis.of(run);
    AliveSeries alive = AliveSeries.of(run);
    Resources resources = new Resources(run);

    // one pass over the logs: FaultSee's log file, the workload series and the report's log viewer
    WorkloadSeries.Builder workloadBuilder = WorkloadSeries.Builder.forRun(run);
    HtmlReport.LogSample logSample = new HtmlReport.LogSample();
    Path logsJson = dashboard.resolve(DashboardFiles.LOGS);
    try (DashboardFiles.LogWriter writer = new DashboardFiles.LogWriter(logsJson, run)) {
      run.forEachLog(r -> {
        try {
          writer.write(r);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        workloadBuilder.accept(r);
        logSample.offer(run, r);
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    WorkloadSeries workload = workloadBuilder.build();

    DashboardFiles.writeIds(add(files, outDir, dashboard.resolve(DashboardFiles.IDS)), run);
    DashboardFiles.writeEvents(add(files, outDir, dashboard.resolve(DashboardFiles.EVENTS)), run);
    add(files, outDir, logsJson);
    DashboardFiles.writeStats(add(files, outDir, dashboard.resolve(DashboardFiles.STATS)), run);
    DashboardFiles.writeHosts(add(files, outDir, dashboard.resolve(DashboardFiles.HOSTS)), run);
    DashboardFiles.writeMarks(add(files, outDir, dashboard.resolve(DashboardFiles.MARKS)), timeline);
    DashboardFiles.writeFaults(add(files, outDir, dashboard.resolve(DashboardFiles.FAULTS)), timeline);

    CsvFiles.labels(add(files, outDir, outDir.resolve(CsvFiles.LABELS)), timeline);
    CsvFiles.alive(add(files, outDir, csv.resolve("alive.csv")), run, alive);
    CsvFiles.actions(add(files, outDir, csv.resolve("actions.csv")), timeline);
    if (workload.present()) {
      CsvFiles.workload(add(files, outDir, csv.resolve("workload.csv")), run, workload);
      CsvFiles.workloadClients(add(files, outDir, csv.resolve("workload-clients.csv")), run, workload);
    }
    for (Resources.ContainerSeries c : resources.containers.values()) {
      CsvFiles.container(add(files, outDir, csv.resolve("container-" + CsvFiles.safe(c.key()) + ".csv")), c);
    }
    for (Resources.HostSeries h : resources.hosts.values()) {
      CsvFiles.host(add(files, outDir, csv.resolve("host-" + CsvFiles.safe(h.host()) + ".csv")), h);
    }

    List<Chart> charts = ExportCharts.all(run, timeline, alive, workload, resources);
    ChartRenderer renderer = new ChartRenderer();
    for (Chart chart : charts) {
      Files.write(add(files, outDir, plots.resolve(chart.id() + ".png")), renderer.png(chart));
      Files.write(add(files, outDir, plots.resolve(chart.id() + ".svg")), renderer.svg(chart));
    }

    List<String> warnings = new ArrayList<>(run.warnings());
    if (!workload.present()) {
      warnings.add("no workload lines (traffic generator JSON or YCSB -s status) in the container logs; "
          + "throughput and latency plots are empty");
    }
    if ("plan".equals(alive.source())) {
      warnings.add("no container events recorded; alive containers are the plan's expected counts");
    } else if ("none".equals(alive.source())) {
      warnings.add(RunFolder.CONTAINER_EVENTS + " is missing or empty and run.json has no plan; the alive plot is empty");
    }
    if (run.stats().isEmpty()) {
      warnings.add(RunFolder.STATS + " is missing or empty; the per-container CPU, memory and network plots are empty");
    }
    if (run.hostStats().isEmpty()) {
      warnings.add(RunFolder.HOST_STATS + " is missing or empty; the per-host plots are empty");
    }
    Path report = outDir.resolve(REPORT);
    Files.writeString(add(files, outDir, report), HtmlReport.render(run, timeline, charts, logSample, warnings),
        StandardCharsets.UTF_8);
    return new ExportResult(outDir, report, files, warnings);
  }

  private static Path add(List<Path> files, Path outDir, Path file) {
    files.add(outDir.relativize(file));
    return file;
  }
}
