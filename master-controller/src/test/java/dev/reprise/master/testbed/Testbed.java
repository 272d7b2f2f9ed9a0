package dev.reprise.master.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.hosts.HostsFile;
import dev.reprise.master.ssh.JschConnector;
import dev.reprise.master.ssh.RemoteHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Drives testbed/up and testbed/down for ITs (one testbed per IT class). */
public final class Testbed {
  public static final Path REPO = findRepo();
  public static final Path STATE = Path.of("/var/lib/rpr-testbed");

  private Testbed() {}

  private static Path findRepo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isExecutable(p.resolve("testbed/up"))) p = p.getParent();
    if (p == null) throw new IllegalStateException("testbed/up not found above " + Path.of("").toAbsolutePath());
    return p;
  }

  /** Output of a finished script; throws with its output when it failed. */
  public static List<String> run(String... command) throws IOException, InterruptedException {
    var cmd = new ArrayList<String>();
    cmd.add(REPO.resolve(command[0]).toString());
    cmd.addAll(List.of(command).subList(1, command.length));
    var p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(false).start();
    var err = new StringBuilder();
    var errReader = new Thread(() -> {
      try {
        err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the process is gone
      }
    });
    errReader.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " took more than 5 minutes");
    }
    errReader.join();
    if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + err + out);
    return out.lines().toList();
  }

  /** Brings up n hosts (taking down a leftover testbed first) and returns the hosts file. */
  public static Path up(int n) throws Exception {
    if (Files.exists(STATE.resolve("created"))) run("testbed/down");
    var out = run("testbed/up", String.valueOf(n));
    return Path.of(out.get(out.size() - 1));
  }

  /** The shaded agent jar, checked to be built (the ITs run after local-controller's package phase). */
  public static Path agentJar() {
    Path jar = REPO.resolve("local-controller/target/agent-all.jar");
    assertThat(jar).as("the agent jar is built before master-controller's ITs run").isRegularFile();
    return jar;
  }

  /** One SSH session per host of {@code hosts} (keys as the hosts file's known_hosts says), by host name, in the file's order. */
  public static Map<String, RemoteHost> connectAll(HostsFile hosts) throws IOException {
    var ssh = new JschConnector(hosts.knownHosts(), false);
    var connected = new LinkedHashMap<String, RemoteHost>();
    for (var spec : hosts.hosts()) connected.put(spec.name(), ssh.connect(spec));
    return connected;
  }

  /** What a picocli command printed, and its exit code. */
  public record Cli(int exit, String out, String err) {}

  /** Runs {@code command} with {@code args} in this JVM, capturing what it prints. */
  public static Cli cli(Object command, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Cli(exit, out.toString(), err.toString());
  }

  /**
   * Closes {@code sessions}, runs testbed/down and asserts that it removed everything up created
   * ({@link #leftovers}); testbed/down runs even when closing a session fails.
   */
  public static void down(Collection<? extends RemoteHost> sessions) throws Exception {
    try {
      sessions.forEach(RemoteHost::close);
    } finally {
      run("testbed/down");
    }
    assertThat(leftovers()).as("testbed/down removes everything up created").isEmpty();
  }

  /** What of the testbed is still there (empty when down removed everything). */
  public static List<String> leftovers() throws Exception {
    var left = new ArrayList<String>();
    if (Files.exists(STATE)) left.add("state dir " + STATE);
    if (Files.exists(Path.of("/run/rpr-tb"))) left.add("/run/rpr-tb");
    if (Files.exists(Path.of("/sys/class/net/rprbr0"))) left.add("bridge rprbr0");
    if (Files.isDirectory(Path.of("/var/run/netns"))) {
      try (var s = Files.list(Path.of("/var/run/netns"))) {
        s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("rpr-")).forEach(n -> left.add("netns " + n));
      }
    }
    var ipt = new ProcessBuilder("iptables", "-S", "DOCKER-USER").start();
    String rules = new String(ipt.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ipt.waitFor();
    if (rules.contains("rprbr0")) left.add("iptables rule for rprbr0");
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      if (line.contains("/rpr-tb") || line.contains("/rpr-testbed")) left.add("mount " + line);
    }
    try (var procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
          if (cmd.contains("/rpr-tb/") || cmd.contains("/rpr-testbed/")) left.add("process " + p.getFileName() + ": " + cmd);
        } catch (IOException ignored) {
          // ended meanwhile
        }
      });
    }
    return left;
  }
}
