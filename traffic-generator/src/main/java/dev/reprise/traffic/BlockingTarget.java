package dev.reprise.traffic;

import dev.reprise.time.Time;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A target whose client library blocks (Jedis, HttpClient's classic API): the operation runs on
 * the sender thread that issues it, so each sender holds at most one request at a time and
 * in-flight is at most {@code --threads}. Open-loop pacing is unchanged: latency is still measured
 * from the intended start, so a stalled server shows as latency and {@code behind_ms}.
 *
 * <p>A background connector calls {@link #connect()} every second until it succeeds (the target is
 * then {@link #connected() ready}); until then every operation fails at once as
 * {@link ErrorKind#NO_HOST}. {@code --storm} and {@code --leak} open plain TCP connections to
 * {@link #stressAddresses()} and send {@link #stressHello(InetSocketAddress)}, waiting for the
 * first line of the answer.
 */
abstract class BlockingTarget implements LoadTarget, ConnectionStress {

  private static final Logger LOG = LoggerFactory.getLogger(BlockingTarget.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  protected final TrafficOptions options;
  protected final Time clock;
  protected final String runId;
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final List<Socket> leaked = new CopyOnWriteArrayList<>();
  private final AtomicInteger stormOpen = new AtomicInteger();
  private final AtomicInteger stressTurn = new AtomicInteger();
  private volatile boolean ready;
  private volatile boolean closed;
  private volatile Instant connectedAt;
  private volatile String lastConnectError = "not tried yet";
  private Thread connector;

  BlockingTarget(TrafficOptions options, Time clock) {
    this.options = options;
    this.clock = clock;
    // Keys of --verify-writes are unique per run, so an earlier run's keys never hide a lost write.
    this.runId = Long.toString(clock.now().toEpochMilli(), 36) + Long.toString(options.seed() & 0xffff, 36);
  }

  /** Builds the client and proves the server answers; throws when it does not (retried in 1 s). */
  protected abstract void connect() throws Exception;

  /** Runs one operation to completion on the calling thread; throws how it failed. */
  protected abstract void executeBlocking(Operation op) throws Exception;

  /** Maps a client exception to the kind the per-second line counts. */
  protected abstract OperationFailedException classify(Throwable error);

  /** Where storm and leak connections go. */
  protected abstract List<InetSocketAddress> stressAddresses();

  /** The request a storm or leak connection sends (its answer's first line is awaited). */
  protected abstract byte[] stressHello(InetSocketAddress address);

  /** Closes the client. */
  protected abstract void closeClient();

  @Override
  public synchronized void start() {
    connector = new Thread(this::connectLoop, "traffic-connector");
    connector.setDaemon(true);
    connector.start();
  }

  private void connectLoop() {
    while (!closed && !ready) {
      attempts.incrementAndGet();
      try {
        connect();
        connectedAt = clock.now();
        ready = true;
        LOG.info("{} ready after {} attempt(s)", options.target().kind().jsonName(), attempts.get());
      } catch (Exception e) {
        failedAttempts.incrementAndGet();
        lastConnectError = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
        LOG.warn("cannot connect (attempt {}): {}; retrying in 1 s", attempts.get(), lastConnectError);
        try {
          clock.sleepUntilNanos(clock.nanoTime() + 1_000_000_000L);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public CompletionStage<Void> execute(Operation op) {
    if (!ready) {
      return CompletableFuture.failedFuture(new OperationFailedException(ErrorKind.NO_HOST, "NotConnected",
          "not connected yet: " + lastConnectError));
    }
    try {
      executeBlocking(op);
      return DONE;
    } catch (OperationFailedException e) {
      return CompletableFuture.failedFuture(e);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(classify(e));
    }
  }

  @Override
  public boolean connected() {
    return ready;
  }

  @Override
  public Map<String, Object> connectionHistory() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connected", ready);
    m.put("connected_at", connectedAt == null ? null : connectedAt.toString());
    m.put("attempts", attempts.get());
    m.put("failed_attempts", failedAttempts.get());
    m.put("last_error", ready ? null : lastConnectError);
    return m;
  }

  /** Every address of every {@code host} (a dnsrr {@code tasks.<service>} name yields all its tasks). */
  static List<InetSocketAddress> resolve(List<HostAndPort> hosts) {
    List<InetSocketAddress> all = new ArrayList<>();
    StringBuilder unresolved = new StringBuilder();
    for (HostAndPort h : hosts) {
      try {
        for (InetAddress a : InetAddress.getAllByName(h.host())) {
          all.add(new InetSocketAddress(a, h.port()));
        }
      } catch (IOException e) {
        unresolved.append(unresolved.length() == 0 ? "" : ", ").append(h.host());
      }
    }
    if (all.isEmpty()) {
      throw new IllegalStateException("no host resolves (" + unresolved + ")");
    }
    return all;
  }

  private Socket openStressSocket() {
    List<InetSocketAddress> addresses = stressAddresses();
    InetSocketAddress target = addresses.get(Math.floorMod(stressTurn.getAndIncrement(), addresses.size()));
    Socket socket = new Socket();
    try {
      int timeout = (int) options.clusterTimeout().toMillis();
      socket.connect(target, timeout);
      socket.setSoTimeout(timeout);
      OutputStream out = socket.getOutputStream();
      out.write(stressHello(target));
      out.flush();
      InputStream in = socket.getInputStream();
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed without an answer");
      }
      return socket;
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Already failing; the first error is the one worth reporting.
      }
      throw new IllegalStateException("cannot open a connection to " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void cycleSession() {
    Socket s = openStressSocket();
    stormOpen.incrementAndGet();
    try {
      s.close();
    } catch (IOException ignored) {
      // The connection was opened and answered; that is what the storm counts.
    } finally {
      stormOpen.decrementAndGet();
    }
  }

  @Override
  public void leakConnection() {
    leaked.add(openStressSocket());
  }

  @Override
  public int leakedConnections() {
    return leaked.size();
  }

  @Override
  public int stormConnections() {
    return stormOpen.get();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    closed = true;
    Thread c = connector;
    if (c != null) {
      c.interrupt();
    }
    for (Socket s : leaked) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Closing on the way out.
      }
    }
    leaked.clear();
    try {
      closeClient();
    } catch (RuntimeException e) {
      LOG.warn("client did not close cleanly: {}", e.toString());
    }
  }
}
