package dev.reprise.master.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code master run} JVM for the kill ITs, started as a user starts it: {@code java -jar} on
 * a copy of the shaded master jar (as {@code bin/master} runs a copy: a rebuild during the test must
 * not rewrite the running jar), its stdout and stderr drained into buffers for the assertions'
 * descriptions. Run folders go to {@code <tmp>/runs}; their names (the run IDs, the stacks' names)
 * start with the run's {@code --name}.
 */
public final class MasterJvm implements AutoCloseable {
  /**
   * The kill ITs' scenario: 3 containers of {@code hello}, all burning one core for 60 s from
   * second 1 of a 90 s run (seed 5), so a kill lands while every burner burns.
   */
  public static final String CPU_ON_THREE = """
      environment:
        seed: 5
      events:
        - beginning:
            hello: 3
        - moment:
            time: 1
            services:
              hello:
                - fault: {target: {specific: [0, 1, 2]}, cpu: {duration: 60, cores: 1}}
        - end: 90
      """;

  private final Process process;
  private final Path runs;
  private final String name;
  private final StringBuffer out = new StringBuffer();
  private final StringBuffer err = new StringBuffer();

  private MasterJvm(Process process, Path runs, String name) {
    this.process = process;
    this.runs = runs;
    this.name = name;
    LocalProcesses.drain(process.getInputStream(), out, "master-stdout");
    LocalProcesses.drain(process.getErrorStream(), err, "master-stderr");
  }

  /**
   * Starts {@code master run SCENARIO [extraArgs] --out <tmp>/runs --name NAME --no-export} from a
   * copy of {@code master-controller/target/master-all.jar} in {@code tmp}.
   */
  public static MasterJvm start(Path tmp, String name, Path scenario, String... extraArgs) throws IOException {
    Path jar = Files.copy(Testbed.REPO.resolve("master-controller/target/master-all.jar"), tmp.resolve("master.jar"));
    Path runs = tmp.resolve("runs");
    var cmd = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString(), "run", scenario.toString()));
    cmd.addAll(List.of(extraArgs));
    cmd.addAll(List.of("--out", runs.toString(), "--name", name, "--no-export"));
    return new MasterJvm(new ProcessBuilder(cmd).start(), runs, name);
  }

  /**
   * Starts {@code java -jar <copy of master-all.jar> ARGS} (any command, e.g. {@code campaign FILE --out DIR})
   * from a copy of the jar in {@code tmp} (replacing an earlier copy: a second master of the same test);
   * {@link #runs()} is {@code runs}, run folders are those starting with {@code name + "-"}.
   */
  public static MasterJvm startCommand(Path tmp, String name, Path runs, String... args) throws IOException {
    Path jar = Files.copy(Testbed.REPO.resolve("master-controller/target/master-all.jar"), tmp.resolve("master.jar"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    var cmd = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    return new MasterJvm(new ProcessBuilder(cmd).start(), runs, name);
  }

  /** This JVM's java binary, so the master runs on the same Java as the test. */
  public static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * Writes {@code compose} as {@code docker-compose.yml} and {@code scenario} as
   * {@code scenario.yaml} into {@code dir} (created) and returns the scenario's path.
   */
  public static Path writeScenario(Path dir, String compose, String scenario) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("docker-compose.yml"), compose);
    return Files.writeString(dir.resolve("scenario.yaml"), scenario);
  }

  /** The master's process (to kill it, or ask for its exit code). */
  public Process process() {
    return process;
  }

  /** Where the run folders go. */
  public Path runs() {
    return runs;
  }

  /** The run folders the master created so far, sorted. */
  public List<String> runIds() throws IOException {
    return runFolders(runs, name);
  }

  /** The names of the folders in {@code runs} that start with {@code name + "-"} (none when there is no folder), sorted. */
  public static List<String> runFolders(Path runs, String name) throws IOException {
    if (!Files.isDirectory(runs)) return List.of();
    try (var s = Files.list(runs)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(name + "-")).sorted().toList();
    }
  }

  /**
   * Waits (up to 2 min) for the master's first run folder and returns its name (the run ID); fails
   * with what the master said when it ends first or makes none.
   */
  public String awaitRunId() throws IOException, InterruptedException {
    for (long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2); System.nanoTime() < until; Thread.sleep(200)) {
      var ids = runIds();
      if (!ids.isEmpty()) return ids.get(0);
      if (!process.isAlive()) throw new AssertionError("the master ended without a run folder; it said:\n" + said());
    }
    throw new AssertionError("no run folder after 2 min; the master said:\n" + said());
  }

  /** What the master printed so far, for an assertion's description. */
  public String said() {
    return "stdout:\n" + out + "stderr:\n" + err;
  }

  /** SIGKILLs the master if it still runs and waits up to 10 s for it to die. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** How a test removes one stack (the local engine's or a testbed's). */
  @FunctionalInterface
  public interface StackRemoval {
    void remove(String stack) throws Exception;
  }

  /**
   * The kill ITs' clean-up, whatever the test left: the master killed ({@link #close}), then for each
   * of its runs the stack removed and the run's burners on this machine killed. A clean-up failure
   * is printed with {@code who}, not thrown, so every run is cleaned up.
   */
  public static void cleanUp(MasterJvm master, Path runs, String name, StackRemoval removal, String who) throws Exception {
    if (master != null) master.close();
    for (String runId : runFolders(runs, name)) {
      try {
        removal.remove(runId);
      } catch (Exception | AssertionError e) {
        System.err.println(who + " cleanup: " + e.getMessage());
      }
      LocalProcesses.killBurnersOf(runId, who);
    }
  }
}
