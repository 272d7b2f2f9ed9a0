package dev.reprise.master.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (Debian's package, scripts/setup-postgres.sh) for the ITs and the catalog
 * benchmark: a cluster of its own made by {@code initdb} in a fresh temporary folder, started by
 * {@code pg_ctl} on a free loopback port (TCP on 127.0.0.1 only; its socket in that folder), with
 * trust authentication for user {@value #USER}; stopped and its folder deleted at {@link #close}.
 * PostgreSQL refuses to run as root: as root, {@code initdb}, {@code pg_ctl} and the server run as
 * the {@code postgres} user ({@code runuser}), owning the folder. The system cluster is not touched.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "reprise";
  /** Where Debian's PostgreSQL 15 keeps its programs; {@code REPRISE_PG_BIN} overrides. */
  public static final Path BIN = Path.of(System.getenv().getOrDefault("REPRISE_PG_BIN", "/usr/lib/postgresql/15/bin"));

  private final Path dir;
  private final int port;
  private final boolean asPostgres;

  private PostgresServer(Path dir, int port, boolean asPostgres) {
    this.dir = dir;
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /** Whether the programs are installed (else {@link #start} fails saying how to install them). */
  public static boolean installed() {
    return Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("pg_ctl"));
  }

  /** Makes a cluster in a new temporary folder named after {@code name}, starts it and waits until it accepts connections. */
  public static PostgresServer start(String name) throws IOException, InterruptedException {
    if (!installed()) throw new IllegalStateException("no " + BIN.resolve("initdb") + ": run scripts/setup-postgres.sh (the test command does)");
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("reprise-pg-" + name + "-");
    var server = new PostgresServer(dir, PrometheusServer.freePort(), root);
    try {
      if (root) server.exec(List.of("chown", "postgres:postgres", dir.toString()), false);
      server.exec(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER, "-A", "trust",
          "-E", "UTF8", "--locale=C", "--no-sync"), true);
      server.exec(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
          "-w", "-t", "60", "-o", "-h 127.0.0.1 -p " + server.port + " -k " + dir + " -c fsync=off", "start"), true);
      server.awaitReady();
      return server;
    } catch (IOException | RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
  }

  /** The JDBC URL of database {@code db} (see {@link #createDatabase}). */
  public String url(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=" + USER;
  }

  public int port() {
    return port;
  }

  /** Creates database {@code db} and returns its URL. */
  public String createDatabase(String db) throws SQLException {
    try (var c = DriverManager.getConnection(url("postgres")); var s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    }
    return url(db);
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (var c = DriverManager.getConnection(url("postgres"))) {
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("postgres not ready after 60 s: " + e.getMessage() + "\n" + logTail());
      }
      Thread.sleep(200);
    }
  }

  private void exec(List<String> command, boolean asServerUser) throws IOException, InterruptedException {
    var cmd = new ArrayList<String>();
    if (asServerUser && asPostgres) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    cmd.addAll(command);
    var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    var out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + ": no exit after 90 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out.strip() + "\n" + logTail());
    }
  }

  public String logTail() {
    try {
      var lines = Files.readAllLines(dir.resolve("server.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no server log)";
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      if (Files.exists(dir.resolve("data/postmaster.pid"))) {
        exec(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "-t", "60", "stop"), true);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("PostgresServer: stopping the server in " + dir + ": " + e.getMessage());
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      System.err.println("PostgresServer: cannot delete " + dir + ": " + e.getMessage());
    }
  }
}
