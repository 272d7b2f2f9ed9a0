package dev.reprise.agent.testing;

import dev.reprise.agent.runtime.HostOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hand-written {@link HostOps} for tests: burners are entries in a table, calls are recorded as
 * strings ({@code burn 1000 reprise-burner-run-3-web.1 -> 5000}, {@code kill 5000}). Killing the host
 * PID of a {@link FakeContainerRuntime} exec ends that exec.
 */
public final class FakeHostOps implements HostOps {
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final Map<Long, String> processes = new LinkedHashMap<>();
  private final FakeContainerRuntime runtime;
  private long nextPid = 5000;

  private final java.util.Map<Long, java.time.Duration> lifetimes = new java.util.HashMap<>();

  private final Map<dev.reprise.fdsl.fault.HostFeature, String> missing = new java.util.EnumMap<>(dev.reprise.fdsl.fault.HostFeature.class);

  /** {@link #probe} answers that this host lacks {@code feature}, because {@code why}; every other feature is there. */
  public synchronized FakeHostOps lacking(dev.reprise.fdsl.fault.HostFeature feature, String why) {
    missing.put(feature, why);
    return this;
  }

  public FakeHostOps(FakeContainerRuntime runtime) {
    this.runtime = runtime;
  }

  /** The lifetime each burner was started with, by PID. */
  public synchronized java.util.Map<Long, java.time.Duration> lifetimes() {
    return java.util.Map.copyOf(lifetimes);
  }

  public List<String> calls() {
    return List.copyOf(calls);
  }

  /** Live burner PIDs. */
  public synchronized List<Long> liveBurners() {
    return new ArrayList<>(processes.keySet());
  }

  @Override
  public synchronized long startBurner(long containerPid, String marker, java.time.Duration lifetime) {
    long pid = nextPid++;
    processes.put(pid, marker);
    lifetimes.put(pid, lifetime);
    calls.add("burn " + containerPid + " " + marker + " -> " + pid);
    return pid;
  }

  private final List<java.util.function.Consumer<String>> callListeners = new CopyOnWriteArrayList<>();
  private java.nio.file.Path containerRoots = java.nio.file.Path.of("/nonexistent-fake-container-roots");
  private String failHelpers;
  private final Map<Long, List<String>> helperArgs = new LinkedHashMap<>();

  /** {@code listener} hears of every recorded call as it happens, before the fake acts on it. */
  public FakeHostOps onCall(java.util.function.Consumer<String> listener) {
    callListeners.add(listener);
    return this;
  }

  private void record(String call) {
    calls.add(call);
    callListeners.forEach(l -> l.accept(call));
  }

  /** {@link #containerPath} answers {@code roots/<pid>/<path>} (create the folders a test needs). */
  public synchronized FakeHostOps containerRoots(java.nio.file.Path roots) {
    this.containerRoots = roots;
    return this;
  }

  /** The next {@link #startHelper} whose first argument is {@code subcommand} fails with {@code RuntimeFailure}. */
  public synchronized FakeHostOps failNextHelper(String subcommand) {
    failHelpers = subcommand;
    return this;
  }

  /** The arguments each live or killed helper was started with, by PID. */
  public synchronized Map<Long, List<String>> helperArgs() {
    return Map.copyOf(helperArgs);
  }

  /**
   * Records {@code helper <containerPid> <marker> <args…> -> <pid>}; the helper is a live marked
   * process until killed, like a burner.
   */
  @Override
  public long startHelper(List<String> args, long containerPid, String marker, java.time.Duration lifetime) {
    long pid;
    synchronized (this) {
      pid = nextPid++;
    }
    record("helper " + containerPid + " " + marker + " " + String.join(" ", args) + " -> " + pid);
    synchronized (this) {
      if (args.get(0).equals(failHelpers)) {
        failHelpers = null;
        throw new dev.reprise.agent.runtime.RuntimeFailure("helper " + String.join(" ", args) + " refused (fake)");
      }
      processes.put(pid, marker);
      lifetimes.put(pid, lifetime);
      helperArgs.put(pid, List.copyOf(args));
    }
    return pid;
  }

  @Override
  public synchronized java.nio.file.Path containerPath(long containerPid, String pathInside) {
    var rel = pathInside.replaceFirst("^/+", "");
    var root = containerRoots.resolve(Long.toString(containerPid));
    return rel.isEmpty() ? root : root.resolve(rel);
  }

  @Override
  public synchronized List<Long> findMarked(String prefix) {
    var found = new ArrayList<Long>();
    processes.forEach((pid, m) -> {
      if (HostOps.markedBy(m, prefix)) found.add(pid);
    });
    return found;
  }

  @Override
  public boolean kill(long pid) {
    record("kill " + pid);
    synchronized (this) {
      if (processes.remove(pid) != null) return true;
    }
    return runtime.killExecByPid(pid);
  }

  @Override
  public synchronized boolean alive(long pid) {
    return processes.containsKey(pid);
  }

  @Override
  public synchronized List<FeatureCheck> probe(java.util.Set<dev.reprise.fdsl.fault.HostFeature> features) {
    calls.add("probe " + features.stream().map(dev.reprise.fdsl.fault.HostFeature::word).sorted().toList());
    return features.stream().map(f -> new FeatureCheck(f, missing.get(f), missing.containsKey(f) ? null : "fake")).toList();
  }

  private final List<java.util.function.Function<List<String>, CommandResult>> commandAnswers = new CopyOnWriteArrayList<>();
  private final List<List<String>> commands = new CopyOnWriteArrayList<>();

  /**
   * Adds an answer to host commands: the first answer that returns non-null for a command's argv
   * decides its result; a command no answer takes exits 0 with no output.
   */
  public FakeHostOps answering(java.util.function.Function<List<String>, CommandResult> answer) {
    commandAnswers.add(answer);
    return this;
  }

  /** Every host command run, in order. */
  public List<List<String>> commands() {
    return List.copyOf(commands);
  }

  @Override
  public CommandResult run(List<String> argv, String stdin, java.time.Duration timeout) {
    commands.add(List.copyOf(argv));
    calls.add("run " + String.join(" ", argv) + (stdin == null ? "" : " <<< " + stdin.strip().replace("\n", " \\n ")));
    for (var a : commandAnswers) {
      var r = a.apply(argv);
      if (r != null) return r;
    }
    return new CommandResult(0, "");
  }

  @Override
  public synchronized long startProcess(List<String> argv, String readyPrefix, java.time.Duration timeout) {
    calls.add("start " + String.join(" ", argv));
    commands.add(List.copyOf(argv));
    long pid = nextPid++;
    int m = argv.indexOf("--marker");
    processes.put(pid, m >= 0 && m + 1 < argv.size() ? argv.get(m + 1) : "process");
    return pid;
  }
}
