package dev.reprise.master.cli;

import dev.reprise.master.experiments.Experiments;
import dev.reprise.master.experiments.LocalExperiments;
import dev.reprise.master.http.ControlPlane;
import dev.reprise.master.http.RunFiles;
import dev.reprise.master.http.TokenCheck;
import dev.reprise.master.runqueue.PersistentRunQueue;
import dev.reprise.master.runqueue.RunQueue;
import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code master serve}: the HTTP control plane ({@link ControlPlane}) until SIGTERM or Ctrl-C, which
 * stop it gracefully (the run queue aborts and heals its running run; the experiments roll back, and
 * their agents heal on their own at each TTL even when the server is killed). The first stdout line
 * is the base URL; the second says where the token is. Exit codes: 0 stopped; 2 bad arguments or
 * files (all problems at once); 3 the port cannot be bound or the cluster cannot be opened.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the control plane over HTTP: ad-hoc experiments on running stacks, queued runs, live events.")
public final class ServeCommand implements Callable<Integer> {

  /** What the server serves: the two ports, opened from the command's options. Tests replace it. */
  public interface Backends {
    Experiments experiments(Settings settings) throws IOException;

    RunQueue runQueue(Settings settings) throws IOException;
  }

  /**
   * The options the backends are opened with.
   *
   * @param stateDir the server's own state (token, queue, experiments)
   * @param outDir the parent of run folders
   * @param hostsFile the cluster's hosts file; empty: the local engine
   * @param maxAffected the blast-radius cap ({@code --max-affected}), or null for the default
   * @param catalog the run catalog's location, or null for the default
   * @param log the server's stderr
   */
  public record Settings(Path stateDir, Path outDir, Optional<Path> hostsFile, String maxAffected, String catalog, java.io.PrintStream log) {}

  @Option(names = "--port", paramLabel = "P", defaultValue = "8787", description = "the port (default: ${DEFAULT-VALUE}; 0: any free one)")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "the address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--hosts", paramLabel = "FILE", description = "the cluster's hosts file (default: the local Docker engine)")
  Path hosts;

  @Option(names = "--token-file", paramLabel = "F", description = "the bearer token's file (default: STATE_DIR/token, generated with mode 0600)")
  Path tokenFile;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "the run folders' parent (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "the server's state: token, queue, experiments (default: OUT/.serve)")
  Path stateDir;

  @Option(names = "--keystore", paramLabel = "F", description = "serve HTTPS with this PKCS12/JKS keystore")
  Path keystore;

  @Option(names = "--keystore-password-file", paramLabel = "F", description = "the keystore's password (its first line)")
  Path keystorePasswordFile;

  @Option(names = "--max-affected", paramLabel = "SPEC",
      description = "the blast-radius cap for experiments, as environment.safety.max_affected: all=50%%,web=1")
  String maxAffected;

  @Option(names = "--catalog", paramLabel = "LOCATION", description = "the run catalog (as master runs --catalog; 'none': a queue file instead)")
  String catalog;

  @Spec CommandSpec spec;

  /** The backends; replaced in tests. */
  Backends backends = new DefaultBackends();

  /** Counted down when the server is to stop (tests; the shutdown hook otherwise). */
  final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    PrintWriter outw = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path state = stateDir != null ? stateDir : out.resolve(".serve");
    var problems = new ArrayList<String>();
    if (hosts != null && !Files.isRegularFile(hosts)) problems.add(hosts + ":0:0: the hosts file does not exist");
    if (tokenFile != null && !Files.isReadable(tokenFile)) problems.add(tokenFile + ":0:0: the token file cannot be read");
    if (keystore != null && !Files.isReadable(keystore)) problems.add(keystore + ":0:0: the keystore cannot be read");
    if (keystore != null && keystorePasswordFile == null) problems.add("--keystore needs --keystore-password-file");
    if (keystorePasswordFile != null && !Files.isReadable(keystorePasswordFile)) problems.add(keystorePasswordFile + ":0:0: the password file cannot be read");
    if (port < 0 || port > 65535) problems.add("--port must be 0..65535, got " + port);
    if (!problems.isEmpty()) {
      problems.forEach(err::println);
      err.flush();
      return ExitCodes.INVALID_INPUT;
    }
    TokenCheck tokens;
    Path tokenAt = tokenFile != null ? tokenFile : state.resolve("token");
    try {
      Files.createDirectories(state);
      tokens = tokenFile != null ? TokenCheck.fromFile(tokenFile) : TokenCheck.generated(tokenAt);
    } catch (IOException e) {
      err.println(tokenAt + ":0:0: " + e.getMessage());
      err.flush();
      return ExitCodes.INVALID_INPUT;
    }
    ControlPlane.Tls tls = null;
    if (keystore != null) {
      String password = Files.readString(keystorePasswordFile, StandardCharsets.UTF_8).strip().split("\n", 2)[0].strip();
      tls = new ControlPlane.Tls(keystore, password);
    }
    var settings = new Settings(state, out, Optional.ofNullable(hosts), maxAffected, catalog, System.err);
    RunQueue queue;
    Experiments experiments;
    try {
      queue = backends.runQueue(settings);
    } catch (IOException | RuntimeException e) {
      err.println("error: cannot open the run queue: " + e.getMessage());
      err.flush();
      return ExitCodes.ENVIRONMENT;
    }
    try {
      experiments = backends.experiments(settings);
    } catch (IllegalArgumentException e) {
      queue.close();
      err.println("error: --max-affected: " + e.getMessage());
      err.flush();
      return ExitCodes.INVALID_INPUT;
    } catch (IOException | RuntimeException e) {
      queue.close();
      err.println("error: cannot open the experiments: " + e.getMessage());
      err.flush();
      return ExitCodes.ENVIRONMENT;
    }
    var server = new ControlPlane(new ControlPlane.Config(bind, port, tls), experiments, queue, RunFiles.under(out), tokens);
    URI uri;
    try {
      uri = server.start();
    } catch (RuntimeException e) {
      server.close();
      err.println("error: cannot listen on " + bind + ":" + port + ": " + rootMessage(e));
      err.flush();
      return ExitCodes.ENVIRONMENT;
    }
    var stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "master-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    outw.println(uri);
    outw.println("token: " + tokenAt.toAbsolutePath() + (tokenFile == null ? " (mode 0600)" : ""));
    outw.flush();
    try {
      stop.await();
    } finally {
      err.println("stopping: closing the run queue and rolling back experiments");
      err.flush();
      try {
        server.close();
      } finally {
        stopped.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is what woke us
        }
      }
    }
    return ExitCodes.OK;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The real ones: the persistent run queue (branch runqueue) and the local experiments (branch experiments). */
  static final class DefaultBackends implements Backends {
    @Override
    public Experiments experiments(Settings settings) {
      return LocalExperiments.create(settings.stateDir().resolve("experiments"), settings.outDir(), settings.hostsFile(),
          settings.maxAffected(), null);
    }

    @Override
    public RunQueue runQueue(Settings settings) throws IOException {
      return PersistentRunQueue.open(settings.stateDir(), settings.outDir(), settings.hostsFile(), settings.catalog(),
          SystemTime.INSTANCE, settings.log());
    }
  }
}
