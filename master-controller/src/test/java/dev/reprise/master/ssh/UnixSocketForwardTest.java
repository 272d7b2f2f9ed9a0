package dev.reprise.master.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The local relay socket, with an in-process remote that answers each line upper-cased. */
class UnixSocketForwardTest {
  final AtomicInteger opened = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();

  /** A remote end that upper-cases what it reads until the client closes, on its own thread (as JSch's channel does). */
  UnixSocketForward.Remote upperCasing() {
    return (in, out) -> {
      opened.incrementAndGet();
      var t = new Thread(() -> {
        byte[] buf = new byte[256];
        try {
          int n;
          while ((n = in.read(buf, 0, buf.length)) > 0) {
            out.write(new String(buf, 0, n, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
        } catch (IOException ignored) {
          // closed
        }
      });
      t.setDaemon(true);
      t.start();
      return closed::incrementAndGet;
    };
  }

  static String roundTrip(SocketChannel ch, String text) throws IOException {
    ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    var buf = ByteBuffer.allocate(text.length());
    while (buf.hasRemaining() && ch.read(buf) >= 0) {
      // until the whole answer is in
    }
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
  }

  @Test void relaysEachConnectionToItsOwnRemoteEndBothWays() throws Exception {
    try (var forward = UnixSocketForward.start("h1", upperCasing());
        var a = SocketChannel.open(StandardProtocolFamily.UNIX);
        var b = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      a.connect(UnixDomainSocketAddress.of(forward.socket()));
      b.connect(UnixDomainSocketAddress.of(forward.socket()));
      assertThat(roundTrip(a, "hello")).isEqualTo("HELLO");
      assertThat(roundTrip(b, "docker")).isEqualTo("DOCKER");
      assertThat(roundTrip(a, "again")).isEqualTo("AGAIN");
      assertThat(opened).hasValue(2);
    }
    // each relay's remote end is closed by its own thread once the forward is closed: wait for both
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    while (closed.get() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(closed).hasValue(2);
  }

  @Test void onlyTheCurrentUserCanReachTheSocketAndCloseRemovesIt() throws Exception {
    var forward = UnixSocketForward.start("h1", upperCasing());
    var socket = forward.socket();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
    forward.close();
    assertThat(socket).doesNotExist();
    assertThat(socket.getParent()).doesNotExist();
    forward.close(); // idempotent
  }

  @Test void aRemoteThatRefusesClosesTheClientAndTheForwardGoesOn() throws Exception {
    var refusals = new AtomicInteger();
    UnixSocketForward.Remote flaky = (in, out) -> {
      if (refusals.getAndIncrement() == 0) throw new IOException("open failed (administratively prohibited)");
      return upperCasing().open(in, out);
    };
    try (var forward = UnixSocketForward.start("h1", flaky)) {
      try (var first = SocketChannel.open(UnixDomainSocketAddress.of(forward.socket()))) {
        assertThat(first.read(ByteBuffer.allocate(1))).isEqualTo(-1);
      }
      try (var second = SocketChannel.open(UnixDomainSocketAddress.of(forward.socket()))) {
        assertThat(roundTrip(second, "ok")).isEqualTo("OK");
      }
    }
  }
}
