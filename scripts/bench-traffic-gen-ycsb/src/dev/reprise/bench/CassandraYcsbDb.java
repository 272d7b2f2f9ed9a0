package dev.reprise.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/**
 * A minimal YCSB 0.17 binding for Cassandra on the Apache Cassandra Java driver 4.x (YCSB's own
 * binding is not on Maven Central), shaped like YCSB's cassandra-cql binding: table
 * {@code ycsb.usertable (y_id text PRIMARY KEY, field0..field9 text)} created when missing, one
 * session shared by all client threads, prepared statements per field set.
 * Properties: {@code hosts} (default 127.0.0.1; comma-separated, each name contributes every
 * address it resolves to, so {@code tasks.cassandra} reaches every node of a dnsrr service),
 * {@code port} (9042), {@code cassandra.keyspace} (ycsb), {@code fieldcount} (10),
 * {@code cassandra.replication} (replication factor of a keyspace created here, default 1),
 * {@code cassandra.readconsistencylevel} / {@code cassandra.writeconsistencylevel} (ONE, as YCSB's
 * own binding), {@code cassandra.connect_timeout_s} (how long to keep retrying the first
 * connection while the cluster starts, default 0: one attempt). Scans are not implemented
 * (workload A has none).
 */
public final class CassandraYcsbDb extends DB {

  private static final Object LOCK = new Object();
  private static CqlSession session;
  private static int clients;
  private static final Map<String, PreparedStatement> STATEMENTS = new ConcurrentHashMap<>();
  private static String table;
  private static ConsistencyLevel readConsistency;
  private static ConsistencyLevel writeConsistency;

  private static CqlSession connect(String hosts, int port) {
    List<InetSocketAddress> points = new ArrayList<>();
    for (String h : hosts.split(",")) {
      try {
        for (InetAddress a : InetAddress.getAllByName(h.strip())) {
          points.add(new InetSocketAddress(a, port));
        }
      } catch (UnknownHostException e) {
        throw new IllegalStateException("cannot resolve " + h.strip(), e);
      }
    }
    return CqlSession.builder().addContactPoints(points)
        .withLocalDatacenter("datacenter1")
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(5))
            .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
            .build())
        .build();
  }

  @Override
  public void init() throws DBException {
    synchronized (LOCK) {
      clients++;
      if (session != null) {
        return;
      }
      String hosts = getProperties().getProperty("hosts", "127.0.0.1");
      int port = Integer.parseInt(getProperties().getProperty("port", "9042"));
      String ks = getProperties().getProperty("cassandra.keyspace", "ycsb");
      int fields = Integer.parseInt(getProperties().getProperty("fieldcount", "10"));
      int replication = Integer.parseInt(getProperties().getProperty("cassandra.replication", "1"));
      readConsistency = DefaultConsistencyLevel.valueOf(
          getProperties().getProperty("cassandra.readconsistencylevel", "ONE").toUpperCase(Locale.ROOT));
      writeConsistency = DefaultConsistencyLevel.valueOf(
          getProperties().getProperty("cassandra.writeconsistencylevel", "ONE").toUpperCase(Locale.ROOT));
      long deadline = System.nanoTime()
          + TimeUnit.SECONDS.toNanos(Long.parseLong(getProperties().getProperty("cassandra.connect_timeout_s", "0")));
      while (true) {
        try {
          session = connect(hosts, port);
          session.execute("CREATE KEYSPACE IF NOT EXISTS " + ks
              + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': " + replication + "}");
          StringBuilder cols = new StringBuilder();
          for (int i = 0; i < fields; i++) {
            cols.append(", field").append(i).append(" text");
          }
          session.execute("CREATE TABLE IF NOT EXISTS " + ks + ".usertable (y_id text PRIMARY KEY" + cols + ")");
          table = ks + ".usertable";
          return;
        } catch (RuntimeException e) {
          if (session != null) {
            session.close();
            session = null;
          }
          if (System.nanoTime() - deadline >= 0) {
            throw new DBException("cannot connect to Cassandra at " + hosts + ":" + port + ": " + e, e);
          }
          System.err.println("ycsb-cassandra: not connected yet (" + e.getMessage() + "); retrying");
          try {
            Thread.sleep(2000);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new DBException("interrupted while connecting", ie);
          }
        }
      }
    }
  }

  @Override
  public void cleanup() {
    synchronized (LOCK) {
      if (--clients == 0 && session != null) {
        session.close();
        session = null;
      }
    }
  }

  private static PreparedStatement prepared(String kind, Set<String> fields, String cql) {
    return STATEMENTS.computeIfAbsent(kind + (fields == null ? "*" : new TreeSet<>(fields).toString()),
        k -> session.prepare(cql));
  }

  @Override
  public Status read(String t, String key, Set<String> fields, Map<String, ByteIterator> result) {
    try {
      String cols = fields == null ? "*" : String.join(", ", new TreeSet<>(fields));
      PreparedStatement ps = prepared("read", fields, "SELECT " + cols + " FROM " + table + " WHERE y_id = ?");
      Row row = session.execute(ps.bind(key).setConsistencyLevel(readConsistency)).one();
      if (row == null) {
        return Status.NOT_FOUND;
      }
      for (ColumnDefinition c : row.getColumnDefinitions()) {
        String name = c.getName().asInternal();
        if (!name.equals("y_id")) {
          String v = row.getString(c.getName());
          result.put(name, new StringByteIterator(v == null ? "" : v));
        }
      }
      return Status.OK;
    } catch (RuntimeException e) {
      return Status.ERROR;
    }
  }

  @Override
  public Status scan(String t, String startkey, int count, Set<String> fields, Vector<HashMap<String, ByteIterator>> r) {
    return Status.NOT_IMPLEMENTED;
  }

  @Override
  public Status update(String t, String key, Map<String, ByteIterator> values) {
    try {
      TreeSet<String> names = new TreeSet<>(values.keySet());
      StringBuilder set = new StringBuilder();
      for (String n : names) {
        set.append(set.length() == 0 ? "" : ", ").append(n).append(" = ?");
      }
      PreparedStatement ps = prepared("update", names, "UPDATE " + table + " SET " + set + " WHERE y_id = ?");
      BoundStatementBuilder b = ps.boundStatementBuilder();
      int i = 0;
      for (String n : names) {
        b.setString(i++, values.get(n).toString());
      }
      b.setString(i, key);
      session.execute(b.setConsistencyLevel(writeConsistency).build());
      return Status.OK;
    } catch (RuntimeException e) {
      return Status.ERROR;
    }
  }

  @Override
  public Status insert(String t, String key, Map<String, ByteIterator> values) {
    try {
      TreeSet<String> names = new TreeSet<>(values.keySet());
      String cols = String.join(", ", names);
      String marks = "?, ".repeat(names.size()) + "?";
      PreparedStatement ps = prepared("insert", names,
          "INSERT INTO " + table + " (" + cols + ", y_id) VALUES (" + marks + ")");
      BoundStatementBuilder b = ps.boundStatementBuilder();
      int i = 0;
      for (String n : names) {
        b.setString(i++, values.get(n).toString());
      }
      b.setString(i, key);
      session.execute(b.setConsistencyLevel(writeConsistency).build());
      return Status.OK;
    } catch (RuntimeException e) {
      return Status.ERROR;
    }
  }

  @Override
  public Status delete(String t, String key) {
    try {
      session.execute(prepared("delete", null, "DELETE FROM " + table + " WHERE y_id = ?").bind(key).setConsistencyLevel(writeConsistency));
      return Status.OK;
    } catch (RuntimeException e) {
      return Status.ERROR;
    }
  }
}
