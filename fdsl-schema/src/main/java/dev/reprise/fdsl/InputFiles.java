package dev.reprise.fdsl;

import dev.reprise.fdsl.source.InputLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Reads an input file (scenario, compose file) as UTF-8 text, refusing before reading anything that
 * is not a regular file ({@code /dev/zero}, a FIFO, a directory) or is larger than the limit
 * ({@link InputLimits#MAX_FILE_BYTES}); never reads more than the limit (a file that grows meanwhile
 * is refused too). Problems are diagnostics at 1:1 of the file. Stateless.
 */
public final class InputFiles {
  private InputFiles() {}

  /**
   * The text of {@code file}, or null with a diagnostic added to {@code diagnostics}.
   *
   * @param what how to name the file in messages: {@code scenario}, {@code compose file}
   */
  public static String read(Path file, String what, List<Diagnostic> diagnostics) {
    return read(file, what, InputLimits.MAX_FILE_BYTES, diagnostics);
  }

  static String read(Path file, String what, long limit, List<Diagnostic> diagnostics) {
    try {
      var attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (attributes.isDirectory()) {
        diagnostics.add(new Diagnostic(file, 1, 1, "the " + what + " is a directory, not a file"));
        return null;
      }
      if (!attributes.isRegularFile()) {
        diagnostics.add(new Diagnostic(file, 1, 1, "the " + what + " is not a regular file (a device, FIFO or socket); name a file"));
        return null;
      }
      if (attributes.size() > limit) {
        diagnostics.add(tooLarge(file, what, attributes.size(), limit));
        return null;
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      }
      if (bytes.length > limit) {
        diagnostics.add(tooLarge(file, what, bytes.length, limit));
        return null;
      }
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (NoSuchFileException e) {
      diagnostics.add(new Diagnostic(file, 1, 1, "no such " + what));
    } catch (CharacterCodingException e) {
      diagnostics.add(new Diagnostic(file, 1, 1, "the " + what + " is not UTF-8 text"));
    } catch (IOException e) {
      diagnostics.add(new Diagnostic(file, 1, 1, "cannot read the " + what + ": " + e.getMessage()));
    }
    return null;
  }

  /**
   * Checks text that did not come from a file read here (a substituted scenario) against the same
   * size limit, adding a diagnostic at 1:1 of {@code file} when it is too large.
   */
  public static void checkText(Path file, String text, String what, List<Diagnostic> diagnostics) {
    long size = text.getBytes(StandardCharsets.UTF_8).length;
    if (size > InputLimits.MAX_FILE_BYTES) diagnostics.add(tooLarge(file, what, size, InputLimits.MAX_FILE_BYTES));
  }

  private static Diagnostic tooLarge(Path file, String what, long size, long limit) {
    return new Diagnostic(file, 1, 1, "the " + what + " is " + InputLimits.mib(size) + "; the limit is " + InputLimits.mib(limit)
        + (size < 1024 * 1024 ? " (" + size + " bytes; the limit is " + limit + " bytes)" : ""));
  }
}
