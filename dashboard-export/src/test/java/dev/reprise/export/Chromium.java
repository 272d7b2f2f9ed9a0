package dev.reprise.export;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium (Debian's {@code chromium}, installed by scripts/setup-chromium.sh) for report ITs. */
final class Chromium {
  private Chromium() {}

  static String binary() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    throw new IllegalStateException("no chromium on PATH; run scripts/setup-chromium.sh (installs Debian's chromium)");
  }

  /** The DOM of {@code page} after its scripts ran (virtual time budget of 10 s), as Chromium serialises it. */
  static String dumpDom(Path page, Path workDir) throws IOException, InterruptedException {
    return load(page, workDir, List.of()).dom();
  }

  /** What Chromium made of a page: its DOM and the messages its console got (errors, warnings, logs). */
  record Page(String dom, List<String> console) {}

  /** {@link #dumpDom}, also collecting the page's console messages (Chromium's {@code INFO:CONSOLE} log lines). */
  static Page loadWithConsole(Path page, Path workDir) throws IOException, InterruptedException {
    Page p = load(page, workDir, List.of("--enable-logging=stderr", "--v=0"));
    List<String> console = Files.readAllLines(workDir.resolve("chromium.err")).stream()
        .filter(l -> l.contains(":CONSOLE")).toList();
    return new Page(p.dom(), console);
  }

  private static Page load(Path page, Path workDir, List<String> extra) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(workDir, "chromium-profile");
    Path stdout = workDir.resolve("dom.html");
    Path stderr = workDir.resolve("chromium.err");
    List<String> cmd = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,2000",
        "--virtual-time-budget=10000"));
    cmd.addAll(extra);
    cmd.addAll(List.of("--dump-dom", page.toUri().toString()));
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("chromium did not finish within 120 s; stderr:\n" + tail(stderr));
    }
    String dom = Files.readString(stdout, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || dom.isBlank()) {
      throw new IllegalStateException("chromium exited " + p.exitValue() + " with no DOM; stderr:\n" + tail(stderr));
    }
    return new Page(dom, List.of());
  }

  private static String tail(Path f) throws IOException {
    List<String> lines = Files.exists(f) ? Files.readAllLines(f) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
