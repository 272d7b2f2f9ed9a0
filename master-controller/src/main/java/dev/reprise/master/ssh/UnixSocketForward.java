package dev.reprise.master.ssh;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A unix socket on this machine that relays every connection to a remote endpoint (the SSH adapter
 * opens one {@code direct-streamlocal} channel per connection). The socket lives in a fresh folder
 * only the current user can enter (0700; the socket itself 0600), so — unlike a forwarded loopback
 * TCP port — no other local user can reach the remote endpoint through it. {@link #close()} stops
 * accepting, closes every relayed connection and removes the socket and its folder.
 */
public final class UnixSocketForward implements Closeable {
  /** Opens the remote side of one relayed connection, pumping {@code fromClient} to it and its replies to {@code toClient}. */
  @FunctionalInterface
  public interface Remote {
    Closeable open(InputStream fromClient, OutputStream toClient) throws IOException;
  }

  private final Path dir;
  private final Path socket;
  private final ServerSocketChannel server;
  private final Remote remote;
  private final String name;
  private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private UnixSocketForward(Path dir, ServerSocketChannel server, Remote remote, String name) {
    this.dir = dir;
    this.socket = dir.resolve("docker.sock");
    this.server = server;
    this.remote = remote;
    this.name = name;
  }

  /**
   * Starts listening in a new private folder under the system temp folder.
   *
   * @param name for the accept thread and error messages (e.g. the host's name)
   */
  public static UnixSocketForward start(String name, Remote remote) throws IOException {
    Path dir = Files.createTempDirectory("reprise-fwd-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    ServerSocketChannel server = null;
    try {
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(dir.resolve("docker.sock")));
      Files.setPosixFilePermissions(dir.resolve("docker.sock"), PosixFilePermissions.fromString("rw-------"));
      var forward = new UnixSocketForward(dir, server, remote, name);
      var t = new Thread(forward::acceptLoop, "forward-" + name);
      t.setDaemon(true);
      t.start();
      return forward;
    } catch (IOException | RuntimeException e) {
      if (server != null) server.close();
      Files.deleteIfExists(dir.resolve("docker.sock"));
      Files.deleteIfExists(dir);
      throw e;
    }
  }

  /** The local socket to connect to. */
  public Path socket() {
    return socket;
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (closed) return;
        System.err.println("warning: " + name + ": the forward cannot accept a connection: " + e.getMessage());
        return;
      }
      try {
        var in = new ChannelIn(client);
        var out = new ChannelOut(client);
        var channel = remote.open(in, out);
        if (!register(client, channel)) return;
      } catch (IOException | RuntimeException e) {
        System.err.println("warning: " + name + ": cannot open the remote end of a forwarded connection: " + e.getMessage());
        closeQuietly(client);
      }
    }
  }

  /**
   * Records a relayed connection so {@link #close()} closes it; when the forward was closed while
   * the remote end was opening, closes both at once instead and answers false.
   */
  private boolean register(SocketChannel client, Closeable channel) {
    synchronized (open) {
      if (!closed) {
        open.add(client);
        open.add(channel);
        return true;
      }
    }
    closeQuietly(channel);
    closeQuietly(client);
    return false;
  }

  @Override
  public void close() {
    List<Closeable> relayed;
    synchronized (open) {
      closed = true;
      relayed = new ArrayList<>(open);
      open.clear();
    }
    closeQuietly(server);
    relayed.forEach(UnixSocketForward::closeQuietly);
    try {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // an empty private folder left in the temp folder
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
  }

  /**
   * Stream views of a socket channel without {@code Channels.newInputStream}'s blocking lock, which
   * a concurrent reader and writer on one channel would deadlock on.
   */
  private static final class ChannelIn extends InputStream {
    private final SocketChannel ch;

    ChannelIn(SocketChannel ch) {
      this.ch = ch;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      try {
        return ch.read(ByteBuffer.wrap(b, off, len));
      } catch (ClosedChannelException e) {
        return -1;
      }
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  private static final class ChannelOut extends OutputStream {
    private final SocketChannel ch;

    ChannelOut(SocketChannel ch) {
      this.ch = ch;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      var buf = ByteBuffer.wrap(b, off, len);
      while (buf.hasRemaining()) ch.write(buf);
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
