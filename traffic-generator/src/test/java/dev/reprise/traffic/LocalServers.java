package dev.reprise.traffic;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Server processes (Debian's redis-server, redis-sentinel, nginx; installed by
 * scripts/setup-redis.sh and scripts/setup-nginx.sh) on loopback on free ports, for the ITs. Each
 * is started as a child process, waited for until its port accepts, and killed by {@link #close()}.
 */
final class LocalServers implements AutoCloseable {

  final Path dir;
  private final List<Process> processes = new ArrayList<>();

  LocalServers() throws IOException {
    dir = Files.createTempDirectory("traffic-it-");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts {@code command} and waits up to 20 s for {@code port} to accept a connection. */
  Process start(int port, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("server-" + port + ".log").toFile()).start();
    processes.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return p;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(String.join(" ", command) + " did not listen on " + port + ": "
              + Files.readString(dir.resolve("server-" + port + ".log")));
        }
        p.waitFor(100, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** redis-server on {@code port}, no persistence; {@code extra} e.g. {@code --replicaof 127.0.0.1 P}. */
  Process redis(int port, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    cmd.addAll(List.of(extra));
    return start(port, cmd.toArray(new String[0]));
  }

  /** redis-sentinel on {@code port} watching {@code mymaster} at {@code masterPort}, down after 1 s. */
  Process sentinel(int port, int masterPort) throws Exception {
    Path conf = dir.resolve("sentinel-" + port + ".conf");
    Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\n"
        + "sentinel monitor mymaster 127.0.0.1 " + masterPort + " 2\n"
        + "sentinel down-after-milliseconds mymaster 1000\n"
        + "sentinel failover-timeout mymaster 5000\n"
        + "sentinel parallel-syncs mymaster 2\n");
    return start(port, "redis-sentinel", conf.toString());
  }

  /** nginx on {@code port}: {@code /} answers 200 (GET and POST), {@code /missing} 404, {@code /broken} 503. */
  Process nginx(int port) throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, "daemon off; pid " + dir.resolve("nginx.pid") + "; error_log " + dir.resolve("error.log")
        + "; worker_processes 1;\nevents { worker_connections 1024; }\nhttp { access_log off;"
        + " client_body_temp_path " + tmp + "; proxy_temp_path " + tmp + "; fastcgi_temp_path " + tmp
        + "; uwsgi_temp_path " + tmp + "; scgi_temp_path " + tmp + ";\n"
        + " server { listen 127.0.0.1:" + port + "; location / { return 200 \"ok\\n\"; }"
        + " location /missing { return 404; } location /broken { return 503; } } }\n");
    return start(port, "nginx", "-c", conf.toString(), "-p", dir.toString());
  }

  @Override
  public void close() {
    // SIGTERM first: nginx's master stops its workers (a SIGKILLed master leaves them orphaned).
    List<ProcessHandle> all = new ArrayList<>();
    for (Process p : processes) {
      p.descendants().forEach(all::add);
      all.add(p.toHandle());
      p.destroy();
    }
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
