package dev.reprise.agent.nativehelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reprise.agent.runtime.LinuxHostOps;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper is found by its marker, extracted once per content, and its unprivileged subcommands end on time. */
class NativeHelperTest {
  static final String MARKER = "reprise-burner/run-1/node-a/7/netem";

  @Test void aHelpersCommandLineGivesItsMarkerWhereverItLies() {
    assertThat(NativeHelper.markerOf("/var/lib/reprise/bin/reprise-fault-helper-0123456789abcdef\0netem\0--queue\0007\0--marker\0"
        + MARKER + "\0--until-epoch-ms\0001700000000000\0")).isEqualTo(MARKER);
    assertThat(NativeHelper.markerOf("reprise-fault-helper-x86_64-linux\0memory\0--marker\0" + MARKER)).as("no trailing NUL").isEqualTo(MARKER);
    assertThat(NativeHelper.markerOf("./reprise-fault-helper\0io\0--mode\0write\0--marker\0" + MARKER + "\0")).isEqualTo(MARKER);
  }

  @Test void otherProcessesAndUnmarkedHelpersHaveNoMarker() {
    assertThat(NativeHelper.markerOf("grep\0--marker\0" + MARKER + "\0")).as("another program").isNull();
    assertThat(NativeHelper.markerOf("/bin/sh\0-c\0reprise-fault-helper netem --marker " + MARKER + "\0")).as("a shell mentioning it").isNull();
    assertThat(NativeHelper.markerOf("/usr/bin/nsenter\0--net\0--\0reprise-fault-helper\0netem\0--marker\0" + MARKER + "\0"))
        .as("nsenter before it execs the helper").isNull();
    assertThat(NativeHelper.markerOf("/opt/reprise-fault-helper-1\0netem\0--queue\0007\0")).as("no marker").isNull();
    assertThat(NativeHelper.markerOf("/opt/reprise-fault-helper-1\0netem\0--marker\0")).as("marker without a value").isNull();
    assertThat(NativeHelper.markerOf("/opt/reprise-fault-helper-1\0netem\0--marker\0\0")).as("empty marker").isNull();
    assertThat(NativeHelper.markerOf("")).isNull();
    assertThat(NativeHelper.markerOf(null)).isNull();
  }

  @Test void linuxHostOpsFindsAHelperByItsMarkerAsItFindsABurner(@TempDir Path proc) throws Exception {
    procEntry(proc, 100, 1, "/var/lib/reprise/bin/reprise-fault-helper-0123456789abcdef\0netem\0--queue\0007\0--marker\0" + MARKER + "\0");
    procEntry(proc, 200, 1, "/var/lib/reprise/bin/reprise-fault-helper-0123456789abcdef\0netem\0--marker\0reprise-burner/run-2/x\0");
    procEntry(proc, 300, 1, "grep\0--marker\0" + MARKER + "\0");
    assertThat(new LinuxHostOps(proc, proc).findMarked("reprise-burner/run-1")).containsExactly(100L);
  }

  @Test void extractingTwiceGivesTheSameExecutableFileAndRepairsAChangedOne(@TempDir Path dir) throws Exception {
    assumeAvailable();
    Path first = NativeHelper.extractTo(dir.resolve("bin"));
    Path second = NativeHelper.extractTo(dir.resolve("bin"));
    assertThat(second).isEqualTo(first);
    assertThat(first.getFileName().toString()).matches("reprise-fault-helper-[0-9a-f]{16}");
    assertThat(Files.getPosixFilePermissions(first)).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
    try (var files = Files.list(dir.resolve("bin"))) {
      assertThat(files).as("no temporary file left").containsExactly(first);
    }
    long modified = Files.getLastModifiedTime(first).toMillis();
    assertThat(NativeHelper.extractTo(dir.resolve("bin"))).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(first).toMillis()).as("an intact file is not rewritten").isEqualTo(modified);

    Files.write(first, new byte[] {1, 2, 3});
    assertThat(NativeHelper.extractTo(dir.resolve("bin"))).isEqualTo(first);
    try (var in = NativeHelper.class.getResourceAsStream(NativeHelper.RESOURCE_PATH)) {
      assertThat(Files.readAllBytes(first)).as("a damaged file is rewritten").isEqualTo(in.readAllBytes());
    }
  }

  @Test void extractReturnsOnePathForAllCallers() throws Exception {
    assumeAvailable();
    var paths = java.util.Collections.synchronizedSet(new java.util.HashSet<Path>());
    var threads = new ArrayList<Thread>();
    for (int i = 0; i < 4; i++) threads.add(new Thread(() -> paths.add(NativeHelper.extract())));
    threads.forEach(Thread::start);
    for (var t : threads) t.join(30_000);
    assertThat(paths).hasSize(1);
    assertThat(Files.isExecutable(paths.iterator().next())).isTrue();
  }

  @Test void theHelperRunsAndRefusesUnknownOptions() throws Exception {
    assumeAvailable();
    var help = run(List.of("--help"));
    assertThat(help.status).isZero();
    assertThat(help.output).contains("netem --queue N");
    var wrong = run(List.of("netem", "--queue", "7", "--no-such-option"));
    assertThat(wrong.status).isEqualTo(2);
    assertThat(wrong.output).contains("unknown option '--no-such-option'");
    var reorderWithoutDelay = run(List.of("netem", "--queue", "7", "--reorder", "10"));
    assertThat(reorderWithoutDelay.status).isEqualTo(2);
    assertThat(reorderWithoutDelay.output).contains("--reorder needs --delay-us");
  }

  @Test void memoryHoldsWhatItWasAskedForUntilItsDeadline() throws Exception {
    assumeAvailable();
    long until = System.currentTimeMillis() + 1500;
    var memory = run(List.of("memory", "--mib", "16", "--rate-mib-per-s", "64", "--until-epoch-ms", Long.toString(until), "--marker", MARKER));
    assertThat(memory.status).isZero();
    assertThat(memory.output).contains("memory: holding 16 MiB");
    assertThat(System.currentTimeMillis()).as("held until its deadline").isGreaterThanOrEqualTo(until);
  }

  @Test void ioWritesAndReadsItsFileAndDeletesItWhenItEnds(@TempDir Path dir) throws Exception {
    assumeAvailable();
    long until = System.currentTimeMillis() + 1500;
    var io = run(List.of("io", "--path", dir.toString(), "--mode", "readwrite", "--size-mib", "4", "--block-kib", "256",
        "--until-epoch-ms", Long.toString(until), "--marker", MARKER));
    assertThat(io.status).as(io.output).isZero();
    assertThat(io.output).containsPattern("io: stopped passes=[1-9]");
    try (var files = Files.list(dir)) {
      assertThat(files).as("its file is gone").isEmpty();
    }
  }

  @Test void theHelperEndsOnSigtermAndDeletesItsFile(@TempDir Path dir) throws Exception {
    assumeAvailable();
    var p = new ProcessBuilder(NativeHelper.extract().toString(), "io", "--path", dir.toString(), "--mode", "write", "--size-mib", "4",
        "--marker", MARKER).redirectErrorStream(true).start();
    try {
      var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).startsWith("io: write on " + dir);
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      try (var files = Files.list(dir)) {
        assertThat(files).isEmpty();
      }
    } finally {
      p.destroyForcibly();
    }
  }

  private static void assumeAvailable() {
    var why = NativeHelper.unavailable();
    assumeTrue(why.isEmpty(), () -> "native helper tests skipped: " + why.orElse(""));
  }

  private record Result(int status, String output) {}

  private static Result run(List<String> args) throws Exception {
    var argv = new ArrayList<String>();
    argv.add(NativeHelper.extract().toString());
    argv.addAll(args);
    var p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      var output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("ended").isTrue();
      return new Result(p.exitValue(), output);
    } finally {
      p.destroyForcibly();
    }
  }

  private static void procEntry(Path proc, long pid, long parent, String cmdline) throws java.io.IOException {
    var dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("cmdline"), cmdline);
    Files.writeString(dir.resolve("stat"), pid + " (reprise-fault-h) S " + parent + " " + pid + " 0 0\n");
  }
}
