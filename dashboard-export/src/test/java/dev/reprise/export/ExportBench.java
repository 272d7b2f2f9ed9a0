package dev.reprise.export;

import java.nio.file.Path;

/** Benchmark main for bench/export-bench.sh (not a test): times one export and one comparison. */
public final class ExportBench {
  private ExportBench() {}

  public static void main(String[] args) throws Exception {
    Path run = Path.of(args[0]);
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long t0 = System.nanoTime();
    long c0 = threads.getCurrentThreadCpuTime();
    ExportResult r = new Exporter().export(run);
    long t1 = System.nanoTime();
    long c1 = threads.getCurrentThreadCpuTime();
    new RunComparison().compare(run, run, Thresholds.DEFAULTS, run.resolve("comparison"));
    long t2 = System.nanoTime();
    long c2 = threads.getCurrentThreadCpuTime();
    // CPU time of the calling thread is reported too: wall time depends on what else the machine runs
    System.out.printf("export: %.2f s wall, %.2f s CPU (%d files, report %d KiB); compare: %.2f s wall, %.2f s CPU;"
        + " heap used %d MiB%n", (t1 - t0) / 1e9, (c1 - c0) / 1e9, r.files().size(),
        java.nio.file.Files.size(r.report()) / 1024, (t2 - t1) / 1e9, (c2 - c1) / 1e9,
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
  }
}
