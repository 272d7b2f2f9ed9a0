package dev.reprise.master.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A run folder served read-only: a request path → a regular file inside the folder, refusing
 * {@code ..} segments, absolute paths, backslashes, NUL, and anything whose real path (symlinks
 * followed) is outside the folder's real path. Pure apart from reading the file system.
 */
final class FolderFiles {
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("jsonl", "application/x-ndjson"),
      Map.entry("ndjson", "application/x-ndjson"),
      Map.entry("csv", "text/csv; charset=utf-8"),
      Map.entry("tsv", "text/tab-separated-values; charset=utf-8"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("log", "text/plain; charset=utf-8"),
      Map.entry("md", "text/markdown; charset=utf-8"),
      Map.entry("yaml", "application/yaml"),
      Map.entry("yml", "application/yaml"),
      Map.entry("sh", "text/plain; charset=utf-8"),
      Map.entry("png", "image/png"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("gz", "application/gzip"),
      Map.entry("zip", "application/zip"));

  private FolderFiles() {}

  /** Why a path was refused, or the file it names. */
  sealed interface Lookup permits Found, Refused, Missing {}
  record Found(Path file) implements Lookup {}
  record Refused(String reason) implements Lookup {}
  record Missing() implements Lookup {}

  /** {@code relative} (as the URL gave it, already percent-decoded) inside {@code folder}. */
  static Lookup resolve(Path folder, String relative) {
    if (relative == null || relative.isEmpty()) return new Refused("no file named");
    if (relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) return new Refused("bad character in path");
    if (relative.startsWith("/")) return new Refused("absolute path");
    for (String segment : relative.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) return new Refused("'" + segment + "' in path");
    }
    try {
      Path root = folder.toRealPath();
      Path candidate = root.resolve(relative).normalize();
      if (!candidate.startsWith(root)) return new Refused("outside the run folder");
      if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) return new Missing();
      Path real = candidate.toRealPath();
      if (!real.startsWith(root)) return new Refused("outside the run folder");
      if (!Files.isRegularFile(real)) return new Missing();
      return new Found(real);
    } catch (IOException e) {
      return new Missing();
    }
  }

  /** The content type a file is served with, by its extension; {@code application/octet-stream} when unknown. */
  static String contentType(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot < 0) return name.equals("LICENSE") || name.equals("README") ? "text/plain; charset=utf-8" : "application/octet-stream";
    return Optional.ofNullable(TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT))).orElse("application/octet-stream");
  }
}
