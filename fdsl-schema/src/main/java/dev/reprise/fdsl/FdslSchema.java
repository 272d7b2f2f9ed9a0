package dev.reprise.fdsl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON Schema (draft-07) of the scenario format, for editors (the VS Code YAML extension reads
 * it through a {@code # yaml-language-server: $schema=…} line). The parser stays authoritative: the
 * schema cannot express the alive-set rules or the compose cross-checks. Its fault section is the
 * fragments of the {@code FaultTypes} registry, exactly ({@code FaultTypesTest} proves it); the file
 * stays a file because editors read it from the source tree.
 */
public final class FdslSchema {
  /** Classpath location of the schema; the file lives in fdsl-schema/src/main/resources. */
  public static final String RESOURCE = "/dev/reprise/fdsl/fdsl.schema.json";

  private FdslSchema() {}

  /** The schema's text. */
  public static String text() {
    try (InputStream in = FdslSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
