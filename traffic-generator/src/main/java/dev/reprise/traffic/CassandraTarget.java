package dev.reprise.traffic;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.ConnectionInitException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metrics.DefaultNodeMetric;
import com.datastax.oss.driver.api.core.metrics.DefaultSessionMetric;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import dev.reprise.time.Time;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra adapter: the only class that talks to the Apache Cassandra Java driver.
 *
 * <p>A background connector thread builds the session (resolving the contact points again at each
 * attempt, so {@code tasks.<service>} names that do not resolve yet are retried), creates the
 * keyspace and tables when missing, prepares the statements, and retries every second until it
 * succeeds or the target is closed. Once connected, the driver itself reconnects to nodes that go
 * down. Until then every operation fails at once as {@link ErrorKind#NO_HOST}.
 *
 * <p>Tables (created with a fixed table id derived from the keyspace name, so several generators
 * creating them at once converge on one table instead of conflicting):
 * {@code kv (k bigint PRIMARY KEY, v blob)} for plain operations and {@code wide (pk bigint, ck int,
 * v blob, PRIMARY KEY (pk, ck))} for {@code --amplification}: writes are unlogged single-partition
 * batches of {@value #BATCH_ROWS} rows with values 4 times {@code --value-size} (at least 4 KiB),
 * reads fetch up to {@value #WIDE_READ_ROWS} rows of one partition, and keys fall into 1/1000 as
 * many partitions, so partitions grow wide.
 */
public final class CassandraTarget implements LoadTarget, ConnectionStress {

  private static final Logger LOG = LoggerFactory.getLogger(CassandraTarget.class);
  static final int BATCH_ROWS = 20;
  static final int WIDE_READ_ROWS = 200;
  /** Leave this many file descriptors for the generator itself when leaking. */
  private static final long FD_RESERVE = 512;

  private final TrafficOptions options;
  private final Time clock;
  private final byte[] valuePool;
  private final int valueSize;
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final List<Socket> leaked = new CopyOnWriteArrayList<>();
  private final AtomicInteger stormOpen = new AtomicInteger();
  private final AtomicInteger leakTurn = new AtomicInteger();
  private volatile CqlSession session;
  private volatile PreparedStatement readStatement;
  private volatile PreparedStatement writeStatement;
  private volatile PreparedStatement verifyWriteStatement;
  private volatile PreparedStatement verifyReadStatement;
  /** Rows of --verify-writes are keyed by this run's id, so an earlier run's rows never hide a lost write. */
  private final String runId;
  private volatile Instant connectedAt;
  private volatile String lastConnectError = "not tried yet";
  private volatile boolean closed;
  private Thread connector;

  public CassandraTarget(TrafficOptions options, Time clock) {
    this.options = options;
    this.clock = clock;
    this.valueSize = options.amplification() ? Math.max(4096, options.valueSize() * 4) : options.valueSize();
    // Random (incompressible) bytes from the seed; each value is a slice at a key-dependent offset.
    this.valuePool = new byte[valueSize + 65_536];
    this.runId = Long.toString(clock.now().toEpochMilli(), 36) + Long.toString(options.seed() & 0xffff, 36);
    new SplittableRandom(options.seed()).nextBytes(valuePool);
  }

  @Override
  public synchronized void start() {
    connector = new Thread(this::connectLoop, "traffic-connector");
    connector.setDaemon(true);
    connector.start();
  }

  private void connectLoop() {
    while (!closed && session == null) {
      attempts.incrementAndGet();
      CqlSession s = null;
      try {
        s = builder(false).build();
        createSchema(s);
        String ks = options.keyspace();
        if (options.amplification()) {
          writeStatement = s.prepare("INSERT INTO " + ks + ".wide (pk, ck, v) VALUES (?, ?, ?)");
          readStatement = s.prepare("SELECT ck, v FROM " + ks + ".wide WHERE pk = ? LIMIT " + WIDE_READ_ROWS);
        } else {
          writeStatement = s.prepare("INSERT INTO " + ks + ".kv (k, v) VALUES (?, ?)");
          readStatement = s.prepare("SELECT v FROM " + ks + ".kv WHERE k = ?");
        }
        if (options.verifyWrites()) {
          verifyWriteStatement = s.prepare("INSERT INTO " + ks + ".verified (run, seq, v) VALUES (?, ?, ?)");
          verifyReadStatement = s.prepare("SELECT seq FROM " + ks + ".verified WHERE run = ? AND seq = ?");
        }
        // Ready means schema agreed and a probe written and read back at the run's consistency, so
        // the first scheduled operations do not measure a keyspace still settling.
        long agreeDeadline = clock.nanoTime() + Math.max(10_000, options.clusterTimeout().toMillis()) * 1_000_000L;
        while (!s.checkSchemaAgreement()) {
          if (clock.nanoTime() > agreeDeadline) {
            throw new IllegalStateException("schema not agreed within the deadline");
          }
          clock.sleepUntilNanos(clock.nanoTime() + 200_000_000L);
        }
        if (!options.amplification()) {
          s.execute(writeStatement.bind(-1L, ByteBuffer.wrap(new byte[0])));
          s.execute(readStatement.bind(-1L));
        }
        if (closed) {
          s.close();
          return;
        }
        connectedAt = clock.now();
        session = s;
        LOG.info("connected to {} after {} attempt(s)", options.hosts(), attempts.get());
      } catch (RuntimeException | InterruptedException e) {
        if (e instanceof InterruptedException) {
          return;
        }
        failedAttempts.incrementAndGet();
        lastConnectError = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
        LOG.warn("cannot connect to {} (attempt {}): {}; retrying in 1 s", options.hosts(), attempts.get(),
            lastConnectError);
        if (s != null) {
          s.closeAsync();
        }
        try {
          clock.sleepUntilNanos(clock.nanoTime() + 1_000_000_000L);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private void createSchema(CqlSession s) {
    String ks = options.keyspace();
    Duration ddlTimeout = Duration.ofMillis(Math.max(10_000, options.clusterTimeout().toMillis()));
    run(s, "CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = " + options.replication().cql(), ddlTimeout);
    run(s, "CREATE TABLE IF NOT EXISTS " + ks + ".kv (k bigint PRIMARY KEY, v blob) WITH ID = "
        + tableId(ks, "kv"), ddlTimeout);
    if (options.verifyWrites()) {
      run(s, "CREATE TABLE IF NOT EXISTS " + ks + ".verified (run text, seq bigint, v blob, PRIMARY KEY ((run, seq)))"
          + " WITH ID = " + tableId(ks, "verified"), ddlTimeout);
    }
    run(s, "CREATE TABLE IF NOT EXISTS " + ks + ".wide (pk bigint, ck int, v blob, PRIMARY KEY (pk, ck)) WITH ID = "
        + tableId(ks, "wide"), ddlTimeout);
  }

  private static void run(CqlSession s, String cql, Duration timeout) {
    s.execute(SimpleStatement.newInstance(cql).setTimeout(timeout));
  }

  static UUID tableId(String keyspace, String table) {
    return UUID.nameUUIDFromBytes(("dev.reprise.traffic:" + keyspace + "." + table).getBytes(StandardCharsets.UTF_8));
  }

  private CqlSessionBuilder builder(boolean light) {
    Duration timeout = options.clusterTimeout();
    ProgrammaticDriverConfigLoaderBuilder config = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, timeout)
        .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, timeout)
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, timeout)
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, timeout)
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT,
            Duration.ofMillis(Math.max(10_000, timeout.toMillis())))
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, options.consistency())
        .withString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, options.datacenter())
        // Notice a node that comes back within a second or two: recovery is what a fault run measures.
        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(2))
        .withInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS, Math.max(1024, Math.min(32_768, options.maxInFlight())))
        .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true);
    if (light) {
      config = config
          .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
          .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
          .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, 1)
          .withInt(DefaultDriverOption.NETTY_IO_SIZE, 1)
          .withInt(DefaultDriverOption.NETTY_ADMIN_SIZE, 1);
    } else {
      config = config
          // The driver's request timer discards values above its ceiling (3 s by default); a fault
          // run produces slower answers than that.
          .withDuration(DefaultDriverOption.METRICS_SESSION_CQL_REQUESTS_HIGHEST, Duration.ofMinutes(2))
          .withDuration(DefaultDriverOption.METRICS_NODE_CQL_MESSAGES_HIGHEST, Duration.ofMinutes(2))
          .withStringList(DefaultDriverOption.METRICS_SESSION_ENABLED, List.of(
              DefaultSessionMetric.CQL_REQUESTS.getPath(), DefaultSessionMetric.CQL_CLIENT_TIMEOUTS.getPath(),
              DefaultSessionMetric.BYTES_SENT.getPath(), DefaultSessionMetric.BYTES_RECEIVED.getPath(),
              DefaultSessionMetric.CONNECTED_NODES.getPath()))
          .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, List.of(
              DefaultNodeMetric.OPEN_CONNECTIONS.getPath(), DefaultNodeMetric.IN_FLIGHT.getPath(),
              DefaultNodeMetric.UNSENT_REQUESTS.getPath(), DefaultNodeMetric.ABORTED_REQUESTS.getPath(),
              DefaultNodeMetric.READ_TIMEOUTS.getPath(), DefaultNodeMetric.WRITE_TIMEOUTS.getPath(),
              DefaultNodeMetric.UNAVAILABLES.getPath(), DefaultNodeMetric.OTHER_ERRORS.getPath(),
              DefaultNodeMetric.RETRIES.getPath(), DefaultNodeMetric.CONNECTION_INIT_ERRORS.getPath()));
    }
    CqlSessionBuilder b = CqlSession.builder().withConfigLoader(config.build());
    for (InetSocketAddress a : resolveHosts()) {
      b.addContactPoint(a);
    }
    return b;
  }

  /** Every address of every host (a dnsrr {@code tasks.<service>} name yields all its tasks). */
  private List<InetSocketAddress> resolveHosts() {
    List<InetSocketAddress> all = new ArrayList<>();
    StringBuilder unresolved = new StringBuilder();
    for (HostAndPort h : options.hosts()) {
      try {
        for (InetAddress a : InetAddress.getAllByName(h.host())) {
          all.add(new InetSocketAddress(a, h.port()));
        }
      } catch (IOException e) {
        unresolved.append(unresolved.length() == 0 ? "" : ", ").append(h.host());
      }
    }
    if (all.isEmpty()) {
      throw new IllegalStateException("no contact point resolves (" + unresolved + ")");
    }
    return all;
  }

  @Override
  public CompletionStage<Void> execute(Operation op) {
    CqlSession s = session;
    if (s == null) {
      return CompletableFuture.failedFuture(new OperationFailedException(ErrorKind.NO_HOST, "NotConnected",
          "not connected yet: " + lastConnectError));
    }
    Statement<?> statement = statement(op);
    return s.executeAsync(statement).handle((rs, error) -> {
      if (error != null) {
        throw failure(error);
      }
      return null;
    });
  }

  private Statement<?> statement(Operation op) {
    if (options.verifyWrites() && op.kind() == OpKind.WRITE) {
      return verifyWriteStatement.bind(runId, op.index(), value(op.key()));
    }
    if (!options.amplification()) {
      return op.kind() == OpKind.READ ? readStatement.bind(op.key()) : writeStatement.bind(op.key(), value(op.key()));
    }
    long pk = op.key() % Math.max(1, options.keyCount() / 1000);
    if (op.kind() == OpKind.READ) {
      return readStatement.bind(pk);
    }
    BatchStatementBuilder batch = new BatchStatementBuilder(BatchType.UNLOGGED);
    for (int i = 0; i < BATCH_ROWS; i++) {
      int ck = (int) Long.remainderUnsigned(Workload.mix(op.index() * BATCH_ROWS + i), 1_000_000);
      batch.addStatement(writeStatement.bind(pk, ck, value(op.key() + i)));
    }
    return batch.build();
  }

  private ByteBuffer value(long key) {
    int offset = (int) Long.remainderUnsigned(Workload.mix(key), valuePool.length - valueSize + 1);
    return ByteBuffer.wrap(valuePool, offset, valueSize).slice();
  }

  /** Maps a driver exception to the kind the per-second line counts. */
  static OperationFailedException failure(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String name = e.getClass().getSimpleName();
    ErrorKind kind;
    if (e instanceof DriverTimeoutException || e instanceof ReadTimeoutException
        || e instanceof WriteTimeoutException) {
      kind = ErrorKind.TIMEOUT;
    } else if (e instanceof UnavailableException) {
      kind = ErrorKind.UNAVAILABLE;
    } else if (e instanceof NoNodeAvailableException || e instanceof ClosedConnectionException
        || e instanceof HeartbeatException || e instanceof ConnectionInitException) {
      kind = ErrorKind.NO_HOST;
    } else if (e instanceof AllNodesFailedException all) {
      // Every node tried failed: a timeout if they all timed out, otherwise no usable host.
      List<Throwable> causes = all.getAllErrors().values().stream().flatMap(List::stream).toList();
      boolean allTimeouts = !causes.isEmpty() && causes.stream().allMatch(c -> c instanceof DriverTimeoutException
          || c instanceof QueryConsistencyException);
      kind = allTimeouts ? ErrorKind.TIMEOUT : ErrorKind.NO_HOST;
    } else {
      kind = ErrorKind.OTHER;
    }
    return new OperationFailedException(kind, name, firstLine(e.getMessage()));
  }

  @Override
  public boolean verifiesWrites() {
    return true;
  }

  /** Reads every acknowledged write's row back at the run's consistency, 256 requests at a time. */
  @Override
  public WriteCheck verifyWrites(long[] acknowledged, Duration timeout) {
    CqlSession s = session;
    if (s == null) {
      throw new IllegalStateException("not connected");
    }
    long deadline = clock.nanoTime() + timeout.toNanos();
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(256);
    java.util.concurrent.atomic.AtomicLong lost = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong unreadable = new java.util.concurrent.atomic.AtomicLong();
    List<Long> firstLost = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      for (long index : acknowledged) {
        if (!window.tryAcquire(Math.max(1, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS)) {
          throw new IllegalStateException("verification took longer than " + timeout.toSeconds() + " s");
        }
        s.executeAsync(verifyReadStatement.bind(runId, index)).whenComplete((rs, error) -> {
          if (error != null) {
            unreadable.incrementAndGet();
          } else if (rs.one() == null) {
            lost.incrementAndGet();
            if (firstLost.size() < 20) {
              firstLost.add(index);
            }
          }
          window.release();
        });
      }
      if (!window.tryAcquire(256, Math.max(1, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("verification took longer than " + timeout.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while verifying");
    }
    if (unreadable.get() > 0) {
      throw new IllegalStateException(unreadable.get() + " of " + acknowledged.length
          + " acknowledged writes could not be read back (" + lost.get() + " missing among the rest)");
    }
    return new WriteCheck(acknowledged.length, lost.get(), List.copyOf(firstLost));
  }

  @Override
  public boolean connected() {
    return session != null;
  }

  @Override
  public int openConnections() {
    CqlSession s = session;
    if (s == null) {
      return 0;
    }
    int n = 0;
    for (Node node : s.getMetadata().getNodes().values()) {
      n += node.getOpenConnections();
    }
    return n;
  }

  @Override
  public Map<String, Object> counters() {
    CqlSession s = session;
    Map<String, Object> m = new TreeMap<>();
    if (s == null || s.getMetrics().isEmpty()) {
      return m;
    }
    MetricRegistry registry = (MetricRegistry) s.getMetrics().get().getRegistry();
    for (Map.Entry<String, Metric> e : registry.getMetrics().entrySet()) {
      // Names are "<session>.<metric>" or "<session>.nodes.<node>.<metric>"; drop the session prefix.
      String name = e.getKey().substring(e.getKey().indexOf('.') + 1);
      Metric metric = e.getValue();
      if (metric instanceof Timer t) {
        Map<String, Object> tm = new LinkedHashMap<>();
        tm.put("count", t.getCount());
        tm.put("mean_rate_per_s", Math.round(t.getMeanRate() * 10) / 10.0);
        tm.put("p99_ms", Math.round(t.getSnapshot().get99thPercentile() / 1e3) / 1e3);
        m.put(name, tm);
      } else if (metric instanceof Counting c) {
        m.put(name, c.getCount());
      } else if (metric instanceof Gauge<?> g) {
        m.put(name, g.getValue());
      }
    }
    return m;
  }

  @Override
  public Map<String, Object> connectionHistory() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connected", session != null);
    m.put("connected_at", connectedAt == null ? null : connectedAt.toString());
    m.put("attempts", attempts.get());
    m.put("failed_attempts", failedAttempts.get());
    m.put("last_error", session == null ? lastConnectError : null);
    return m;
  }

  @Override
  public void cycleSession() {
    CqlSession s = builder(true).build();
    stormOpen.incrementAndGet();
    try {
      s.close();
    } finally {
      stormOpen.decrementAndGet();
    }
  }

  @Override
  public void leakConnection() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os
        && os.getOpenFileDescriptorCount() > os.getMaxFileDescriptorCount() - FD_RESERVE) {
      throw new IllegalStateException("file descriptor limit nearly reached (" + os.getOpenFileDescriptorCount()
          + " of " + os.getMaxFileDescriptorCount() + "); not leaking more");
    }
    List<InetSocketAddress> hosts = resolveHosts();
    InetSocketAddress target = hosts.get(Math.floorMod(leakTurn.getAndIncrement(), hosts.size()));
    Socket socket = new Socket();
    try {
      int timeout = (int) options.clusterTimeout().toMillis();
      socket.connect(target, timeout);
      socket.setSoTimeout(timeout);
      // A real CQL connection (STARTUP answered by READY), so it holds a server-side client slot.
      OutputStream out = socket.getOutputStream();
      out.write(STARTUP_V4);
      out.flush();
      byte[] header = new byte[9];
      new DataInputStream(socket.getInputStream()).readFully(header);
      if (header[4] != 0x02) {
        throw new IOException("server answered STARTUP with opcode " + header[4] + " instead of READY");
      }
      leaked.add(socket);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Already failing; the first error is the one worth reporting.
      }
      throw new IllegalStateException("cannot open a connection to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Protocol v4 STARTUP frame: header (version, flags, stream 0, opcode 1, length) + {CQL_VERSION: 3.0.0}. */
  private static final byte[] STARTUP_V4 = startupFrame();

  private static byte[] startupFrame() {
    byte[] k = "CQL_VERSION".getBytes(StandardCharsets.US_ASCII);
    byte[] v = "3.0.0".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer body = ByteBuffer.allocate(2 + 2 + k.length + 2 + v.length);
    body.putShort((short) 1).putShort((short) k.length).put(k).putShort((short) v.length).put(v);
    ByteBuffer frame = ByteBuffer.allocate(9 + body.capacity());
    frame.put((byte) 0x04).put((byte) 0).putShort((short) 0).put((byte) 0x01).putInt(body.capacity()).put(body.array());
    return frame.array();
  }

  @Override
  public int leakedConnections() {
    return leaked.size();
  }

  @Override
  public int stormConnections() {
    return stormOpen.get();
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
        // Closing on the way out; nothing to do about a socket that will not close.
      }
    }
    leaked.clear();
    CqlSession s = session;
    if (s != null) {
      try {
        s.closeAsync().toCompletableFuture().get(3, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("session did not close within 3 s: {}", e.toString());
      }
    }
  }
}
