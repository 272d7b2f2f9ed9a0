package dev.reprise.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Burners are recognised by their exact argument vector, and markers match level by level. */
class LinuxHostOpsTest {
  static final String MARKER = "reprise-burner/run-1/node-a/3/abc123";

  @Test void aBurnersCommandLineGivesItsMarker() {
    assertThat(LinuxHostOps.burnerMarker("/bin/sh\0-c\0while :; do :; done\0" + MARKER + "\0")).isEqualTo(MARKER);
  }

  @Test void aBurnerEndsItselfAfterItsLifetimeAndIsFoundByItsOwnCommandLine() {
    var command = LinuxHostOps.burnerCommand(MARKER, java.time.Duration.ofMillis(29_532));
    assertThat(command).containsExactly("/bin/sh", "-c", "sleep \"$1\" & while kill -0 $! 2>/dev/null; do :; done", MARKER, "29.532");
    assertThat(LinuxHostOps.burnerCommand(MARKER, java.time.Duration.ofMillis(-5)).get(4)).as("a past deadline").isEqualTo("0.000");
    assertThat(LinuxHostOps.burnerMarker(String.join("\0", command) + "\0")).isEqualTo(MARKER);
    assertThat(LinuxHostOps.burnerMarker(String.join("\0", command.subList(0, 4)) + "\0")).as("no lifetime").isNull();
    assertThat(LinuxHostOps.burnerMarker(String.join("\0", command) + "\0extra\0")).isNull();
  }

  @Test void aBurnerEndsByItselfAtItsDeadline() throws Exception {
    var burner = new ProcessBuilder(LinuxHostOps.burnerCommand(MARKER + "/unit", java.time.Duration.ofMillis(300))).start();
    try {
      assertThat(burner.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("ended by itself").isTrue();
    } finally {
      burner.destroyForcibly();
    }
  }

  @Test void processesThatOnlyMentionTheMarkerAreNotBurners() {
    assertThat(LinuxHostOps.burnerMarker("pgrep\0-f\0" + MARKER + "\0")).isNull();
    assertThat(LinuxHostOps.burnerMarker("/bin/sh\0-c\0ps -eo args | grep " + MARKER + "\0")).isNull();
    assertThat(LinuxHostOps.burnerMarker("/bin/sh\0-c\0while :; do :; done\0" + MARKER + "\0extra\0")).isNull();
    assertThat(LinuxHostOps.burnerMarker("/bin/sh\0-c\0while :; do :; done\0not-ours\0")).isNull();
    assertThat(LinuxHostOps.burnerMarker("")).isNull();
  }

  @Test void aPrefixMatchesWholeLevelsOnly() {
    assertThat(HostOps.markedBy(MARKER, "reprise-burner/run-1")).isTrue();
    assertThat(HostOps.markedBy(MARKER, "reprise-burner/run-1/node-a")).isTrue();
    assertThat(HostOps.markedBy(MARKER, MARKER)).isTrue();
    assertThat(HostOps.markedBy(MARKER, "reprise-burner/run-1/node-b")).as("another host's burner").isFalse();
    assertThat(HostOps.markedBy(MARKER, "reprise-burner/run")).as("another run whose ID is a prefix").isFalse();
    assertThat(HostOps.markedBy(MARKER, "reprise-burner/run-1/node-a/3/abc")).isFalse();
  }

  @org.junit.jupiter.api.Test
  void aPrioritizedThreadRunsUnderTheFifoPolicyOrSaysWhyNot() throws Exception {
    var policy = new java.util.concurrent.atomic.AtomicReference<String>();
    var childPolicy = new java.util.concurrent.atomic.AtomicReference<String>();
    var result = new java.util.concurrent.atomic.AtomicReference<java.util.Optional<String>>();
    var t = new Thread(() -> {
      result.set(new LinuxHostOps().prioritizeCurrentThread());
      try {
        // /proc/thread-self/stat: field 41 is the scheduling policy (1 = SCHED_FIFO, 0 = normal)
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
        policy.set(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[38]);
        // a process this thread starts (as a burner is started) runs under the normal policy
        var child = new ProcessBuilder("/bin/sh", "-c", "cat /proc/self/stat").start();
        String childStat = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        child.waitFor();
        childPolicy.set(childStat.substring(childStat.lastIndexOf(')') + 2).split(" ")[38]);
      } catch (java.io.IOException | InterruptedException e) {
        policy.set(e.toString());
      }
    });
    t.start();
    t.join();
    assertThat(childPolicy.get()).as("the scheduling policy of a process the thread started").isEqualTo("0");
    if (result.get().isEmpty()) {
      assertThat(policy.get()).as("the thread's scheduling policy").isEqualTo("1");
    } else {
      assertThat(result.get().get()).as("why not").isNotBlank();
      assertThat(policy.get()).as("the thread's scheduling policy, unchanged").isEqualTo("0");
    }
  }

  @Test void probeFindsAWritableCgroupV2RootAndTheShell(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws Exception {
    java.nio.file.Files.writeString(root.resolve("cgroup.controllers"), "cpu memory\n");
    java.nio.file.Files.writeString(root.resolve("cgroup.procs"), "");
    var checks = new LinuxHostOps(java.nio.file.Path.of("/proc"), root)
        .probe(java.util.EnumSet.of(dev.reprise.fdsl.fault.HostFeature.CGROUP_PROCS, dev.reprise.fdsl.fault.HostFeature.SHELL));
    assertThat(checks).allSatisfy(c -> assertThat(c.ok()).as(c.toString()).isTrue());
    assertThat(checks.get(0).detail()).isEqualTo("cgroup v2 at " + root);
  }

  @Test void probeSaysWhyCgroupsAreMissingAndFindsV1sCpuMount(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws Exception {
    var f = java.util.EnumSet.of(dev.reprise.fdsl.fault.HostFeature.CGROUP_PROCS);
    var none = new LinuxHostOps(java.nio.file.Path.of("/proc"), root).probe(f).get(0);
    assertThat(none.missing()).isEqualTo("no cgroup v2 root and no cgroup v1 CPU controller under " + root
        + " (CPU faults place burners in the container's cgroups)");
    var absent = new LinuxHostOps(java.nio.file.Path.of("/proc"), root.resolve("nope")).probe(f).get(0);
    assertThat(absent.missing()).isEqualTo("no cgroup file system at " + root.resolve("nope"));
    java.nio.file.Files.createDirectories(root.resolve("cpu,cpuacct"));
    java.nio.file.Files.writeString(root.resolve("cpu,cpuacct/cgroup.procs"), "");
    var v1 = new LinuxHostOps(java.nio.file.Path.of("/proc"), root).probe(f).get(0);
    assertThat(v1.ok()).isTrue();
    assertThat(v1.detail()).isEqualTo("cgroup v1, CPU controller at " + root.resolve("cpu,cpuacct"));
  }

  @Test void findMarkedLeavesOutABurnersForkedCopyAndProcessesThatOnlyMentionTheMarker(@org.junit.jupiter.api.io.TempDir java.nio.file.Path proc)
      throws Exception {
    String burner = "/bin/sh\0-c\0" + LinuxHostOps.LOOP + "\0" + MARKER + "\0" + "5.000\0";
    procEntry(proc, 100, 1, burner);
    procEntry(proc, 101, 100, burner); // the shell's fork for `sleep`, before it execs
    procEntry(proc, 200, 1, burner.replace(MARKER, MARKER + "x"));
    procEntry(proc, 300, 1, "grep\0" + MARKER + "\0");
    var found = new LinuxHostOps(proc, proc).findMarked(MARKER.substring(0, MARKER.lastIndexOf('/')));
    assertThat(found).containsExactlyInAnyOrder(100L, 200L);
  }

  @Test void aHelpersCommandLineEndsWithItsMarkerAndIsFoundAsAHelper() {
    var argv = LinuxHostOps.helperCommand(java.nio.file.Path.of("/var/lib/reprise/bin/reprise-fault-helper-0123"), java.util.List.of("memory", "--mib", "64"),
        java.util.List.of(java.nio.file.Path.of("/sys/fs/cgroup/memory/docker/c1/cgroup.procs")), MARKER, java.time.Instant.ofEpochMilli(1234));
    assertThat(argv).containsExactly("/var/lib/reprise/bin/reprise-fault-helper-0123", "memory", "--mib", "64",
        "--join", "/sys/fs/cgroup/memory/docker/c1/cgroup.procs", "--until-epoch-ms", "1234", "--marker", MARKER);
    assertThat(dev.reprise.agent.nativehelper.NativeHelper.markerOf(String.join("\0", argv) + "\0")).isEqualTo(MARKER);
  }

  @Test void containerPathsGoThroughTheProcessRoot() {
    var ops = new LinuxHostOps();
    assertThat(ops.containerPath(42, "/data/x")).isEqualTo(java.nio.file.Path.of("/proc/42/root/data/x"));
    assertThat(ops.containerPath(42, "/")).isEqualTo(java.nio.file.Path.of("/proc/42/root"));
  }

  /** A fake helper named like the real one: records its arguments, then does what {@code body} says. */
  private static java.nio.file.Path fakeHelper(java.nio.file.Path dir, String body) throws java.io.IOException {
    var helper = dir.resolve("reprise-fault-helper-fake");
    java.nio.file.Files.writeString(helper, "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir.resolve("args") + "\n" + body + "\n");
    helper.toFile().setExecutable(true);
    return helper;
  }

  /** A /proc with process 7 in cgroup v2 {@code /c1}, and that cgroup. */
  private static java.nio.file.Path[] fakeProcAndCgroups(java.nio.file.Path dir) throws java.io.IOException {
    var proc = java.nio.file.Files.createDirectories(dir.resolve("proc/7"));
    java.nio.file.Files.writeString(proc.resolve("cgroup"), "0::/c1\n");
    var cg = java.nio.file.Files.createDirectories(dir.resolve("cgroup/c1"));
    java.nio.file.Files.writeString(dir.resolve("cgroup/cgroup.controllers"), "memory\n");
    java.nio.file.Files.writeString(cg.resolve("cgroup.procs"), "");
    return new java.nio.file.Path[] {dir.resolve("proc"), dir.resolve("cgroup")};
  }

  @Test void aHelperJoinsTheContainersCgroupsAndRunsUntilKilled(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    var paths = fakeProcAndCgroups(dir);
    var helper = fakeHelper(dir, "exec sleep 30");
    var ops = new LinuxHostOps(paths[0], paths[1], () -> helper);
    long pid = ops.startHelper(java.util.List.of("io", "--path", "/x"), 7, MARKER, java.time.Duration.ofSeconds(30));
    try {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true); // (ops.alive reads the fake /proc)
      var args = java.nio.file.Files.readAllLines(dir.resolve("args"));
      assertThat(args.subList(0, 5)).containsExactly("io", "--path", "/x", "--join", paths[1].resolve("c1/cgroup.procs").toString());
      assertThat(args.get(5)).isEqualTo("--until-epoch-ms");
      assertThat(Long.parseLong(args.get(6))).isBetween(System.currentTimeMillis() + 20_000, System.currentTimeMillis() + 31_000);
      assertThat(args.subList(7, 9)).containsExactly("--marker", MARKER);
    } finally {
      ops.kill(pid);
    }
  }

  @Test void aHelperThatExitsAtOnceFailsWithWhatItSaid(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    var paths = fakeProcAndCgroups(dir);
    var helper = fakeHelper(dir, "echo 'reprise-fault-helper: cannot join: Permission denied' >&2; exit 1");
    var ops = new LinuxHostOps(paths[0], paths[1], () -> helper);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ops.startHelper(java.util.List.of("memory", "--mib", "1"), 7, MARKER,
            java.time.Duration.ofSeconds(30)))
        .isInstanceOf(RuntimeFailure.class).hasMessageContaining("memory --mib 1 exited 1 at once: reprise-fault-helper: cannot join: Permission denied");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ops.startHelper(java.util.List.of("memory"), 8, MARKER, java.time.Duration.ofSeconds(1)))
        .isInstanceOf(RuntimeFailure.class).hasMessageContaining("cannot read the cgroups of process 8");
  }

  @Test void probeSaysWhenTheHelperIsMissing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    var f = java.util.EnumSet.of(dev.reprise.fdsl.fault.HostFeature.NATIVE_HELPER);
    var missing = new LinuxHostOps(java.nio.file.Path.of("/proc"), dir, () -> dir.resolve("none")).probe(f).get(0);
    assertThat(missing.missing()).isEqualTo(dir.resolve("none") + " is not executable");
    var refused = new LinuxHostOps(java.nio.file.Path.of("/proc"), dir, () -> {
      throw new RuntimeFailure("no helper for this machine");
    }).probe(f).get(0);
    assertThat(refused.missing()).isEqualTo("no helper for this machine");
  }

  private static void procEntry(java.nio.file.Path proc, long pid, long parent, String cmdline) throws java.io.IOException {
    var dir = java.nio.file.Files.createDirectories(proc.resolve(Long.toString(pid)));
    java.nio.file.Files.writeString(dir.resolve("cmdline"), cmdline);
    java.nio.file.Files.writeString(dir.resolve("stat"), pid + " (sh) S " + parent + " " + pid + " 0 0\n");
  }
}
