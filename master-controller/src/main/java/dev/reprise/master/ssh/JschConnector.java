package dev.reprise.master.ssh;

import com.jcraft.jsch.ChannelDirectStreamLocal;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import com.jcraft.jsch.UserInfo;
import dev.reprise.master.hosts.HostSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JSch adapter (the maintained fork, {@code com.github.mwiede:jsch}): ed25519 and RSA keys in
 * OpenSSH or PEM format (without passphrase), or a password. Host keys are checked against one
 * OpenSSH {@code known_hosts} file: a matching key is accepted; an unknown key is refused unless
 * {@code acceptNewHostKeys} (then it is appended to the file); a changed key is always refused with
 * both fingerprints. The only class that imports JSch. Thread-safe: connect from many threads at once.
 */
public final class JschConnector implements SshConnector {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  private final Path knownHosts;
  private final boolean acceptNewHostKeys;
  private final HostKeyRepository shared;
  private final JSch fingerprints = new JSch();

  public JschConnector(Path knownHosts, boolean acceptNewHostKeys) throws IOException {
    this.knownHosts = knownHosts;
    this.acceptNewHostKeys = acceptNewHostKeys;
    if (acceptNewHostKeys && !Files.exists(knownHosts)) {
      Files.createDirectories(knownHosts.toAbsolutePath().getParent());
      Files.createFile(knownHosts);
    }
    var base = new JSch();
    try {
      base.setKnownHosts(knownHosts.toString());
    } catch (JSchException e) {
      throw new IOException("cannot read known_hosts " + knownHosts + ": " + e.getMessage(), e);
    }
    this.shared = base.getHostKeyRepository();
  }

  @Override
  public RemoteHost connect(HostSpec host) throws IOException {
    var jsch = new JSch();
    var policy = new PolicyRepository();
    jsch.setHostKeyRepository(policy);
    try {
      if (host.privateKey() != null) jsch.addIdentity(host.privateKey().toString());
      Session s = jsch.getSession(host.user(), host.address(), host.port());
      if (host.password() != null) s.setPassword(host.password().reveal());
      s.setConfig("StrictHostKeyChecking", "yes");
      s.setConfig("PreferredAuthentications", host.privateKey() != null ? "publickey" : "password,keyboard-interactive");
      s.setServerAliveInterval(5000);
      s.setServerAliveCountMax(3);
      s.connect((int) CONNECT_TIMEOUT.toMillis());
      return new JschHost(host, s);
    } catch (JSchException e) {
      if (policy.refused != null) throw policy.refused;
      throw diagnose(host, e);
    }
  }

  private IOException diagnose(HostSpec host, JSchException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("invalid privatekey") || m.contains("invalid private key")) {
      return new IOException(host.name() + ": cannot use private_key " + host.privateKey()
          + " (" + m + "); use an unencrypted OpenSSH or PEM ed25519/RSA key");
    }
    if (m.contains("Auth fail") || m.contains("Auth cancel")) {
      return new IOException(host.name() + ": " + host.target() + " refused the login with "
          + (host.privateKey() != null ? "key " + host.privateKey() + " (is its public key in ~" + host.user() + "/.ssh/authorized_keys?)" : "the password"));
    }
    String cause = e.getCause() != null ? e.getCause().toString() : m;
    return new IOException(host.name() + ": cannot reach " + host.target() + ": " + cause, e);
  }

  private String fingerprint(HostKey k) {
    return k.getType() + " " + k.getFingerPrint(fingerprints);
  }

  /** The known_hosts policy for one connection: remembers why it refused, to say so. */
  private final class PolicyRepository implements HostKeyRepository {
    HostKeyException refused;

    @Override
    public int check(String host, byte[] key) {
      synchronized (shared) {
        int r = shared.check(host, key);
        if (r == OK) return OK;
        HostKey presented;
        try {
          presented = new HostKey(host, key);
        } catch (JSchException e) {
          refused = new HostKeyException(HostKeyException.Reason.UNKNOWN, host + ": unusable host key: " + e.getMessage());
          return NOT_INCLUDED;
        }
        if (r == CHANGED) {
          var known = new ArrayList<String>();
          for (HostKey k : shared.getHostKey(host, presented.getType())) known.add(fingerprint(k));
          refused = new HostKeyException(HostKeyException.Reason.CHANGED, "the host key of " + host + " has CHANGED: "
              + knownHosts + " has " + String.join(", ", known) + " but the host presented " + fingerprint(presented)
              + ". Someone may be intercepting the connection; if the host was reinstalled, remove the old key with "
              + "'ssh-keygen -R " + host + " -f " + knownHosts + "' and connect again.");
          return CHANGED;
        }
        if (!acceptNewHostKeys) {
          refused = new HostKeyException(HostKeyException.Reason.UNKNOWN, "the host key of " + host + " (" + fingerprint(presented)
              + ") is not in " + knownHosts + "; check the fingerprint on the host ('ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub') "
              + "and run again with --accept-new-host-keys to add it");
          return NOT_INCLUDED;
        }
        shared.add(presented, null);
        return OK;
      }
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
      synchronized (shared) {
        shared.add(hostkey, ui);
      }
    }

    @Override
    public void remove(String host, String type) {
      throw new UnsupportedOperationException("the master never removes known host keys");
    }

    @Override
    public void remove(String host, String type, byte[] key) {
      throw new UnsupportedOperationException("the master never removes known host keys");
    }

    @Override
    public String getKnownHostsRepositoryID() {
      return shared.getKnownHostsRepositoryID();
    }

    @Override
    public HostKey[] getHostKey() {
      synchronized (shared) {
        return shared.getHostKey();
      }
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
      synchronized (shared) {
        return shared.getHostKey(host, type);
      }
    }
  }

  /** One authenticated session; every call opens its own channel. */
  private static final class JschHost implements RemoteHost {
    private final HostSpec spec;
    private final Session session;
    private final List<UnixSocketForward> forwards = new java.util.concurrent.CopyOnWriteArrayList<>();

    JschHost(HostSpec spec, Session session) {
      this.spec = spec;
      this.session = session;
    }

    @Override
    public HostSpec spec() {
      return spec;
    }

    private ChannelExec open(String command) throws IOException {
      try {
        var ch = (ChannelExec) session.openChannel("exec");
        ch.setCommand(command);
        return ch;
      } catch (JSchException e) {
        throw new IOException(spec.name() + ": cannot open a channel: " + e.getMessage(), e);
      }
    }

    @Override
    public ExecResult exec(String command, InputStream input, Duration timeout) throws IOException {
      var ch = open(command);
      try {
        InputStream out = ch.getInputStream();
        InputStream err = ch.getErrStream();
        OutputStream in = ch.getOutputStream();
        ch.connect((int) CONNECT_TIMEOUT.toMillis());
        var errText = new FutureTask<>(() -> readAll(err));
        var outText = new FutureTask<>(() -> readAll(out));
        var feed = new FutureTask<Void>(() -> {
          try (in) {
            if (input != null) input.transferTo(in);
          }
          return null;
        });
        start(errText, "ssh-err-" + spec.name());
        start(outText, "ssh-out-" + spec.name());
        start(feed, "ssh-in-" + spec.name());
        try {
          String o = outText.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
          String e = errText.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
          if (input != null) feed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
          // the exit status arrives with the channel's close, just after the streams end
          long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
          while (!ch.isClosed() && System.nanoTime() < until) java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
          return new ExecResult(ch.isClosed() ? ch.getExitStatus() : -1, o, e);
        } catch (TimeoutException t) {
          return new ExecResult(-1, "", "timed out after " + timeout.toSeconds() + " s: " + command);
        } catch (ExecutionException x) {
          throw new IOException(spec.name() + ": '" + command + "' broke: " + x.getCause().getMessage(), x.getCause());
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while running '" + command + "' on " + spec.name());
        }
      } catch (JSchException e) {
        throw new IOException(spec.name() + ": cannot run '" + command + "': " + e.getMessage(), e);
      } finally {
        ch.disconnect();
      }
    }

    private static void start(Runnable r, String name) {
      var t = new Thread(r, name);
      t.setDaemon(true);
      t.start();
    }

    private static String readAll(InputStream in) throws IOException {
      var buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      return buf.toString(StandardCharsets.UTF_8);
    }

    @Override
    public RemoteProcess start(String command) throws IOException {
      var ch = open(command);
      try {
        InputStream out = ch.getInputStream();
        InputStream err = ch.getErrStream();
        OutputStream in = ch.getOutputStream();
        ch.connect((int) CONNECT_TIMEOUT.toMillis());
        var tail = new StringBuilder();
        start(() -> {
          byte[] b = new byte[4096];
          int n;
          try {
            while ((n = err.read(b)) > 0) {
              synchronized (tail) {
                tail.append(new String(b, 0, n, StandardCharsets.UTF_8));
                if (tail.length() > 8192) tail.delete(0, tail.length() - 8192);
              }
            }
          } catch (IOException ignored) {
            // the channel closed: the tail is what we have
          }
        }, "ssh-stderr-" + spec.name());
        return new RemoteProcess() {
          @Override
          public OutputStream stdin() {
            return in;
          }

          @Override
          public InputStream stdout() {
            return out;
          }

          @Override
          public String stderrTail() {
            synchronized (tail) {
              return tail.toString();
            }
          }

          @Override
          public Integer exitCode() {
            return ch.isClosed() ? ch.getExitStatus() : null;
          }

          @Override
          public void close() {
            ch.disconnect();
          }
        };
      } catch (JSchException e) {
        ch.disconnect();
        throw new IOException(spec.name() + ": cannot start '" + command + "': " + e.getMessage(), e);
      }
    }

    private ChannelSftp sftp() throws IOException {
      try {
        var ch = (ChannelSftp) session.openChannel("sftp");
        ch.connect((int) CONNECT_TIMEOUT.toMillis());
        return ch;
      } catch (JSchException e) {
        throw new IOException(spec.name() + ": cannot open SFTP (is the sftp subsystem enabled in sshd_config?): " + e.getMessage(), e);
      }
    }

    @Override
    public void upload(Path local, String remotePath) throws IOException {
      String dir = remotePath.contains("/") ? remotePath.substring(0, remotePath.lastIndexOf('/')) : ".";
      String tmp = remotePath + ".part";
      var mk = exec("mkdir -p " + Shell.quote(dir), Duration.ofSeconds(30));
      if (!mk.ok()) throw new IOException(spec.name() + ": cannot create " + dir + ": " + mk.summary());
      var ch = sftp();
      try {
        ch.put(local.toString(), tmp);
      } catch (SftpException e) {
        throw new IOException(spec.name() + ": cannot upload " + local + " to " + tmp + ": " + e.getMessage(), e);
      } finally {
        ch.disconnect();
      }
      var mv = exec("mv -f " + Shell.quote(tmp) + " " + Shell.quote(remotePath), Duration.ofSeconds(30));
      if (!mv.ok()) throw new IOException(spec.name() + ": cannot move " + tmp + " to " + remotePath + ": " + mv.summary());
    }

    @Override
    public void download(String remotePath, Path local) throws IOException {
      if (local.toAbsolutePath().getParent() != null) Files.createDirectories(local.toAbsolutePath().getParent());
      var ch = sftp();
      try {
        ch.get(remotePath, local.toString());
      } catch (SftpException e) {
        throw new IOException(spec.name() + ": cannot download " + remotePath + ": " + e.getMessage(), e);
      } finally {
        ch.disconnect();
      }
    }

    @Override
    public List<String> listFiles(String remoteDir) throws IOException {
      var r = exec("cd " + Shell.quote(remoteDir) + " 2>/dev/null && find . -type f | sort || true", Duration.ofSeconds(60));
      if (!r.ok()) throw new IOException(spec.name() + ": cannot list " + remoteDir + ": " + r.summary());
      var files = new ArrayList<String>();
      for (String line : r.stdout().split("\n")) {
        if (line.startsWith("./")) files.add(line.substring(2));
      }
      return files;
    }

    @Override
    public Path forwardUnixSocket(String remoteSocketPath) throws IOException {
      // One probe channel first, so a refusal (AllowStreamLocalForwarding no, no such socket) is an
      // error here rather than a reset connection on the first Docker call.
      streamLocal(remoteSocketPath, InputStream.nullInputStream(), OutputStream.nullOutputStream()).close();
      var forward = UnixSocketForward.start(spec.name(), (in, out) -> streamLocal(remoteSocketPath, in, out));
      forwards.add(forward);
      return forward.socket();
    }

    private java.io.Closeable streamLocal(String remoteSocketPath, InputStream in, OutputStream out) throws IOException {
      try {
        var ch = (ChannelDirectStreamLocal) session.openChannel("direct-streamlocal@openssh.com");
        ch.setSocketPath(remoteSocketPath);
        ch.setInputStream(in);
        ch.setOutputStream(out);
        ch.connect(10_000);
        return ch::disconnect;
      } catch (JSchException e) {
        throw new IOException(spec.name() + ": cannot reach " + remoteSocketPath + " through SSH (direct-streamlocal; the host's "
            + "sshd must allow AllowStreamLocalForwarding): " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      forwards.forEach(UnixSocketForward::close);
      session.disconnect();
    }
  }
}
