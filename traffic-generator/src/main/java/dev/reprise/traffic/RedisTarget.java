package dev.reprise.traffic;

import dev.reprise.time.Time;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.Pool;

/**
 * The Redis adapter, the only class that talks to Jedis: reads are {@code GET}, writes {@code SET}
 * of {@code --value-size} bytes, keys {@code <keyspace>:<key>}. With {@code --hosts}, one pooled
 * client per address (operation {@code i} goes to address {@code i mod n}); with
 * {@code --sentinels}, one client that asks the sentinels for the master of {@code --master-name}
 * and follows it when they fail over (Jedis listens for {@code +switch-master}). The master seen at
 * the end of every interval is recorded, so the final log lists each change with its instant.
 *
 * <p>With {@code --verify-writes}, write {@code i} sets its own key {@code <keyspace>:v:<run>:<i>};
 * {@link #verifyWrites} reads them back with {@code MGET} in batches.
 *
 * <p>Errors: connection problems are {@code no_host} ({@code timeout} when the socket timed out);
 * {@code READONLY}, {@code LOADING}, {@code MASTERDOWN}, {@code NOREPLICAS} answers (a replica or a
 * master that cannot serve) are {@code unavailable}; anything else is {@code other}.
 */
final class RedisTarget extends BlockingTarget {

  private static final int VALUES = 64;
  private static final int VERIFY_BATCH = 500;

  private final byte[][] values;
  private final String prefix;
  private final List<UnifiedJedis> clients = new CopyOnWriteArrayList<>();
  private final List<Map<String, Object>> masterChanges = new CopyOnWriteArrayList<>();
  private volatile RedisSentinelClient sentinelClient;
  private volatile String lastMaster;

  RedisTarget(TrafficOptions options, Time clock) {
    super(options, clock);
    this.prefix = options.keyspace() + ":";
    SplittableRandom random = new SplittableRandom(options.seed());
    values = new byte[VALUES][];
    for (int i = 0; i < VALUES; i++) {
      values[i] = new byte[options.valueSize()];
      random.nextBytes(values[i]);
    }
  }

  private JedisClientConfig clientConfig() {
    int timeout = (int) options.clusterTimeout().toMillis();
    return DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout)
        .clientName("reprise-traffic").build();
  }

  private ConnectionPoolConfig poolConfig() {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    // One connection per sender, plus the reporter's and the verifier's.
    pool.setMaxTotal(options.threads() + 2);
    pool.setMaxIdle(options.threads() + 2);
    pool.setMaxWait(options.clusterTimeout());
    pool.setTestOnBorrow(false);
    pool.setTestWhileIdle(false);
    pool.setJmxEnabled(false);
    return pool;
  }

  @Override
  protected void connect() {
    closeClient();
    if (!options.target().sentinels().isEmpty()) {
      Set<redis.clients.jedis.HostAndPort> sentinels = new LinkedHashSet<>();
      for (HostAndPort s : options.target().sentinels()) {
        sentinels.add(new redis.clients.jedis.HostAndPort(s.host(), s.port()));
      }
      int timeout = (int) options.clusterTimeout().toMillis();
      RedisSentinelClient client = RedisSentinelClient.builder().masterName(options.target().masterName())
          .sentinels(sentinels).clientConfig(clientConfig())
          .sentinelClientConfig(DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeout)
              .socketTimeoutMillis(timeout).build())
          .poolConfig(poolConfig()).build();
      sentinelClient = client;
      clients.add(client);
      client.ping();
      lastMaster = client.getCurrentMaster().toString();
      return;
    }
    List<UnifiedJedis> built = new ArrayList<>();
    try {
      for (InetSocketAddress a : resolve(options.hosts())) {
        RedisClient c = RedisClient.builder().hostAndPort(a.getHostString(), a.getPort()).clientConfig(clientConfig())
            .poolConfig(poolConfig()).build();
        built.add(c);
        c.ping();
      }
    } catch (RuntimeException e) {
      built.forEach(UnifiedJedis::close);
      throw e;
    }
    clients.addAll(built);
  }

  private UnifiedJedis client(long index) {
    List<UnifiedJedis> c = clients;
    return c.get((int) Math.floorMod(index, (long) c.size()));
  }

  byte[] key(long key) {
    return (prefix + key).getBytes(StandardCharsets.US_ASCII);
  }

  byte[] verifyKey(long index) {
    return (prefix + "v:" + runId + ":" + index).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  protected void executeBlocking(Operation op) {
    UnifiedJedis c = client(op.index());
    if (op.kind() == OpKind.READ) {
      c.get(key(op.key()));
    } else if (options.verifyWrites()) {
      c.set(verifyKey(op.index()), values[(int) Math.floorMod(op.key(), (long) VALUES)]);
    } else {
      c.set(key(op.key()), values[(int) Math.floorMod(op.key(), (long) VALUES)]);
    }
  }

  @Override
  protected OperationFailedException classify(Throwable error) {
    return failure(error);
  }

  /** Maps a Jedis exception to the kind the per-second line counts. */
  static OperationFailedException failure(Throwable e) {
    String name = e.getClass().getSimpleName();
    String message = firstLine(e.getMessage());
    ErrorKind kind;
    if (e instanceof JedisConnectionException) {
      kind = hasCause(e, SocketTimeoutException.class) ? ErrorKind.TIMEOUT : ErrorKind.NO_HOST;
    } else if (e instanceof JedisDataException && (message.startsWith("READONLY") || message.startsWith("LOADING")
        || message.startsWith("MASTERDOWN") || message.startsWith("NOREPLICAS") || message.startsWith("TRYAGAIN"))) {
      kind = ErrorKind.UNAVAILABLE;
      name = name + "." + message.split(" ", 2)[0];
    } else if (hasCause(e, java.util.NoSuchElementException.class)) {
      // The pool had no connection to lend within the timeout: the server is not taking new ones.
      kind = ErrorKind.TIMEOUT;
    } else {
      kind = ErrorKind.OTHER;
    }
    return new OperationFailedException(kind, name, message);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean verifiesWrites() {
    return true;
  }

  @Override
  public WriteCheck verifyWrites(long[] acknowledged, Duration timeout) {
    long deadline = clock.nanoTime() + timeout.toNanos();
    long lost = 0;
    List<Long> firstLost = new ArrayList<>();
    for (int from = 0; from < acknowledged.length; from += VERIFY_BATCH) {
      if (clock.nanoTime() > deadline) {
        throw new IllegalStateException("verification took longer than " + timeout.toSeconds() + " s; "
            + from + " of " + acknowledged.length + " writes checked");
      }
      int to = Math.min(acknowledged.length, from + VERIFY_BATCH);
      // Standalone with several servers: each write went to the server of its index.
      Map<UnifiedJedis, List<Long>> byClient = new LinkedHashMap<>();
      for (int i = from; i < to; i++) {
        byClient.computeIfAbsent(client(acknowledged[i]), k -> new ArrayList<>()).add(acknowledged[i]);
      }
      for (Map.Entry<UnifiedJedis, List<Long>> e : byClient.entrySet()) {
        List<Long> indices = e.getValue();
        byte[][] keys = new byte[indices.size()][];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = verifyKey(indices.get(i));
        }
        List<byte[]> got = e.getKey().mget(keys);
        for (int i = 0; i < keys.length; i++) {
          if (got.get(i) == null) {
            lost++;
            if (firstLost.size() < 20) {
              firstLost.add(indices.get(i));
            }
          }
        }
      }
    }
    return new WriteCheck(acknowledged.length, lost, firstLost);
  }

  @Override
  public Map<String, Object> takeIntervalFields() {
    RedisSentinelClient s = sentinelClient;
    if (s == null) {
      return Map.of();
    }
    String master = String.valueOf(s.getCurrentMaster());
    String before = lastMaster;
    if (before != null && !before.equals(master)) {
      Map<String, Object> change = new LinkedHashMap<>();
      change.put("seen_at", clock.now().toString());
      change.put("from", before);
      change.put("to", master);
      masterChanges.add(change);
    }
    lastMaster = master;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("master", master);
    return m;
  }

  @Override
  public int openConnections() {
    int n = 0;
    for (UnifiedJedis c : clients) {
      if (c instanceof RedisClient r) {
        n += count(r.getPool());
      } else if (c instanceof RedisSentinelClient s) {
        for (Pool<Connection> p : s.getPrimaryNodesConnectionMap().values()) {
          n += count(p);
        }
      }
    }
    return n;
  }

  private static int count(Pool<Connection> p) {
    return p == null ? 0 : p.getNumActive() + p.getNumIdle();
  }

  @Override
  public Map<String, Object> counters() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", sentinelClient != null || !options.target().sentinels().isEmpty() ? "sentinel" : "standalone");
    m.put("master", lastMaster);
    m.put("master_changes", List.copyOf(masterChanges));
    return m;
  }

  @Override
  protected List<InetSocketAddress> stressAddresses() {
    RedisSentinelClient s = sentinelClient;
    if (s != null) {
      redis.clients.jedis.HostAndPort m = s.getCurrentMaster();
      return List.of(new InetSocketAddress(m.getHost(), m.getPort()));
    }
    return resolve(options.hosts().isEmpty() ? options.target().sentinels() : options.hosts());
  }

  @Override
  protected byte[] stressHello(InetSocketAddress address) {
    return ascii("PING\r\n");
  }

  @Override
  protected void closeClient() {
    for (UnifiedJedis c : clients) {
      try {
        c.close();
      } catch (RuntimeException ignored) {
        // Closing on the way out or before a retry.
      }
    }
    clients.clear();
    sentinelClient = null;
  }
}
