package dev.reprise.traffic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the final JSON log: to {@code --log FILE} when given (a temporary file renamed into place,
 * so a reader never sees half a log and a checkpoint is replaced atomically), otherwise to stderr
 * on one line (checkpoints are skipped there). Never to stdout, which carries only the per-second
 * lines.
 */
public final class FinalLogWriter implements TrafficGenerator.FinalLogSink {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<Path> file;
  private final PrintStream err;

  public FinalLogWriter(Optional<Path> file, PrintStream err) {
    this.file = file;
    this.err = err;
  }

  @Override
  public synchronized void write(Map<String, Object> finalLog, boolean complete) {
    try {
      if (file.isEmpty()) {
        if (complete) {
          err.println(JSON.writeValueAsString(finalLog));
          err.flush();
        }
        return;
      }
      Path target = file.get().toAbsolutePath();
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
      Files.write(tmp, JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(finalLog));
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the final log to " + file.map(Path::toString).orElse("stderr")
          + ": " + e.getMessage(), e);
    }
  }
}
