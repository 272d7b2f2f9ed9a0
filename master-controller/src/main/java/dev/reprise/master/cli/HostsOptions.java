package dev.reprise.master.cli;

import dev.reprise.master.hosts.HostsFile;
import dev.reprise.master.hosts.HostsFileException;
import dev.reprise.master.hosts.HostsFileParser;
import dev.reprise.master.ssh.JschConnector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of the commands that work on the hosts of a hosts file over SSH ({@code cluster},
 * {@code collect}): {@code --hosts FILE} (required) and {@code --accept-new-host-keys}. A picocli
 * mixin. ({@code run} has its own pair: there {@code --hosts} is optional and switches to the
 * multi-host path.)
 */
public final class HostsOptions {
  @Option(names = "--hosts", required = true, paramLabel = "FILE",
      description = "the hosts file (YAML); the first host is the swarm manager")
  Path file;

  @Option(names = "--accept-new-host-keys", description = "add unknown host keys to known_hosts (changed keys are always refused)")
  boolean acceptNewHostKeys;

  /**
   * The parsed hosts file; on problems prints every one to {@code err} and returns null (the caller
   * exits with {@link ExitCodes#INVALID_INPUT}).
   */
  public HostsFile parseOrReport(PrintWriter err) {
    return parseOrReport(file, err);
  }

  /** {@code file} parsed; on problems prints every one to {@code err} and returns null. */
  static HostsFile parseOrReport(Path file, PrintWriter err) {
    try {
      return new HostsFileParser().parse(file);
    } catch (HostsFileException e) {
      e.problems().forEach(err::println);
      err.flush();
      return null;
    }
  }

  /** The SSH connector for {@code hosts}: its known_hosts, new keys added only with {@code --accept-new-host-keys}. */
  public JschConnector connector(HostsFile hosts) throws IOException {
    return new JschConnector(hosts.knownHosts(), acceptNewHostKeys);
  }
}
