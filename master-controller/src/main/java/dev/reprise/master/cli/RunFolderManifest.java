package dev.reprise.master.cli;

import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A run folder's {@code run.json} as {@code master rerun} and {@code master diff} read it: any folder
 * that is not a run folder, or whose {@code run.json} cannot be read, is a {@link NotARunFolder} with
 * a one-line reason.
 */
final class RunFolderManifest {
  private RunFolderManifest() {}

  /** Why {@code dir} cannot be read as a run folder, in one line. */
  static final class NotARunFolder extends Exception {
    NotARunFolder(String message) {
      super(message);
    }
  }

  static RunManifest read(Path dir) throws NotARunFolder {
    if (!Files.isDirectory(dir)) throw new NotARunFolder(dir + " is not a run folder (no such folder)");
    Path file = dir.resolve("run.json");
    if (!Files.isRegularFile(file)) throw new NotARunFolder(dir + " is not a run folder (no run.json in it)");
    RunManifest m;
    try {
      m = RecordJson.mapper().readValue(Files.readString(file), RunManifest.class);
    } catch (IOException e) {
      String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new NotARunFolder("cannot read " + file + ": " + firstLine(why));
    }
    if (m.scenario() == null || m.compose() == null || m.plan() == null || m.runId() == null) {
      throw new NotARunFolder(file + " lacks the scenario, compose file, plan or run ID; is it a run folder's run.json?");
    }
    return m;
  }

  /** The sha256 of a recorded plan, over its {@code PlanJson} form ({@link PlanJson#hash}). */
  static String planHash(JsonNode plan) {
    return PlanJson.hash(plan);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The first action (by position in {@code actions}) where two plans differ, as one line, or null
   * when their actions agree (the plans may still differ elsewhere: seed, end, beginning).
   */
  static String firstDifferingAction(JsonNode a, JsonNode b) {
    JsonNode aa = a.path("actions");
    JsonNode bb = b.path("actions");
    int n = Math.max(aa.size(), bb.size());
    for (int i = 0; i < n; i++) {
      JsonNode x = aa.get(i);
      JsonNode y = bb.get(i);
      if (x == null || y == null || !x.equals(y)) {
        return "action #" + i + ": " + (x == null ? "(none)" : x.toString()) + " vs " + (y == null ? "(none)" : y.toString());
      }
    }
    return null;
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
