package dev.reprise.master.ssh;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A command running on a remote host over an SSH exec channel. Closing it closes the channel: the
 * remote process sees EOF on its stdin (the agent's dead-man switch acts on that).
 */
public interface RemoteProcess extends Closeable {
  /** The command's stdin. */
  OutputStream stdin();

  /** The command's stdout. */
  InputStream stdout();

  /** The last few KB the command wrote to stderr, for diagnosis. */
  String stderrTail();

  /** The exit code once the command ended, else null. */
  Integer exitCode();

  @Override
  void close();
}
