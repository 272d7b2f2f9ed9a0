package dev.reprise.agent.runtime;

import dev.reprise.agent.nativehelper.NativeHelper;
import dev.reprise.fdsl.fault.HostFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link HostOps} on Linux through {@code /proc} and the cgroup file system; needs root (writing
 * into another cgroup's {@code cgroup.procs}). The burner is
 * {@code /bin/sh -c 'sleep "$1" & while kill -0 $! 2>/dev/null; do :; done' <marker> <seconds>}: a
 * shell busy loop (builtins only, no tool of ours) that ends by itself when its {@code sleep} ends,
 * so it stops at its fault's deadline even when the agent that started it is dead. Its {@code $0} is
 * the marker; it is found by exactly that argument vector (and by the former, endless
 * {@code /bin/sh -c 'while :; do :; done' <marker>}, so an older agent's leftovers are still swept).
 */
public final class LinuxHostOps implements HostOps {
  private static final String SHELL = "/bin/sh";
  /** The busy loop; {@code $1} is its lifetime in seconds (fractions allowed, as {@code sleep} takes them). */
  static final String LOOP = "sleep \"$1\" & while kill -0 $! 2>/dev/null; do :; done";
  /** The burner of agents before burners ended themselves; still recognised by {@link #findMarked}. */
  static final String ENDLESS_LOOP = "while :; do :; done";

  private final Path proc;
  private final Path cgroupRoot;
  private final java.util.function.Supplier<Path> helper;

  public LinuxHostOps() {
    this(Path.of("/proc"), Path.of("/sys/fs/cgroup"));
  }

  public LinuxHostOps(Path proc, Path cgroupRoot) {
    this(proc, cgroupRoot, LinuxHostOps::defaultHelper);
  }

  /** @param helper where the native helper binary is (called at each {@link #startHelper}; throws {@link RuntimeFailure} when there is none) */
  public LinuxHostOps(Path proc, Path cgroupRoot, java.util.function.Supplier<Path> helper) {
    this.proc = proc;
    this.cgroupRoot = cgroupRoot;
    this.helper = helper;
  }

  /** The agent's native helper, extracted from its jar ({@link NativeHelper#extract}). */
  static Path defaultHelper() {
    try {
      return NativeHelper.extract();
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      throw new RuntimeFailure("no native helper (" + NativeHelper.NAME + ") on this host: " + e.getMessage(), e);
    }
  }

  /** How long {@link #startHelper} watches a new helper for an immediate failure (a cgroup it cannot join, a bad option). */
  static final Duration HELPER_START_CHECK = Duration.ofMillis(150);

  @Override
  public long startHelper(List<String> args, long containerPid, String marker, Duration lifetime) {
    var targets = cgroupsOf(containerPid);
    var argv = helperCommand(helper.get(), args, targets, marker, Instant.now().plus(lifetime.isNegative() ? Duration.ZERO : lifetime));
    Path log;
    Process p;
    try {
      log = Files.createTempFile("reprise-helper-", ".log");
    } catch (IOException e) {
      throw new RuntimeFailure("cannot create the helper's log file: " + e.getMessage(), e);
    }
    try {
      p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      deleteQuietly(log);
      throw new RuntimeFailure("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
    }
    try {
      if (p.waitFor(HELPER_START_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
        String out;
        try {
          out = Files.readString(log).strip();
        } catch (IOException e) {
          out = "";
        }
        throw new RuntimeFailure(NativeHelper.NAME + " " + String.join(" ", args) + " exited " + p.exitValue() + " at once"
            + (out.isEmpty() ? "" : ": " + ExecResult.tail(out, 2000)) + " (the agent must run as root on the host)");
      }
    } catch (InterruptedException e) {
      kill(p.pid());
      Thread.currentThread().interrupt();
      throw new RuntimeFailure("interrupted while starting " + NativeHelper.NAME, e);
    } finally {
      // the helper keeps writing into the unlinked file; nobody reads it once it runs
      deleteQuietly(log);
    }
    return p.pid();
  }

  /** The helper's argument vector: its own options, then where it joins, until when it runs, and its marker (last). */
  static List<String> helperCommand(Path binary, List<String> args, List<Path> cgroupProcs, String marker, Instant until) {
    var argv = new ArrayList<String>();
    argv.add(binary.toString());
    argv.addAll(args);
    for (var procs : cgroupProcs) {
      argv.add("--join");
      argv.add(procs.toString());
    }
    argv.add("--until-epoch-ms");
    argv.add(Long.toString(until.toEpochMilli()));
    argv.add("--marker");
    argv.add(marker);
    return List.copyOf(argv);
  }

  private List<Path> cgroupsOf(long containerPid) {
    List<Path> targets;
    try {
      targets = CgroupPaths.procsFiles(Files.readString(proc.resolve(containerPid + "/cgroup")), cgroupRoot);
    } catch (IOException e) {
      throw new RuntimeFailure("cannot read the cgroups of process " + containerPid + " (has the container ended?): " + e.getMessage(), e);
    }
    if (targets.isEmpty()) {
      throw new RuntimeFailure("no cgroup.procs found for process " + containerPid + " under " + cgroupRoot);
    }
    return targets;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temporary file
    }
  }

  @Override
  public Path containerPath(long containerPid, String pathInside) {
    var rel = pathInside.replaceFirst("^/+", "");
    var root = proc.resolve(containerPid + "/root");
    return rel.isEmpty() ? root : root.resolve(rel);
  }

  @Override
  public long startBurner(long containerPid, String marker, Duration lifetime) {
    var targets = cgroupsOf(containerPid);
    Process burner;
    try {
      burner = new ProcessBuilder(burnerCommand(marker, lifetime))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new RuntimeFailure("cannot start a CPU burner: " + e.getMessage(), e);
    }
    long pid = burner.pid();
    for (var procs : targets) {
      try {
        Files.writeString(procs, Long.toString(pid), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        burner.destroyForcibly();
        throw new RuntimeFailure("cannot move burner " + pid + " into " + procs + ": " + e.getMessage()
            + " (the agent must run as root on the host)", e);
      }
    }
    return pid;
  }

  /** The burner's argument vector: ends after {@code lifetime} (millisecond resolution; never negative). */
  static List<String> burnerCommand(String marker, Duration lifetime) {
    long millis = Math.max(0, lifetime.toMillis());
    return List.of(SHELL, "-c", LOOP, marker, String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000));
  }

  /**
   * {@inheritDoc} A burner's shell forks a copy of itself for its {@code sleep} (the copy has the
   * burner's command line until it execs), so a match whose parent is also a match is that copy,
   * not another burner, and is left out ({@link #kill} of the burner takes it along). A native
   * helper process ({@link NativeHelper#markerOf}: {@code reprise-fault-helper … --marker M}) whose
   * marker matches is found as a burner is.
   */
  @Override
  public List<Long> findMarked(String prefix) {
    var matches = new java.util.LinkedHashMap<Long, Long>(); // pid -> parent pid
    try (var dirs = Files.list(proc)) {
      for (var dir : (Iterable<Path>) dirs::iterator) {
        var name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        try {
          var cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
          var marker = burnerMarker(cmdline);
          if (marker == null) marker = NativeHelper.markerOf(cmdline); // a native helper counts like a burner
          if (marker != null && HostOps.markedBy(marker, prefix)) matches.put(Long.parseLong(name), parentOf(dir));
        } catch (IOException e) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      throw new RuntimeFailure("cannot list " + proc + ": " + e.getMessage(), e);
    }
    var found = new ArrayList<Long>();
    matches.forEach((pid, parent) -> {
      if (!matches.containsKey(parent)) found.add(pid);
    });
    return found;
  }

  /** The parent PID from {@code /proc/<pid>/stat} (the field after the state), or -1 when unreadable. */
  private static long parentOf(Path procDir) throws IOException {
    var stat = Files.readString(procDir.resolve("stat"));
    var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    try {
      return fields.length > 1 ? Long.parseLong(fields[1]) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The marker of a burner's {@code /proc/<pid>/cmdline} (NUL-separated), or null for any other process. */
  static String burnerMarker(String cmdline) {
    var args = cmdline.split("\0", -1);
    // a trailing NUL ends the last argument
    int n = args.length > 0 && args[args.length - 1].isEmpty() ? args.length - 1 : args.length;
    if (n < 4 || !SHELL.equals(args[0]) || !"-c".equals(args[1])) return null;
    boolean ending = n == 5 && LOOP.equals(args[2]) && args[4].matches("\\d+\\.\\d{3}");
    boolean endless = n == 4 && ENDLESS_LOOP.equals(args[2]);
    if (!ending && !endless) return null;
    return args[3].startsWith(HostOps.BURNER_PREFIX + "/") ? args[3] : null;
  }

  @Override
  public boolean kill(long pid) {
    var handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) return false;
    // Children first, so a killed script's own children do not linger.
    handle.get().descendants().forEach(ProcessHandle::destroyForcibly);
    return handle.get().destroyForcibly();
  }

  @Override
  public boolean alive(long pid) {
    try {
      var stat = Files.readString(proc.resolve(pid + "/stat"));
      int close = stat.lastIndexOf(')');
      char state = stat.charAt(close + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | IndexOutOfBoundsException e) {
      return false;
    }
  }

  /** The real-time priority of the agent's timing threads: low, above every normal process. */
  static final int REALTIME_PRIORITY = 10;

  /**
   * {@code chrt --fifo --reset-on-fork --pid 10 <tid>} on the calling thread, found through
   * {@code /proc/thread-self} (a link to {@code <pid>/task/<tid>}). Reset on fork: the processes the
   * thread starts (a CPU burner above all: a real-time busy loop would starve the host, and cgroup
   * v1 refuses it in a container's CPU cgroup with EINVAL) run under the normal policy.
   */
  @Override
  public Optional<String> prioritizeCurrentThread() {
    String tid;
    try {
      tid = Files.readSymbolicLink(proc.resolve("thread-self")).getFileName().toString();
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.of("cannot find the thread's ID in " + proc.resolve("thread-self") + ": " + e.getMessage());
    }
    try {
      var chrt = new ProcessBuilder("chrt", "--fifo", "--reset-on-fork", "--pid", Integer.toString(REALTIME_PRIORITY), tid)
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String said = new String(chrt.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!chrt.waitFor(10, TimeUnit.SECONDS)) {
        chrt.destroyForcibly();
        return Optional.of("chrt did not answer within 10 s");
      }
      return chrt.exitValue() == 0 ? Optional.empty()
          : Optional.of("chrt --fifo exited " + chrt.exitValue() + (said.isEmpty() ? "" : ": " + said) + " (real-time scheduling needs root)");
    } catch (IOException e) {
      return Optional.of("cannot run chrt (util-linux): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  @Override
  public List<FeatureCheck> probe(java.util.Set<HostFeature> features) {
    var checks = new ArrayList<FeatureCheck>();
    for (var f : features) {
      checks.add(switch (f) {
        case CGROUP_PROCS -> cgroupProcs();
        case SHELL -> Files.isExecutable(Path.of(SHELL))
            ? new FeatureCheck(f, null, SHELL)
            : new FeatureCheck(f, SHELL + " is missing or not executable (CPU burners are shell loops)", null);
        case NSENTER, IPTABLES, TC, NET_EMULATION, IFB -> network(f);
        case NATIVE_HELPER -> nativeHelper();
      });
    }
    return checks;
  }

  /** Where the agent's native helper binary is on this host (extracted on first call), or empty. */
  private java.util.function.Supplier<java.util.Optional<String>> helperPath = LinuxHostOps::extractedHelper;
  private String helperMissing = "the agent's native helper binary is not available on this host";

  private static java.util.Optional<String> extractedHelper() {
    if (NativeHelper.unavailable().isPresent()) return java.util.Optional.empty();
    try {
      return java.util.Optional.of(NativeHelper.extract().toString());
    } catch (RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  /** Tells this host where the agent's native helper is ({@code path} empty: there is none, because {@code whyNot}). */
  public LinuxHostOps withHelper(java.util.function.Supplier<java.util.Optional<String>> path, String whyNot) {
    this.helperPath = path;
    this.helperMissing = whyNot;
    return this;
  }

  /** The native helper's path supplier given to {@link #withHelper} (for the injectors). */
  public java.util.function.Supplier<java.util.Optional<String>> helperPath() {
    return helperPath;
  }

  /**
   * A network feature, from what this host's kernel and tools did when tried once in a throw-away
   * namespace ({@code NetworkCapabilities}); the detail always carries the whole summary, so the
   * pre-flight report and {@code run.json} say which mechanisms each host has.
   */
  private FeatureCheck network(HostFeature f) {
    var caps = dev.reprise.agent.inject.net.NetworkCapabilities.of(this, helperPath, helperMissing);
    var summary = caps.summary();
    String missing = switch (f) {
      case NSENTER -> caps.nsenter() ? null : "nsenter is missing (util-linux): network faults enter the container's network namespace";
      case IPTABLES -> caps.iptables() ? null : "iptables does not work in a network namespace (install iptables; partitions and loss use it)";
      case TC -> caps.htb() || caps.netem() ? null : "tc cannot add an htb or netem qdisc (install iproute2)";
      case NET_EMULATION -> caps.emulation() ? null : "neither the sch_netem qdisc nor iptables' NFQUEUE target with the agent's packet helper"
          + " works here (" + summary + "): delay, jitter, corruption, duplication and reordering cannot be applied";
      case IFB -> caps.ifb() ? null : "ifb links cannot be made (kernel module ifb): incoming traffic cannot be rate-limited";
      default -> "not a network feature";
    };
    return new FeatureCheck(f, missing, summary);
  }

  /**
   * A writable {@code cgroup.procs} where a burner would be written: the unified root's (v2), or
   * the CPU controller mount's (v1: {@code cpu,cpuacct}, {@code cpu}); writable is checked with
   * {@code access(2)}, which a read-only cgroup mount or a non-root agent fails.
   */
  private FeatureCheck cgroupProcs() {
    var f = HostFeature.CGROUP_PROCS;
    if (!Files.isDirectory(cgroupRoot)) return new FeatureCheck(f, "no cgroup file system at " + cgroupRoot, null);
    Path procs;
    String layout;
    if (Files.exists(cgroupRoot.resolve("cgroup.controllers"))) {
      procs = cgroupRoot.resolve("cgroup.procs");
      layout = "cgroup v2 at " + cgroupRoot;
    } else {
      procs = null;
      layout = null;
      for (var mount : List.of("cpu,cpuacct", "cpuacct,cpu", "cpu")) {
        if (Files.exists(cgroupRoot.resolve(mount).resolve("cgroup.procs"))) {
          procs = cgroupRoot.resolve(mount).resolve("cgroup.procs");
          layout = "cgroup v1, CPU controller at " + cgroupRoot.resolve(mount);
          break;
        }
      }
      if (procs == null) {
        return new FeatureCheck(f, "no cgroup v2 root and no cgroup v1 CPU controller under " + cgroupRoot
            + " (CPU faults place burners in the container's cgroups)", null);
      }
    }
    if (!Files.isWritable(procs)) {
      return new FeatureCheck(f, procs + " is not writable (" + layout + "; the agent must run as root on the host, "
          + "with the cgroup file system mounted read-write)", layout);
    }
    return new FeatureCheck(f, null, layout);
  }

  private FeatureCheck nativeHelper() {
    try {
      var binary = helper.get();
      return Files.isExecutable(binary) ? new FeatureCheck(HostFeature.NATIVE_HELPER, null, binary.toString())
          : new FeatureCheck(HostFeature.NATIVE_HELPER, binary + " is not executable", null);
    } catch (RuntimeFailure e) {
      return new FeatureCheck(HostFeature.NATIVE_HELPER, e.getMessage(), null);
    }
  }

  @Override
  public CommandResult run(List<String> argv, String stdin, java.time.Duration timeout) {
    Process p;
    try {
      var pb = new ProcessBuilder(argv).redirectErrorStream(true);
      if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      p = pb.start();
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new RuntimeFailure("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
    }
    var out = new java.io.ByteArrayOutputStream();
    var reader = new Thread(() -> {
      try (var in = p.getInputStream()) {
        in.transferTo(out);
      } catch (IOException ignored) {
        // the process was killed
      }
    }, "host-command-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new RuntimeTimeout(String.join(" ", argv) + " did not end within " + timeout.toMillis() + " ms", null);
      }
      reader.join(2000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new RuntimeTimeout("interrupted while running " + String.join(" ", argv), e);
    }
    byte[] bytes;
    synchronized (out) {
      bytes = out.toByteArray();
    }
    int from = Math.max(0, bytes.length - 8192);
    return new CommandResult(p.exitValue(), new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).strip());
  }

  @Override
  public long startProcess(List<String> argv, String readyPrefix, java.time.Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new RuntimeFailure("cannot start " + String.join(" ", argv) + ": " + e.getMessage(), e);
    }
    var ready = new java.util.concurrent.CompletableFuture<Boolean>();
    var seen = new StringBuilder();
    var reader = new Thread(() -> {
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (!ready.isDone()) {
            synchronized (seen) {
              if (seen.length() < 4096) seen.append(line).append('\n');
            }
            if (line.startsWith(readyPrefix)) ready.complete(true);
          }
        }
      } catch (IOException ignored) {
        // killed
      }
      ready.complete(false);
    }, "host-process-output");
    reader.setDaemon(true);
    reader.start();
    boolean ok;
    try {
      ok = ready.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      ok = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    } catch (java.util.concurrent.ExecutionException e) {
      ok = false;
    }
    if (!ok) {
      kill(p.pid());
      String out;
      synchronized (seen) {
        out = seen.toString().strip();
      }
      throw new RuntimeFailure(String.join(" ", argv) + " did not get ready within " + timeout.toMillis() + " ms"
          + (out.isEmpty() ? "" : ": " + out));
    }
    return p.pid();
  }
}
