package dev.reprise.master.ssh;

import dev.reprise.master.hosts.HostSpec;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One host the master reaches over SSH, in the master's words. {@link JschConnector} makes them;
 * tests use fakes. Safe to use from one thread at a time per method call; several threads may run
 * commands on one host at once (each gets its own channel). {@link IOException}s mean the host
 * could not be reached or the transfer broke; a command that ran and failed is an {@link ExecResult}
 * with a non-zero exit code.
 */
public interface RemoteHost extends Closeable {

  HostSpec spec();

  /** Runs {@code command} through the user's shell, waits at most {@code timeout}, returns its output. */
  default ExecResult exec(String command, Duration timeout) throws IOException {
    return exec(command, null, timeout);
  }

  /** As {@link #exec(String, Duration)}, with {@code input} (may be null) copied to the command's stdin, then EOF. */
  ExecResult exec(String command, InputStream input, Duration timeout) throws IOException;

  /** Starts {@code command} with its stdin/stdout as streams (the agent protocol); stderr is kept for diagnosis. */
  RemoteProcess start(String command) throws IOException;

  /** Copies a local file to {@code remotePath} (parents created), atomically (temp file + rename). */
  void upload(Path local, String remotePath) throws IOException;

  /** Copies {@code remotePath} to {@code local} (parents created). */
  void download(String remotePath, Path local) throws IOException;

  /**
   * Regular files below {@code remoteDir}, as paths relative to it with {@code /}; empty when the
   * folder does not exist.
   */
  List<String> listFiles(String remoteDir) throws IOException;

  /**
   * Relays a new unix socket on this machine to the unix socket {@code remoteSocketPath} on the host
   * (SSH {@code direct-streamlocal}, one channel per connection), for as long as this connection is
   * open, and returns the local socket's path. The local socket is in a folder only the current
   * user can enter, so no other user of this machine reaches the remote socket through it.
   * An {@link IOException} means the host's sshd refused (e.g. {@code AllowStreamLocalForwarding no})
   * or there is no such socket.
   */
  default Path forwardUnixSocket(String remoteSocketPath) throws IOException {
    throw new IOException(spec().name() + ": this connection cannot forward sockets");
  }

  /** Disconnects; running processes see their channels close. Idempotent. */
  @Override
  void close();
}
