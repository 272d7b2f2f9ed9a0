package dev.reprise.master.cli;

import dev.reprise.master.cluster.HostOperationException;
import dev.reprise.master.cluster.ClusterManager;
import dev.reprise.master.cluster.DockerCliImages;
import dev.reprise.master.hosts.HostsFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code master cluster up|status|down --hosts hosts.yaml}: the multi-host cluster over SSH (see
 * {@link ClusterManager}). Exit codes: 0 done, 1 an operation failed on a host, 2 invalid hosts file
 * or arguments, 3 a host unreachable or without Docker, or a host key refused.
 */
@Command(name = "cluster", description = "Bring a multi-host swarm up, show it, take it down (over SSH).",
    mixinStandardHelpOptions = true)
public final class ClusterCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ACTION", description = "up, status or down")
  String action;

  @Mixin HostsOptions hostsOptions;

  @Option(names = "--agent-jar", paramLabel = "JAR", description = "the agent jar to ship (up; default: agent-all.jar next to the master jar, or local-controller/target/agent-all.jar)")
  Path agentJar;

  @Option(names = "--no-agent", description = "do not ship the agent jar (up)")
  boolean noAgent;

  @Option(names = "--faults", paramLabel = "DIR", description = "a folder of fault scripts to ship (up)")
  Path faultsDir;

  @Option(names = "--image", paramLabel = "IMAGE", description = "an image of the local engine to load into every host where it differs (up; repeatable)")
  List<String> images = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    var out = new java.io.PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true, java.nio.charset.StandardCharsets.UTF_8);
    if (!List.of("up", "status", "down").contains(action)) {
      err.println("error: unknown action '" + action + "' (expected up, status or down)");
      err.flush();
      return ExitCodes.INVALID_INPUT;
    }
    HostsFile hosts = hostsOptions.parseOrReport(err);
    if (hosts == null) return ExitCodes.INVALID_INPUT;
    Path jar = null;
    if (action.equals("up") && !noAgent) {
      jar = agentJar != null ? agentJar : defaultAgentJar();
      if (jar == null || !Files.isRegularFile(jar)) {
        err.println("error: no agent jar " + (jar == null ? "found" : "at " + jar) + "; build local-controller or pass --agent-jar (or --no-agent)");
        err.flush();
        return ExitCodes.INVALID_INPUT;
      }
    }
    if (faultsDir != null && !Files.isDirectory(faultsDir)) {
      err.println("error: --faults " + faultsDir + " is not a folder");
      err.flush();
      return ExitCodes.INVALID_INPUT;
    }
    try (var cluster = new ClusterManager(hosts, hostsOptions.connector(hosts), new DockerCliImages(), out)) {
      switch (action) {
        case "up" -> {
          var report = cluster.up(jar, faultsDir, images);
          out.println("cluster up: " + report.nodes().size() + " hosts in one swarm, manager " + hosts.manager().name());
        }
        case "status" -> cluster.status().forEach(out::println);
        default -> {
          cluster.down();
          out.println("cluster down: every host left the swarm");
        }
      }
      out.flush();
      return ExitCodes.OK;
    } catch (HostOperationException e) {
      e.problems().forEach(p -> err.println("error: " + p));
      err.flush();
      return e.environment() ? ExitCodes.ENVIRONMENT : (e.problems().stream().anyMatch(p -> p.contains("host key")) ? ExitCodes.ENVIRONMENT : ExitCodes.RUN_FAILED);
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return ExitCodes.ENVIRONMENT;
    }
  }

  /** agent-all.jar next to the running master jar, else local-controller/target/agent-all.jar under the working dir. */
  public static Path defaultAgentJar() {
    try {
      var src = ClusterCommand.class.getProtectionDomain().getCodeSource();
      if (src != null) {
        Path here = Path.of(src.getLocation().toURI());
        Path beside = (Files.isDirectory(here) ? here : here.getParent()).resolve("agent-all.jar");
        if (Files.isRegularFile(beside)) return beside;
      }
    } catch (Exception ignored) {
      // fall through to the build tree
    }
    for (Path p : List.of(Path.of("local-controller/target/agent-all.jar"), Path.of("../local-controller/target/agent-all.jar"))) {
      if (Files.isRegularFile(p)) return p.toAbsolutePath().normalize();
    }
    return null;
  }

  /** Lets the PrintStream-based manager print through picocli's writer. */
  static final class WriterOutputStream extends java.io.OutputStream {
    private final PrintWriter w;
    private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

    WriterOutputStream(PrintWriter w) {
      this.w = w;
    }

    @Override
    public synchronized void write(int b) {
      buf.write(b);
      if (b == '\n') flush();
    }

    @Override
    public synchronized void flush() {
      w.print(buf.toString(java.nio.charset.StandardCharsets.UTF_8));
      w.flush();
      buf.reset();
    }
  }
}
