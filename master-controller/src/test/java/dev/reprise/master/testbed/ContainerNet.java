package dev.reprise.master.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the network-fault tests look at in a container's network namespace, from the host (as the
 * agent does: {@code nsenter --target <pid> --net}): the container found through the docker CLI by
 * its swarm service, what crosses its network (the agent's helper's {@code udp-ping} against a
 * {@code udp-echo} in the peer), and whether anything of Reprise's is left in it (iptables chains
 * and rules, qdiscs other than the default, ifb links).
 */
public final class ContainerNet {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A running container: its ID, main PID and IPv4 addresses. */
  public record Container(String id, long pid, List<String> addresses) {}

  /** One udp-ping burst: when it ran and what it measured (the helper's JSON line). */
  public record Burst(Instant start, Instant end, JsonNode result) {
    public int sent() {
      return result.path("sent").asInt();
    }

    public int received() {
      return result.path("received").asInt();
    }

    public int duplicates() {
      return result.path("duplicates").asInt();
    }

    public double p50() {
      return result.path("rtt_ms").path("p50").asDouble(Double.NaN);
    }

    public boolean within(Instant from, Instant to) {
      return !start.isBefore(from) && !end.isAfter(to);
    }

    @Override
    public String toString() {
      return start + ".." + end + " " + result;
    }
  }

  private ContainerNet() {}

  /** The running container of swarm service {@code swarmService} (e.g. {@code <stack>_a}), if any. */
  public static Optional<Container> of(String swarmService) {
    var ids = run(List.of("docker", "ps", "-q", "--no-trunc", "--filter", "label=com.docker.swarm.service.name=" + swarmService)).strip();
    if (ids.isEmpty()) return Optional.empty();
    var id = ids.split("\\s+")[0];
    var out = run(List.of("docker", "inspect", "-f", "{{.State.Pid}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", id)).strip();
    var parts = out.split("\\s+");
    if (parts.length < 1 || parts[0].equals("0")) return Optional.empty();
    return Optional.of(new Container(id, Long.parseLong(parts[0]), List.of(Arrays.copyOfRange(parts, 1, parts.length))));
  }

  /** Waits (up to {@code timeout}) for the running container of {@code swarmService}. */
  public static Container await(String swarmService, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      var c = of(swarmService);
      if (c.isPresent() && !c.get().addresses().isEmpty()) return c.get();
      Thread.sleep(250);
    }
    throw new AssertionError("no running container of " + swarmService + " within " + timeout);
  }

  /** {@code nsenter --target <pid> --net -- argv...}. */
  public static List<String> inNs(long pid, String... argv) {
    var cmd = new ArrayList<>(List.of("nsenter", "--target", Long.toString(pid), "--net", "--"));
    cmd.addAll(List.of(argv));
    return cmd;
  }

  /** Starts the helper's UDP echo server on {@code port} in {@code c}'s namespace, for at most {@code lifetime}. */
  public static Process startEcho(String helper, Container c, int port, Duration lifetime) throws IOException {
    var until = Instant.now().plus(lifetime).toEpochMilli();
    return new ProcessBuilder(inNs(c.pid(), helper, "udp-echo", "--port", Integer.toString(port), "--until-epoch-ms", Long.toString(until)))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** One burst of {@code count} pings every {@code intervalMs} from {@code from} to {@code ip:port}. */
  public static Burst ping(String helper, Container from, String ip, int port, int count, int intervalMs) {
    return ping(helper, from, ip, port, count, intervalMs, 1000);
  }

  /** {@link #ping} waiting at most {@code waitMs} for the last replies. */
  public static Burst ping(String helper, Container from, String ip, int port, int count, int intervalMs, int waitMs) {
    var start = Instant.now();
    var out = run(inNs(from.pid(), helper, "udp-ping", "--to", ip + ":" + port, "--count", Integer.toString(count),
        "--interval-ms", Integer.toString(intervalMs), "--wait-ms", Integer.toString(waitMs)));
    var end = Instant.now();
    var last = out.strip().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}");
    try {
      return new Burst(start, end, JSON.readTree(last));
    } catch (IOException e) {
      throw new AssertionError("udp-ping printed no JSON: " + out, e);
    }
  }

  /**
   * What of Reprise's is in {@code pid}'s network namespace: iptables lines naming our chains or
   * comments, qdiscs other than the engine's defaults, ifb links of ours. Empty when clean (or the
   * namespace is gone).
   */
  public static List<String> leftovers(long pid) {
    var found = new ArrayList<String>();
    if (!java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + pid + "/ns/net"))) return found;
    run(inNs(pid, "iptables", "-w", "-S")).lines().filter(l -> l.contains("RPR-") || l.contains("reprise:"))
        .forEach(l -> found.add("iptables: " + l));
    run(inNs(pid, "tc", "qdisc", "show")).lines()
        .filter(l -> !l.isBlank() && !l.startsWith("qdisc noqueue") && !l.startsWith("qdisc pfifo_fast") && !l.startsWith("qdisc mq ")
            && !l.startsWith("qdisc fq_codel"))
        .forEach(l -> found.add("tc: " + l));
    run(inNs(pid, "ip", "-o", "link", "show")).lines().filter(l -> l.matches("^\\d+: rpr\\d+i\\d+.*"))
        .forEach(l -> found.add("link: " + l));
    return found;
  }

  /** Runs {@code argv} (at most 30 s) and returns stdout + stderr; throws when it cannot run. */
  public static String run(List<String> argv) {
    try {
      var p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + argv + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + argv, e);
    }
  }
}
