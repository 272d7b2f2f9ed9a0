package dev.reprise.master.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import dev.reprise.master.hosts.HostSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link JschConnector} against a real SSH server in this JVM (Apache MINA sshd on 127.0.0.1, an
 * ECDSA host key and an authorized_keys file made with {@code ssh-keygen}): RSA and ed25519 keys in
 * OpenSSH format and an RSA key in PEM format log in and run commands (exec and the streamed
 * {@code start} the agents use); a password logs in, by {@code password} or by
 * {@code keyboard-interactive}; a wrong password and a key the server does not know are refused
 * with messages that say so, and the password is in no message, stack trace or log line; a closed
 * port is "cannot reach", not a refused login; the known_hosts policy refuses an unknown host key
 * (unless new keys are accepted, then it is added) and a changed one, naming the fingerprints as
 * {@code ssh-keygen -l} prints them. ClusterIT covers ed25519 against the testbed's real sshd.
 */
class JschConnectorTest {
  static final String USER = "tester";
  static final String PASSWORD = "s3cret-Pa55word-7f1c";

  @TempDir static Path dir;
  static SshServer server;
  static Path knownHosts;
  static String hostKeyFingerprint;

  @BeforeAll
  static void startServer() throws Exception {
    Path hostKey = keygen("host_ecdsa", "-t", "ecdsa", "-b", "256");
    hostKeyFingerprint = fingerprint(hostKey);
    Path authorized = dir.resolve("authorized_keys");
    var lines = new ArrayList<String>();
    for (String key : List.of("id_rsa", "id_ed25519", "id_rsa_pem")) {
      switch (key) {
        case "id_rsa" -> keygen(key, "-t", "rsa", "-b", "3072");
        case "id_ed25519" -> keygen(key, "-t", "ed25519");
        default -> keygen(key, "-t", "rsa", "-b", "3072", "-m", "PEM");
      }
      lines.add(Files.readString(dir.resolve(key + ".pub")).strip());
    }
    keygen("id_stranger", "-t", "ed25519"); // not in authorized_keys
    Files.write(authorized, lines);

    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new FileKeyPairProvider(hostKey));
    server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorized));
    server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
    server.setKeyboardInteractiveAuthenticator(null);
    server.setCommandFactory((channel, command) -> new Reply(command));
    server.start();

    // every test but the host key ones trusts the server's key from the start
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " " + Files.readString(dir.resolve("host_ecdsa.pub")));
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) server.stop(true);
  }

  static HostSpec withKey(String key) {
    return new HostSpec("node-" + key, "127.0.0.1", server.getPort(), USER, dir.resolve(key), null, "/tmp/unused");
  }

  static HostSpec withPassword(String password) {
    return new HostSpec("node-pw", "127.0.0.1", server.getPort(), USER, null, new HostSpec.Secret(password), "/tmp/unused");
  }

  /** Logs in with {@code spec}, runs a command with input and one that fails, and checks both replies. */
  static void logsInAndRuns(JschConnector ssh, HostSpec spec) throws IOException {
    try (var host = ssh.connect(spec)) {
      var r = host.exec("hello there", new ByteArrayInputStream("from stdin".getBytes(StandardCharsets.UTF_8)), Duration.ofSeconds(10));
      assertThat(r.exitCode()).as(r.summary()).isZero();
      assertThat(r.stdout()).isEqualTo("user=" + USER + " command=hello there stdin=from stdin\n");
      var failed = host.exec("exit 3", Duration.ofSeconds(10));
      assertThat(failed.exitCode()).isEqualTo(3);
      assertThat(failed.stderr()).isEqualTo("failing as asked\n");
    }
  }

  @Test
  void rsaKeyInOpenSshFormatLogsInAndRunsACommand() throws Exception {
    assertThat(Files.readString(dir.resolve("id_rsa"))).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
    logsInAndRuns(new JschConnector(knownHosts, false), withKey("id_rsa"));
  }

  @Test
  void rsaKeyInPemFormatLogsIn() throws Exception {
    assertThat(Files.readString(dir.resolve("id_rsa_pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    logsInAndRuns(new JschConnector(knownHosts, false), withKey("id_rsa_pem"));
  }

  @Test
  void ed25519KeyLogsInAndRunsACommand() throws Exception {
    logsInAndRuns(new JschConnector(knownHosts, false), withKey("id_ed25519"));
  }

  @Test
  void severalHostsConnectAtOnceThroughOneConnector() throws Exception {
    var ssh = new JschConnector(knownHosts, false);
    var errors = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
    var threads = new ArrayList<Thread>();
    for (String key : List.of("id_rsa", "id_ed25519", "id_rsa_pem", "id_rsa", "id_ed25519")) {
      var t = new Thread(() -> {
        try {
          logsInAndRuns(ssh, withKey(key));
        } catch (Throwable e) {
          errors.add(e);
        }
      });
      threads.add(t);
      t.start();
    }
    for (var t : threads) t.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(errors).isEmpty();
  }

  @Test
  void aKeyTheServerDoesNotKnowIsRefusedWithAClearError() throws Exception {
    var spec = withKey("id_stranger");
    assertThatThrownBy(() -> new JschConnector(knownHosts, false).connect(spec))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(HostKeyException.class)
        .hasMessage("node-id_stranger: " + spec.target() + " refused the login with key " + dir.resolve("id_stranger")
            + " (is its public key in ~" + USER + "/.ssh/authorized_keys?)");
  }

  @Test
  void aFileThatIsNoKeyIsDiagnosed() throws Exception {
    Files.writeString(dir.resolve("not_a_key"), "hello\n");
    assertThatThrownBy(() -> new JschConnector(knownHosts, false).connect(withKey("not_a_key")))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("node-not_a_key: cannot use private_key " + dir.resolve("not_a_key"))
        .hasMessageEndingWith("use an unencrypted OpenSSH or PEM ed25519/RSA key");
  }

  @Test
  void passwordLogsInAndAWrongOneIsRefusedWithoutEverShowingThePassword() throws Exception {
    var captured = new Captured();
    try (captured) {
      logsInAndRuns(new JschConnector(knownHosts, false), withPassword(PASSWORD));

      String wrong = "wrong-" + PASSWORD;
      var spec = withPassword(wrong);
      IOException refused = null;
      try {
        new JschConnector(knownHosts, false).connect(spec).close();
      } catch (IOException e) {
        refused = e;
      }
      assertThat(refused).as("a wrong password is refused").isNotNull();
      assertThat(refused).isNotInstanceOf(HostKeyException.class)
          .hasMessage("node-pw: " + spec.target() + " refused the login with the password");
      var trace = new StringWriter();
      refused.printStackTrace(new PrintWriter(trace));
      assertThat(trace.toString()).doesNotContain(PASSWORD);
      assertThat(spec.toString()).doesNotContain(PASSWORD).contains("password ****");
    }
    assertThat(captured.events).as("log lines while logging in (root logger at TRACE)").isNotEmpty();
    for (var e : captured.events) {
      String line = e.getFormattedMessage() + (e.getThrowableProxy() != null ? ThrowableProxyUtil.asString(e.getThrowableProxy()) : "");
      assertThat(line).as("log line of " + e.getLoggerName()).doesNotContain(PASSWORD);
    }
    assertThat(captured.console.toString(StandardCharsets.UTF_8)).as("console output").doesNotContain(PASSWORD);
  }

  @Test
  void aPasswordAlsoAnswersAServerThatOnlyAsksByKeyboardInteractive() throws Exception {
    // e.g. sshd with PasswordAuthentication no and KbdInteractiveAuthentication yes (PAM)
    var kbd = SshServer.setUpDefaultServer();
    kbd.setHost("127.0.0.1");
    kbd.setPort(0);
    kbd.setKeyPairProvider(new FileKeyPairProvider(dir.resolve("host_ecdsa")));
    kbd.setUserAuthFactories(List.of(UserAuthKeyboardInteractiveFactory.INSTANCE));
    kbd.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
    kbd.setCommandFactory((channel, command) -> new Reply(command));
    kbd.start();
    try {
      Path known = dir.resolve("known_hosts_kbd");
      Files.writeString(known, "[127.0.0.1]:" + kbd.getPort() + " " + Files.readString(dir.resolve("host_ecdsa.pub")));
      var spec = new HostSpec("node-kbd", "127.0.0.1", kbd.getPort(), USER, null, new HostSpec.Secret(PASSWORD), "/tmp/unused");
      logsInAndRuns(new JschConnector(known, false), spec);
      var wrong = new HostSpec("node-kbd", "127.0.0.1", kbd.getPort(), USER, null, new HostSpec.Secret("nope-" + PASSWORD), "/tmp/unused");
      assertThatThrownBy(() -> new JschConnector(known, false).connect(wrong))
          .hasMessage("node-kbd: " + wrong.target() + " refused the login with the password");
    } finally {
      kbd.stop(true);
    }
  }

  @Test
  void aPortWhereNobodyListensIsUnreachableNotARefusedLogin() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    var spec = new HostSpec("node-gone", "127.0.0.1", port, USER, dir.resolve("id_rsa"), null, "/tmp/unused");
    assertThatThrownBy(() -> new JschConnector(knownHosts, false).connect(spec))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("node-gone: cannot reach " + spec.target() + ": ")
        .hasMessageContaining("Connection refused");
  }

  @Test
  void aStartedCommandStreamsStdinAndStdoutAndKeepsItsExitCodeAndStderr() throws Exception {
    try (var host = new JschConnector(knownHosts, false).connect(withKey("id_ed25519"))) {
      var echo = host.start("agent");
      echo.stdin().write("one line".getBytes(StandardCharsets.UTF_8));
      echo.stdin().close();
      assertThat(new String(echo.stdout().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("user=" + USER + " command=agent stdin=one line\n");
      assertThat(exitCodeOf(echo)).isZero();
      echo.close();

      var failing = host.start("exit 4");
      assertThat(failing.stdout().readAllBytes()).isEmpty();
      assertThat(exitCodeOf(failing)).isEqualTo(4);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (failing.stderrTail().isEmpty() && System.nanoTime() < until) Thread.sleep(20);
      assertThat(failing.stderrTail()).isEqualTo("failing as asked\n");
      failing.close();
    }
  }

  static Integer exitCodeOf(RemoteProcess p) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (p.exitCode() == null && System.nanoTime() < until) Thread.sleep(20);
    return p.exitCode();
  }

  @Test
  void anUnknownHostKeyIsRefusedUnlessNewKeysAreAcceptedThenItIsAddedAndTrusted() throws Exception {
    Path empty = dir.resolve("known_hosts_unknown");
    Files.writeString(empty, "");
    String host = "[127.0.0.1]:" + server.getPort();
    assertThatThrownBy(() -> new JschConnector(empty, false).connect(withKey("id_ed25519")))
        .isInstanceOfSatisfying(HostKeyException.class, e -> assertThat(e.reason()).isEqualTo(HostKeyException.Reason.UNKNOWN))
        .hasMessageContaining("the host key of " + host + " (ecdsa-sha2-nistp256 " + hostKeyFingerprint + ") is not in " + empty)
        .hasMessageContaining("--accept-new-host-keys");
    assertThat(Files.readString(empty)).isEmpty();

    Path created = dir.resolve("new/known_hosts");
    logsInAndRuns(new JschConnector(created, true), withKey("id_ed25519"));
    assertThat(Files.readAllLines(created)).singleElement().asString()
        .startsWith(host + " ecdsa-sha2-nistp256 ")
        .endsWith(Files.readString(dir.resolve("host_ecdsa.pub")).split(" ")[1]);
    // once added, the key is trusted without accepting new ones
    logsInAndRuns(new JschConnector(created, false), withKey("id_ed25519"));
  }

  @Test
  void aChangedHostKeyIsRefusedEvenWhenNewKeysAreAcceptedNamingBothFingerprints() throws Exception {
    Path other = keygen("other_host_ecdsa", "-t", "ecdsa", "-b", "256");
    Path stale = dir.resolve("known_hosts_stale");
    String host = "[127.0.0.1]:" + server.getPort();
    Files.writeString(stale, host + " " + Files.readString(dir.resolve("other_host_ecdsa.pub")));
    String before = Files.readString(stale);
    for (boolean acceptNew : List.of(false, true)) {
      assertThatThrownBy(() -> new JschConnector(stale, acceptNew).connect(withKey("id_ed25519")))
          .isInstanceOfSatisfying(HostKeyException.class, e -> assertThat(e.reason()).isEqualTo(HostKeyException.Reason.CHANGED))
          .hasMessageContaining("the host key of " + host + " has CHANGED")
          .hasMessageContaining(stale + " has ecdsa-sha2-nistp256 " + fingerprint(other))
          .hasMessageContaining("the host presented ecdsa-sha2-nistp256 " + hostKeyFingerprint)
          .hasMessageContaining("ssh-keygen -R " + host + " -f " + stale);
    }
    assertThat(Files.readString(stale)).as("known_hosts is left as it was").isEqualTo(before);
  }

  /** Runs {@code ssh-keygen -N '' -f dir/name args...} and returns the private key file. */
  static Path keygen(String name, String... args) throws IOException, InterruptedException {
    var cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-C", name + "@test", "-f", dir.resolve(name).toString()));
    cmd.addAll(List.of(args));
    var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    return dir.resolve(name);
  }

  /** The key's fingerprint as {@code ssh-keygen -l} prints it ({@code SHA256:...}), which users compare with. */
  static String fingerprint(Path privateKey) throws IOException, InterruptedException {
    var p = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", privateKey + ".pub").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.split(" ")[1];
  }

  /**
   * The server's one command: replies {@code user=<login> command=<command> stdin=<stdin>}, exit 0;
   * {@code exit N} writes to stderr and exits N instead.
   */
  static final class Reply implements Command {
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    Reply(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      String user = channel.getSession().getUsername();
      var t = new Thread(() -> {
        try {
          if (command.startsWith("exit ")) {
            err.write("failing as asked\n".getBytes(StandardCharsets.UTF_8));
            err.flush();
            exit.onExit(Integer.parseInt(command.substring(5)));
            return;
          }
          String stdin = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          out.write(("user=" + user + " command=" + command + " stdin=" + stdin + "\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          exit.onExit(0);
        } catch (IOException e) {
          exit.onExit(1, e.toString());
        }
      }, "reply-" + command);
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void destroy(ChannelSession channel) {
      // the reply thread ends with its streams
    }
  }

  /**
   * Everything logged (root logger at TRACE, console appenders detached) and printed to
   * System.out/err while open; restores both on close.
   */
  static final class Captured implements AutoCloseable {
    final List<ILoggingEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level level = root.getLevel();
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private final ListAppender<ILoggingEvent> list = new ListAppender<>() {
      @Override
      protected void append(ILoggingEvent e) {
        e.prepareForDeferredProcessing();
        events.add(e);
      }
    };
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    Captured() {
      root.iteratorForAppenders().forEachRemaining(detached::add);
      detached.forEach(root::detachAppender);
      list.setContext(root.getLoggerContext());
      list.start();
      root.addAppender(list);
      root.setLevel(Level.TRACE);
      var both = new PrintStream(console, true, StandardCharsets.UTF_8);
      System.setOut(both);
      System.setErr(both);
    }

    @Override
    public void close() {
      System.setOut(out);
      System.setErr(err);
      root.setLevel(level);
      root.detachAppender(list);
      list.stop();
      detached.forEach(root::addAppender);
    }
  }
}
