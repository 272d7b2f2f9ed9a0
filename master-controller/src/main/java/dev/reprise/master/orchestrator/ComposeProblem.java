package dev.reprise.master.orchestrator;

import java.nio.file.Path;

/**
 * A problem (error or warning) at a 1-based line and column of a compose file; {@link #toString()}
 * is {@code FILE:LINE:COL: message}, the form of the FDSL diagnostics.
 */
public record ComposeProblem(Path file, int line, int column, String message) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}
