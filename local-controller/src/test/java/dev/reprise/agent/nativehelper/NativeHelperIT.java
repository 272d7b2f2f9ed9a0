package dev.reprise.agent.nativehelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.agent.runtime.LinuxHostOps;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The userspace netem on a real NFQUEUE: two network namespaces joined by a veth pair, a UDP echo
 * server in B, and in A an iptables rule that queues A's UDP to B (except the helper's own marked
 * duplicates) to the helper's queue. Each test measures a baseline with {@code udp-ping}, applies one
 * fault and asserts its effect with loose bounds (a busy 2-core machine); the measurements are
 * printed ({@code NativeHelperIT measured: ...}) for the accuracy report. Needs root and NFQUEUE;
 * without them the tests are skipped with the reason.
 */
class NativeHelperIT {
  static final int QUEUE = 7;
  static final int ECHO_PORT = 7007;
  static final ObjectMapper JSON = new ObjectMapper();

  private final String id = String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
  private final String nsA = "rpr-nh-a" + id;
  private final String nsB = "rpr-nh-b" + id;
  private final String vethA = "rpr-nh-va" + id;
  private final String vethB = "rpr-nh-vb" + id;
  private final int subnet = ThreadLocalRandom.current().nextInt(256);
  private final String ipA = "10.250." + subnet + ".1";
  private final String ipB = "10.250." + subnet + ".2";
  private final String marker = "reprise-test/native-helper-it/" + id;
  private final List<Process> started = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();
  private Path helper;
  private List<String> rule;

  @BeforeEach void twoNamespacesAndAnEchoServer() throws Exception {
    NativeHelper.unavailable().ifPresent(why -> assumeTrue(false, "NativeHelperIT skipped: " + why));
    String uid = sh(List.of("id", "-u")).output.strip();
    assumeTrue(uid.equals("0"), "NativeHelperIT skipped: needs root (network namespaces, iptables, NFQUEUE); uid is " + uid);
    helper = NativeHelper.extract();
    for (var ns : List.of(nsA, nsB)) {
      var added = sh(List.of("ip", "netns", "add", ns));
      assumeTrue(added.status == 0, "NativeHelperIT skipped: cannot create a network namespace: " + added.output);
      namespaces.add(ns);
    }
    ok(List.of("ip", "link", "add", vethA, "netns", nsA, "type", "veth", "peer", "name", vethB, "netns", nsB));
    ok(List.of("ip", "-n", nsA, "addr", "add", ipA + "/30", "dev", vethA));
    ok(List.of("ip", "-n", nsB, "addr", "add", ipB + "/30", "dev", vethB));
    for (var ns : List.of(nsA, nsB)) ok(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
    ok(List.of("ip", "-n", nsA, "link", "set", vethA, "up"));
    ok(List.of("ip", "-n", nsB, "link", "set", vethB, "up"));
    rule = List.of("OUTPUT", "-d", ipB, "-p", "udp", "-m", "mark", "!", "--mark", NativeHelper.DUPLICATE_MARK,
        "-j", "NFQUEUE", "--queue-num", Integer.toString(QUEUE), "--queue-bypass");
    var echo = startHelper(nsB, List.of("udp-echo", "--port", Integer.toString(ECHO_PORT)), "echo");
    echo.awaitLine("udp-echo: listening");
    awaitReachable();
  }

  @AfterEach void cleanUp() throws Exception {
    for (var p : started) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    }
    var host = new LinuxHostOps();
    for (long pid : host.findMarked(marker)) host.kill(pid);
    for (var ns : namespaces) sh(List.of("ip", "netns", "del", ns)); // takes the veth pair and the rules along
  }

  @Test void delayAddsItsLatencyAndGoesAwayWithTheHelperAndTheRule() throws Exception {
    double baseline = ping(200, 5).path("rtt_ms").path("p50").asDouble();
    addRule();
    var netem = startHelper(nsA, List.of("netem", "--queue", Integer.toString(QUEUE), "--delay-us", "50000"), "netem");
    netem.awaitLine("netem: bound queue " + QUEUE);
    assertThat(new LinuxHostOps().findMarked(marker + "/netem")).as("the agent's sweep finds the helper").containsExactly(netem.process.pid());

    var delayed = ping(300, 5);
    double addedP50 = delayed.path("rtt_ms").path("p50").asDouble() - baseline;
    double addedP99 = delayed.path("rtt_ms").path("p99").asDouble() - baseline;
    report("delay 50 ms: baseline p50 %.3f ms, added p50 %.3f ms, added p99 %.3f ms, min %.3f ms, received %d/%d",
        baseline, addedP50, addedP99, delayed.path("rtt_ms").path("min").asDouble(), delayed.path("received").asInt(), delayed.path("sent").asInt());
    assertThat(addedP50).as(delayed.toString()).isBetween(40.0, 80.0);
    assertThat(delayed.path("rtt_ms").path("min").asDouble()).as("never released early").isGreaterThanOrEqualTo(50.0);
    assertThat(delayed.path("loss_pct").asDouble()).as(delayed.toString()).isLessThan(5.0);

    netem.stop();
    assertThat(netem.exitStatus()).as("SIGTERM ends it cleanly").isZero();
    assertThat(netem.lines).anyMatch(l -> l.startsWith("netem: stopped packets="));
    removeRule();
    var after = ping(200, 5);
    report("delay 50 ms removed: p50 %.3f ms", after.path("rtt_ms").path("p50").asDouble());
    assertThat(after.path("rtt_ms").path("p50").asDouble() - baseline).as(after.toString()).isLessThan(10.0);
  }

  @Test void jitterSpreadsTheDelayAndReordersPackets() throws Exception {
    double baseline = ping(100, 5).path("rtt_ms").path("p50").asDouble();
    addRule();
    startNetem(List.of("--delay-us", "50000", "--jitter-us", "10000"));
    var jittered = ping(400, 3);
    var rtt = jittered.path("rtt_ms");
    report("delay 50 ms jitter 10 ms (uniform): added min %.3f p50 %.3f p99 %.3f max %.3f ms, reordered %d/%d",
        rtt.path("min").asDouble() - baseline, rtt.path("p50").asDouble() - baseline, rtt.path("p99").asDouble() - baseline,
        rtt.path("max").asDouble() - baseline, jittered.path("reordered").asInt(), jittered.path("received").asInt());
    assertThat(rtt.path("min").asDouble()).as(jittered.toString()).isGreaterThanOrEqualTo(40.0);
    assertThat(rtt.path("min").asDouble()).as(jittered.toString()).isLessThan(50.0);
    assertThat(rtt.path("p50").asDouble() - baseline).as(jittered.toString()).isBetween(40.0, 70.0);
    assertThat(jittered.path("reordered").asInt()).as("packets 3 ms apart with ±10 ms jitter overtake each other").isPositive();
  }

  @Test void lossDropsAboutItsShare() throws Exception {
    addRule();
    var netem = startNetem(List.of("--loss", "30"));
    var lossy = ping(600, 2);
    report("loss 30 %%: measured %.1f %% of %d", lossy.path("loss_pct").asDouble(), lossy.path("sent").asInt());
    assertThat(lossy.path("loss_pct").asDouble()).as(lossy.toString()).isBetween(15.0, 45.0);
    netem.stop();

    var netem10 = startNetem(List.of("--loss", "10"));
    var lossy10 = ping(1000, 2);
    report("loss 10 %%: measured %.1f %% of %d", lossy10.path("loss_pct").asDouble(), lossy10.path("sent").asInt());
    assertThat(lossy10.path("loss_pct").asDouble()).as(lossy10.toString()).isBetween(4.0, 20.0);
    netem10.stop();
  }

  @Test void duplicateSendsMarkedCopiesThatAreNotQueuedAgain() throws Exception {
    addRule();
    var netem = startNetem(List.of("--duplicate", "50"));
    var duplicated = ping(400, 3);
    report("duplicate 50 %%: %d duplicates for %d received of %d sent", duplicated.path("duplicates").asInt(),
        duplicated.path("received").asInt(), duplicated.path("sent").asInt());
    assertThat(duplicated.path("duplicates").asInt()).as(duplicated.toString()).isBetween(100, 300);
    assertThat(duplicated.path("received").asInt()).as("the originals all pass").isGreaterThanOrEqualTo(390);
    netem.stop();
    assertThat(netem.exitStatus()).as("SIGTERM ends it cleanly: " + netem.lines).isZero();
    assertThat(netem.lines).as("duplicates are not queued again: about 400 packets, not a storm")
        .anyMatch(l -> l.matches("netem: stopped packets=(39\\d|40\\d) .*"));
  }

  @Test void aRuleThatDoesNotExcludeTheMarkDoesNotMakeDuplicatesLoop() throws Exception {
    ok(List.of("ip", "netns", "exec", nsA, "iptables", "-t", "mangle", "-A", "OUTPUT", "-d", ipB, "-p", "udp",
        "-j", "NFQUEUE", "--queue-num", Integer.toString(QUEUE), "--queue-bypass"));
    var netem = startNetem(List.of("--duplicate", "100"));
    var duplicated = ping(100, 5);
    netem.stop();
    assertThat(duplicated.path("duplicates").asInt()).as(duplicated.toString()).isBetween(90, 100);
    assertThat(netem.lines).as("each duplicate was queued once more and let through")
        .anyMatch(l -> l.contains("our mark 0x52505251 was queued again"))
        .anyMatch(l -> l.matches("netem: stopped packets=(9\\d|100) .* own_mark=(9\\d|100) .*"));
  }

  @Test void corruptFlipsABitThatTheReceiversChecksumRejects() throws Exception {
    addRule();
    var netem = startNetem(List.of("--corrupt", "50"));
    var corrupted = ping(400, 3);
    report("corrupt 50 %%: %d of %d came back (%.1f %% lost to checksum errors)", corrupted.path("received").asInt(),
        corrupted.path("sent").asInt(), corrupted.path("loss_pct").asDouble());
    assertThat(corrupted.path("loss_pct").asDouble()).as(corrupted.toString()).isBetween(25.0, 75.0);
    netem.stop();
  }

  @Test void reorderLetsItsShareThroughAtOnceAndDelaysTheRest() throws Exception {
    addRule();
    startNetem(List.of("--delay-us", "20000", "--reorder", "50"));
    var reordered = ping(400, 3);
    var rtt = reordered.path("rtt_ms");
    report("delay 20 ms reorder 50 %%: min %.3f p50 %.3f p99 %.3f ms, reordered %d/%d", rtt.path("min").asDouble(),
        rtt.path("p50").asDouble(), rtt.path("p99").asDouble(), reordered.path("reordered").asInt(), reordered.path("received").asInt());
    assertThat(rtt.path("min").asDouble()).as("some went at once").isLessThan(10.0);
    assertThat(rtt.path("p99").asDouble()).as("the others were delayed").isGreaterThanOrEqualTo(20.0);
    assertThat(reordered.path("reordered").asInt()).as(reordered.toString()).isBetween(50, 350);
  }

  /**
   * A delayed TCP flow from a local socket keeps most of its bandwidth: held packets are resent from
   * a copy, so TCP Small Queues does not throttle the sender (kept in the kernel's queue, a 50 ms
   * delay measured under 1 Mbit/s here).
   */
  @Test void aDelayedTcpFlowIsNotThrottledByTcpSmallQueues() throws Exception {
    var sink = startHelper(nsB, List.of("tcp-sink", "--port", "7008"), "sink");
    sink.awaitLine("tcp-sink: listening");
    var plain = tcp(1);
    ok(List.of("ip", "netns", "exec", nsA, "iptables", "-t", "mangle", "-A", "OUTPUT", "-d", ipB, "-p", "tcp",
        "-m", "mark", "!", "--mark", NativeHelper.DUPLICATE_MARK, "-j", "NFQUEUE", "--queue-num", Integer.toString(QUEUE), "--queue-bypass"));
    var netem = startNetem(List.of("--delay-us", "50000"));
    var delayed = tcp(2);
    netem.stop();
    report("tcp: %.0f Mbit/s plain, %.0f Mbit/s with a 50 ms delay on every packet; %s", plain.path("mbit_per_s").asDouble(),
        delayed.path("mbit_per_s").asDouble(), netem.lines.get(netem.lines.size() - 1));
    assertThat(plain.path("bytes").asLong()).as(plain.toString()).isPositive();
    assertThat(delayed.has("counted_by")).as("the sink counted the bytes: " + delayed).isFalse();
    assertThat(delayed.path("mbit_per_s").asDouble()).as(delayed.toString()).isGreaterThan(20.0);
    assertThat(netem.lines).anyMatch(l -> l.contains(" own_mark=0 ") && l.contains(" raw_failed=0"));
  }

  private JsonNode tcp(int seconds) throws Exception {
    return JSON.readTree(lastLine(ok(inNs(nsA, List.of("tcp-source", "--to", ipB + ":7008", "--seconds", Integer.toString(seconds)))).output));
  }

  // ---------------------------------------------------------------- helpers

  private void addRule() throws Exception {
    var argv = new ArrayList<>(List.of("ip", "netns", "exec", nsA, "iptables", "-t", "mangle", "-A"));
    argv.addAll(rule);
    var added = sh(argv);
    assumeTrue(added.status == 0, "NativeHelperIT skipped: this kernel or iptables has no NFQUEUE/mark (" + added.output + ")");
  }

  private void removeRule() throws Exception {
    var argv = new ArrayList<>(List.of("ip", "netns", "exec", nsA, "iptables", "-t", "mangle", "-D"));
    argv.addAll(rule);
    ok(argv);
  }

  private Helper startNetem(List<String> options) throws Exception {
    var args = new ArrayList<>(List.of("netem", "--queue", Integer.toString(QUEUE)));
    args.addAll(options);
    var netem = startHelper(nsA, args, "netem");
    netem.awaitLine("netem: bound queue " + QUEUE);
    return netem;
  }

  /** udp-ping from A to B's echo server; the JSON line it prints. */
  private JsonNode ping(int count, int intervalMs) throws Exception {
    var result = ok(inNs(nsA, List.of("udp-ping", "--to", ipB + ":" + ECHO_PORT, "--count", Integer.toString(count),
        "--interval-ms", Integer.toString(intervalMs))));
    return JSON.readTree(lastLine(result.output));
  }

  /** Pings until one answer comes back (the veth pair may take a moment to come up), within 10 s. */
  private void awaitReachable() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = ping(1, 0);
      if (last.path("received").asInt() == 1) return;
    }
    throw new AssertionError("B's echo server did not answer within 10 s: " + last);
  }

  private List<String> inNs(String ns, List<String> helperArgs) {
    var argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, helper.toString()));
    argv.addAll(helperArgs);
    return argv;
  }

  private Helper startHelper(String ns, List<String> args, String role) throws IOException {
    var argv = new ArrayList<>(inNs(ns, args));
    argv.addAll(List.of("--until-epoch-ms", Long.toString(System.currentTimeMillis() + Duration.ofMinutes(3).toMillis()),
        "--marker", marker + "/" + role));
    var p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    started.add(p);
    return new Helper(p);
  }

  private static void report(String format, Object... args) {
    System.out.println("NativeHelperIT measured: " + String.format(Locale.ROOT, format, args));
  }

  private static String lastLine(String output) {
    var lines = output.strip().split("\n");
    return lines[lines.length - 1];
  }

  /** A started helper; its output lines are collected by a reader thread. */
  private static final class Helper {
    final Process process;
    final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    private final LinkedBlockingQueue<String> fresh = new LinkedBlockingQueue<>();
    private final Thread reader;

    Helper(Process process) {
      this.process = process;
      reader = new Thread(() -> {
        try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
            fresh.add(line);
          }
        } catch (IOException ignored) {
          // the process ended
        }
      }, "helper-output");
      reader.setDaemon(true);
      reader.start();
    }

    void awaitLine(String prefix) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        var line = fresh.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.startsWith(prefix)) return;
        if (line == null && !process.isAlive()) break;
      }
      throw new AssertionError("the helper did not print '" + prefix + "' within 10 s (alive: " + process.isAlive() + "); it printed " + lines);
    }

    /** SIGTERM, then waits up to 10 s for it to end and for its output to be read. */
    void stop() throws InterruptedException {
      process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close its output before we read the last line
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("ended within 10 s of SIGTERM").isTrue();
      reader.join(5000);
    }

    int exitStatus() {
      return process.exitValue();
    }
  }

  private record Result(int status, String output) {}

  private static Result sh(List<String> argv) throws Exception {
    var p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      var output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError(String.join(" ", argv) + " did not end within 60 s");
      return new Result(p.exitValue(), output);
    } finally {
      p.destroyForcibly();
    }
  }

  private static Result ok(List<String> argv) throws Exception {
    var r = sh(argv);
    assertThat(r.status).as(String.join(" ", argv) + " → " + r.output).isZero();
    return r;
  }
}
