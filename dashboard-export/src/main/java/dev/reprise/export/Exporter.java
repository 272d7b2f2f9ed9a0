package dev.reprise.export;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The public entry point of dashboard-export: turns one run folder into FaultSee's dashboard files,
 * CSV series, PNG/SVG plots, {@code labels.csv} and a self-contained {@code report.html}.
 *
 * <p>Called by {@code master export} and at the end of {@code master run}, on the caller's thread.
 * It reads the run folder only (never Docker, never the network). Stateless and thread-safe.
 */
public final class Exporter {

  /** The default output folder inside a run folder. */
  public static final String DEFAULT_OUT = "export";

  /** Exports {@code runDir} to {@code <runDir>/export}. */
  public ExportResult export(Path runDir) throws IOException {
    return export(runDir, runDir.resolve(DEFAULT_OUT));
  }

  /**
   * Exports {@code runDir} to {@code outDir} (created if missing; files of the same names replaced).
   *
   * @throws InvalidRunFolderException when {@code runDir} is not a readable run folder (missing,
   *     not a directory, or without {@code run.json} and {@code timeline.jsonl}); the message says which
   * @throws IOException when writing to {@code outDir} fails
   */
  public ExportResult export(Path runDir, Path outDir) throws IOException {
    throw new UnsupportedOperationException("export is being built (issue 6)");
  }
}
