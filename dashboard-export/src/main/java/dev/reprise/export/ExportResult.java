package dev.reprise.export;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Exporter#export} wrote.
 *
 * @param outDir the folder every file was written to
 * @param report {@code report.html} inside {@code outDir}
 * @param files every file written, relative to {@code outDir}, in the order written
 * @param warnings problems that did not stop the export (malformed lines skipped, missing files),
 *     one readable sentence each
 */
public record ExportResult(Path outDir, Path report, List<Path> files, List<String> warnings) {
  public ExportResult {
    files = List.copyOf(files);
    warnings = List.copyOf(warnings);
  }
}
