package dev.reprise.master.catalog;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The run catalog over JDBC: an SQLite file or a PostgreSQL database, its schema migrated by Flyway
 * from {@code db/migration} ({@code V1__runs_and_chaos_experiment_logs.sql}: tables {@code runs} and
 * {@code chaos_experiment_logs}, view {@code chaos_experiment_audit}; {@code V2__run_queue.sql}: the
 * control plane's {@code run_queue}) when opened. The only class
 * that speaks SQL; one connection, held until {@link #close}. Not thread-safe (one thread at a time,
 * as {@link RunCatalog} says).
 *
 * <p>Instants are stored as text in one fixed UTC form with microseconds ({@link #format}), so both
 * databases sort, compare and return them identically.
 */
public final class JdbcRunCatalog implements RunCatalog, RunQueueTable {
  private static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static final String RUN_COLUMNS = "run_id, name, target_cluster, target_stack, run_dir, seed, plan_hash, outcome,"
      + " reason, started_at, ended_at, baseline_p99_ms, peak_p99_ms, recovery_seconds, data_loss_detected, campaign,"
      + " campaign_group, campaign_key, fault_types, fault_count";
  private static final String FAULT_COLUMNS = "experiment_id, fault_index, target_cluster, target_stack, fault_type,"
      + " target_service, target_container, target_host, injected_at, rolled_back_at, was_auto_rolled_back, outcome";

  private final Connection connection;
  private final String location;

  private JdbcRunCatalog(Connection connection, String location) {
    this.connection = connection;
    this.location = location;
  }

  /**
   * Connects to {@code url} ({@code jdbc:sqlite:…} or {@code jdbc:postgresql:…}) and migrates its
   * schema to the current version (nothing to do when it is current).
   *
   * @throws CatalogException naming the (redacted) URL and the database's reason
   */
  public static JdbcRunCatalog open(String url) throws CatalogException {
    String shown = Catalogs.redact(url);
    try {
      Flyway.configure(JdbcRunCatalog.class.getClassLoader())
          .dataSource(url, null, null)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new CatalogException("catalog " + shown + ": " + reason(e), e);
    }
    Connection c = null;
    try {
      c = DriverManager.getConnection(url);
      if (url.startsWith(Catalogs.SQLITE)) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA busy_timeout = 10000"); // another master recording at the same time waits, not fails
        }
      }
      return new JdbcRunCatalog(c, shown);
    } catch (SQLException e) {
      closeQuietly(c);
      throw new CatalogException("catalog " + shown + ": " + reason(e), e);
    }
  }

  /** The catalog's location as messages show it (no password). */
  public String location() {
    return location;
  }

  @Override
  public CatalogRun record(Path runDir, CampaignRef campaign) throws CatalogException {
    CatalogRun run = RunFolderReader.read(runDir, campaign);
    put(List.of(run));
    return run;
  }

  /**
   * Records {@code runs} as they are (no run folder read), each replacing what was recorded for its
   * run ID, in one transaction: all or none. For imports of many runs and for the benchmark.
   */
  public void put(Collection<CatalogRun> runs) throws CatalogException {
    try {
      boolean auto = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (PreparedStatement delFaults = connection.prepareStatement("DELETE FROM chaos_experiment_logs WHERE experiment_id = ?");
          PreparedStatement delRun = connection.prepareStatement("DELETE FROM runs WHERE run_id = ?");
          PreparedStatement insRun = connection.prepareStatement("INSERT INTO runs (" + RUN_COLUMNS
              + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement insFault = connection.prepareStatement("INSERT INTO chaos_experiment_logs (" + FAULT_COLUMNS
              + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        int pending = 0;
        for (CatalogRun r : runs) {
          delFaults.setString(1, r.runId());
          delFaults.addBatch();
          delRun.setString(1, r.runId());
          delRun.addBatch();
          bindRun(insRun, r);
          insRun.addBatch();
          for (int i = 0; i < r.faults().size(); i++) {
            bindFault(insFault, r, i);
            insFault.addBatch();
          }
          if (++pending == 1000) {
            flush(delFaults, delRun, insRun, insFault);
            pending = 0;
          }
        }
        flush(delFaults, delRun, insRun, insFault);
        connection.commit();
        changedSinceAnalyze += runs.size();
        analyzeAfterBulkChange();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new CatalogException("catalog " + location + ": cannot record: " + reason(e), e);
    }
  }

  private static void flush(PreparedStatement... statements) throws SQLException {
    for (PreparedStatement s : statements) s.executeBatch();
  }

  private static void bindRun(PreparedStatement s, CatalogRun r) throws SQLException {
    int i = 1;
    s.setString(i++, r.runId());
    s.setString(i++, r.name());
    s.setString(i++, r.targetCluster());
    s.setString(i++, r.stack());
    s.setString(i++, r.runDir());
    s.setLong(i++, r.seed());
    s.setString(i++, r.planHash());
    s.setString(i++, r.outcome());
    s.setString(i++, r.reason());
    s.setString(i++, format(r.start()));
    s.setString(i++, format(r.end()));
    setDouble(s, i++, r.baselineP99Millis());
    setDouble(s, i++, r.peakP99Millis());
    setDouble(s, i++, r.recoverySeconds());
    if (r.dataLossDetected() == null) s.setNull(i++, Types.BOOLEAN);
    else s.setBoolean(i++, r.dataLossDetected());
    CampaignRef c = r.campaign();
    s.setString(i++, c == null ? null : c.campaign());
    s.setString(i++, c == null ? null : c.group());
    s.setString(i++, c == null ? null : c.key());
    var types = new TreeSet<String>();
    r.faults().forEach(f -> types.add(f.faultType()));
    s.setString(i++, String.join(",", types));
    s.setInt(i, r.faults().size());
  }

  private static void bindFault(PreparedStatement s, CatalogRun r, int index) throws SQLException {
    CatalogFault f = r.faults().get(index);
    int i = 1;
    s.setString(i++, r.runId());
    s.setInt(i++, index);
    s.setString(i++, r.targetCluster());
    s.setString(i++, r.stack());
    s.setString(i++, f.faultType());
    s.setString(i++, f.service());
    s.setString(i++, f.container());
    s.setString(i++, f.host());
    s.setString(i++, format(f.injectedAt()));
    s.setString(i++, format(f.rolledBackAt()));
    s.setBoolean(i++, f.wasAutoRolledBack());
    s.setString(i, f.outcome());
  }

  private static void setDouble(PreparedStatement s, int i, Double v) throws SQLException {
    if (v == null) s.setNull(i, Types.DOUBLE);
    else s.setDouble(i, v);
  }

  @Override
  public List<CatalogRun> list(CatalogQuery query) throws CatalogException {
    var where = new StringBuilder(" WHERE 1 = 1");
    var params = new ArrayList<String>();
    if (query.campaign() != null) {
      where.append(" AND r.campaign = ?");
      params.add(query.campaign());
    }
    if (query.since() != null) {
      where.append(" AND r.started_at >= ?");
      params.add(format(query.since()));
    }
    if (query.faultType() != null) {
      where.append(" AND EXISTS (SELECT 1 FROM chaos_experiment_logs f WHERE f.fault_type = ? AND f.experiment_id = r.run_id)");
      params.add(query.faultType());
    }
    String order = " ORDER BY r.started_at DESC, r.run_id DESC" + (query.limit() > 0 ? " LIMIT " + query.limit() : "");
    String runs = "SELECT " + prefixed("r.", RUN_COLUMNS) + " FROM runs r" + where + order;
    try {
      var found = readRuns(runs, params);
      // the faults of the runs found, by ID in chunks: an index lookup each (a subquery with the
      // filter again made PostgreSQL scan every fault)
      var ids = new ArrayList<>(found.keySet());
      var withFaults = new ArrayList<CatalogRun>(found.size());
      for (int from = 0; from < ids.size(); from += 500) {
        var chunk = ids.subList(from, Math.min(ids.size(), from + 500));
        var part = new LinkedHashMap<String, CatalogRun>();
        chunk.forEach(id -> part.put(id, found.get(id)));
        withFaults.addAll(attachFaults(part, "SELECT " + FAULT_COLUMNS + " FROM chaos_experiment_logs WHERE experiment_id IN ("
            + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ") ORDER BY experiment_id, fault_index", chunk));
      }
      withFaults.sort(NEWEST_FIRST);
      return withFaults;
    } catch (SQLException e) {
      throw new CatalogException("catalog " + location + ": cannot list runs: " + reason(e), e);
    }
  }

  @Override
  public Optional<CatalogRun> find(String runId) throws CatalogException {
    try {
      var found = readRuns("SELECT " + RUN_COLUMNS + " FROM runs WHERE run_id = ?", List.of(runId));
      if (found.isEmpty()) return Optional.empty();
      return Optional.of(attachFaults(found, "SELECT " + FAULT_COLUMNS
          + " FROM chaos_experiment_logs WHERE experiment_id = ? ORDER BY fault_index", List.of(runId)).get(0));
    } catch (SQLException e) {
      throw new CatalogException("catalog " + location + ": cannot read run " + runId + ": " + reason(e), e);
    }
  }

  private static final String QUEUE_COLUMNS = "queue_id, target_cluster, queue_position, name, state, submission_dir, seed,"
      + " submitted_at, started_at, ended_at, run_id, run_dir, actions_planned, actions_fired, outcome, message";

  @Override
  public void putQueueEntry(QueueEntry e) throws CatalogException {
    try {
      boolean auto = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (PreparedStatement del = connection.prepareStatement("DELETE FROM run_queue WHERE queue_id = ?");
          PreparedStatement ins = connection.prepareStatement("INSERT INTO run_queue (" + QUEUE_COLUMNS
              + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        del.setString(1, e.queueId());
        del.executeUpdate();
        int i = 1;
        ins.setString(i++, e.queueId());
        ins.setString(i++, e.cluster());
        ins.setLong(i++, e.position());
        ins.setString(i++, e.name());
        ins.setString(i++, e.state());
        ins.setString(i++, e.submissionDir());
        if (e.seed() == null) ins.setNull(i++, Types.BIGINT);
        else ins.setLong(i++, e.seed());
        ins.setString(i++, format(e.submittedAt()));
        ins.setString(i++, format(e.startedAt()));
        ins.setString(i++, format(e.endedAt()));
        ins.setString(i++, e.runId());
        ins.setString(i++, e.runDir());
        ins.setInt(i++, e.actionsPlanned());
        ins.setInt(i++, e.actionsFired());
        ins.setString(i++, e.outcome());
        ins.setString(i, e.message());
        ins.executeUpdate();
        connection.commit();
      } catch (SQLException | RuntimeException ex) {
        connection.rollback();
        throw ex;
      } finally {
        connection.setAutoCommit(auto);
      }
    } catch (SQLException ex) {
      throw new CatalogException("catalog " + location + ": cannot record queued run " + e.queueId() + ": " + reason(ex), ex);
    }
  }

  @Override
  public List<QueueEntry> queueEntries(String cluster) throws CatalogException {
    var out = new ArrayList<QueueEntry>();
    try (PreparedStatement s = connection.prepareStatement("SELECT " + QUEUE_COLUMNS
        + " FROM run_queue WHERE target_cluster = ? ORDER BY queue_position, queue_id")) {
      s.setString(1, cluster);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long seed = rs.getLong("seed");
          Long seedOrNull = rs.wasNull() ? null : seed;
          out.add(new QueueEntry(rs.getString("queue_id"), rs.getString("target_cluster"), rs.getLong("queue_position"),
              rs.getString("name"), rs.getString("state"), rs.getString("submission_dir"), seedOrNull,
              parse(rs.getString("submitted_at")), parse(rs.getString("started_at")), parse(rs.getString("ended_at")),
              rs.getString("run_id"), rs.getString("run_dir"), rs.getInt("actions_planned"), rs.getInt("actions_fired"),
              rs.getString("outcome"), rs.getString("message")));
        }
      }
    } catch (SQLException ex) {
      throw new CatalogException("catalog " + location + ": cannot read the run queue: " + reason(ex), ex);
    }
    return out;
  }

  /** Newest first, by start, then by run ID (descending) for runs started at the same instant. */
  static final Comparator<CatalogRun> NEWEST_FIRST =
      Comparator.comparing(CatalogRun::start).thenComparing(CatalogRun::runId).reversed();

  private Map<String, CatalogRun> readRuns(String sql, List<String> params) throws SQLException {
    var out = new LinkedHashMap<String, CatalogRun>();
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) s.setString(i + 1, params.get(i));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String campaign = rs.getString("campaign");
          Object loss = rs.getObject("data_loss_detected");
          out.put(rs.getString("run_id"), new CatalogRun(rs.getString("run_id"), rs.getString("name"),
              rs.getString("target_cluster"), rs.getString("target_stack"), rs.getString("run_dir"), rs.getLong("seed"),
              rs.getString("plan_hash"), rs.getString("outcome"), rs.getString("reason"), parse(rs.getString("started_at")),
              parse(rs.getString("ended_at")), getDouble(rs, "baseline_p99_ms"), getDouble(rs, "peak_p99_ms"),
              getDouble(rs, "recovery_seconds"), loss == null ? null : rs.getBoolean("data_loss_detected"),
              campaign == null ? null : new CampaignRef(campaign, rs.getString("campaign_group"), rs.getString("campaign_key")),
              List.of()));
        }
      }
    }
    return out;
  }

  private List<CatalogRun> attachFaults(Map<String, CatalogRun> runs, String sql, List<String> params) throws SQLException {
    if (runs.isEmpty()) return new ArrayList<>();
    var faults = new LinkedHashMap<String, List<CatalogFault>>();
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) s.setString(i + 1, params.get(i));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          faults.computeIfAbsent(rs.getString("experiment_id"), k -> new ArrayList<>()).add(new CatalogFault(
              rs.getString("fault_type"), rs.getString("target_service"), rs.getString("target_container"),
              rs.getString("target_host"), parse(rs.getString("injected_at")), parse(rs.getString("rolled_back_at")),
              rs.getBoolean("was_auto_rolled_back"), rs.getString("outcome")));
        }
      }
    }
    var out = new ArrayList<CatalogRun>(runs.size());
    for (CatalogRun r : runs.values()) {
      out.add(new CatalogRun(r.runId(), r.name(), r.targetCluster(), r.stack(), r.runDir(), r.seed(), r.planHash(), r.outcome(),
          r.reason(), r.start(), r.end(), r.baselineP99Millis(), r.peakP99Millis(), r.recoverySeconds(), r.dataLossDetected(),
          r.campaign(), faults.getOrDefault(r.runId(), List.of())));
    }
    return out;
  }

  private static Double getDouble(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  private static String prefixed(String prefix, String columns) {
    return String.join(", ", java.util.Arrays.stream(columns.split(",")).map(c -> prefix + c.strip()).toList());
  }

  /** {@code t} in the catalog's one text form ({@code 2026-12-01T10:00:03.000000Z}), null for null. */
  static String format(Instant t) {
    return t == null ? null : INSTANT.format(t);
  }

  private static Instant parse(String s) {
    return s == null ? null : Instant.parse(s);
  }

  /** The database's own reason, in one line: the innermost cause's message. */
  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = m.indexOf('\n');
    return Catalogs.redact((nl < 0 ? m : m.substring(0, nl)).strip());
  }

  /** Runs recorded since the planner's statistics were last refreshed. */
  private int changedSinceAnalyze;

  /**
   * Refreshes the query planner's statistics ({@code ANALYZE}, on SQLite and PostgreSQL alike) once
   * {@value #ANALYZE_AFTER} or more runs were recorded since the last refresh: after a bulk import the
   * statistics describe an empty table, and PostgreSQL then picks a plan for {@code runs list --fault}
   * that reads every matching fault (300 ms over 100,000 runs instead of a few). A failure is not the
   * caller's: the statistics stay as they were.
   */
  private void analyzeAfterBulkChange() {
    if (changedSinceAnalyze < ANALYZE_AFTER) return;
    try (var st = connection.createStatement()) {
      st.execute("ANALYZE");
      changedSinceAnalyze = 0;
    } catch (SQLException e) {
      // statistics are an optimisation; the rows are committed
    }
  }

  static final int ANALYZE_AFTER = 1000;

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException e) {
      // already failing; the first reason is the one reported
    }
  }

  @Override
  public void close() {
    if (changedSinceAnalyze > 0) analyzeAfterBulkChange();
    closeQuietly(connection);
  }
}
