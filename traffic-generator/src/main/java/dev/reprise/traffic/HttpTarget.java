package dev.reprise.traffic;

import dev.reprise.time.Time;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import java.util.concurrent.atomic.LongAdder;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP adapter, the only class that talks to Apache HttpClient 5 (classic API, one pool of
 * keep-alive connections, {@code --threads} of them per route): reads are {@code GET}, writes
 * {@code POST} of {@code --value-size} bytes. Operation {@code i} goes to endpoint
 * {@code i mod n}: the {@code --urls}, or {@code http://<address>:<port><path>} for every address
 * of every {@code --hosts} name, resolved again every second, so the tasks behind a dnsrr
 * {@code tasks.<service>} name that appear or vanish are followed (the {@code Host} header keeps the
 * name).
 *
 * <p>Outcomes: 2xx and 3xx succeed; 4xx and 5xx fail as {@code other} (the final log's
 * {@code exceptions} counts them as {@code HTTP 503} etc.). Every answer's status class is counted
 * in the per-second line's {@code http_status}. Without an answer: {@code timeout} (connect or
 * response timeout) or {@code no_host} (refused, reset, closed, unresolvable).
 */
final class HttpTarget extends BlockingTarget {

  private static final long RESOLVE_EVERY_NANOS = 1_000_000_000L;

  /** One place requests go: the URI and, for an address of a name, the name for the Host header. */
  record Endpoint(URI uri, String hostHeader) {}

  private final LongAdder[] statusInterval = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
      new LongAdder()};
  private final LongAdder[] statusTotal = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
      new LongAdder()};
  private final byte[] body;
  private volatile List<Endpoint> endpoints = List.of();
  private volatile long nextResolveNanos;
  private volatile PoolingHttpClientConnectionManager pool;
  private volatile CloseableHttpClient client;

  HttpTarget(TrafficOptions options, Time clock) {
    super(options, clock);
    body = new byte[options.valueSize()];
    new SplittableRandom(options.seed()).nextBytes(body);
  }

  @Override
  protected void connect() throws IOException {
    if (client == null) {
      Timeout timeout = Timeout.ofMilliseconds(options.clusterTimeout().toMillis());
      pool = PoolingHttpClientConnectionManagerBuilder.create()
          .setMaxConnTotal(Math.max(2, options.threads() * 2))
          .setMaxConnPerRoute(Math.max(2, options.threads()))
          .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout)
              // A connection the server closed while idle is noticed before it is reused.
              .setValidateAfterInactivity(TimeValue.ofSeconds(1)).build())
          .build();
      client = HttpClients.custom().setConnectionManager(pool)
          .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(timeout)
              .setResponseTimeout(timeout).setRedirectsEnabled(false).build())
          .disableAutomaticRetries().disableCookieManagement().disableContentCompression().disableAuthCaching()
          .disableRedirectHandling().build();
    }
    endpoints = resolveEndpoints();
    nextResolveNanos = clock.nanoTime() + RESOLVE_EVERY_NANOS;
    // Ready when an endpoint answers at all: a 404 from a healthy server is load's business, not setup's.
    IOException last = null;
    for (Endpoint e : endpoints) {
      try {
        send(new HttpGet(e.uri()), e);
        return;
      } catch (IOException ex) {
        last = ex;
      }
    }
    throw last != null ? last : new IOException("no endpoint");
  }

  private List<Endpoint> resolveEndpoints() {
    List<Endpoint> list = new ArrayList<>();
    if (!options.target().urls().isEmpty()) {
      for (URI u : options.target().urls()) {
        list.add(new Endpoint(u, null));
      }
      return List.copyOf(list);
    }
    for (HostAndPort h : options.hosts()) {
      for (InetSocketAddress a : resolve(List.of(h))) {
        String host = a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
          host = "[" + host + "]";
        }
        list.add(new Endpoint(URI.create("http://" + host + ":" + a.getPort() + options.target().path()),
            h.port() == 80 ? h.host() : h.host() + ":" + h.port()));
      }
    }
    return List.copyOf(list);
  }

  private List<Endpoint> currentEndpoints() {
    long now = clock.nanoTime();
    if (options.target().urls().isEmpty() && now >= nextResolveNanos) {
      synchronized (this) {
        if (now >= nextResolveNanos) {
          nextResolveNanos = now + RESOLVE_EVERY_NANOS;
          try {
            endpoints = resolveEndpoints();
          } catch (RuntimeException e) {
            // The name does not resolve right now (every task gone): keep the last addresses, they fail on their own.
          }
        }
      }
    }
    return endpoints;
  }

  /** Sends {@code request}, reads the whole answer and returns its status (counted by class). */
  private int send(HttpUriRequestBase request, Endpoint e) throws IOException {
    if (e.hostHeader() != null) {
      request.setHeader("Host", e.hostHeader());
    }
    int code = client.execute(request, response -> {
      EntityUtils.consume(response.getEntity());
      return response.getCode();
    });
    int cls = Math.max(1, Math.min(5, code / 100)) - 1;
    statusInterval[cls].increment();
    statusTotal[cls].increment();
    return code;
  }

  @Override
  protected void executeBlocking(Operation op) throws IOException {
    List<Endpoint> list = currentEndpoints();
    Endpoint e = list.get((int) Math.floorMod(op.index(), (long) list.size()));
    HttpUriRequestBase request;
    if (op.kind() == OpKind.READ) {
      request = new HttpGet(e.uri());
    } else {
      HttpPost post = new HttpPost(e.uri());
      post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_OCTET_STREAM));
      request = post;
    }
    int code = send(request, e);
    if (code >= 400) {
      throw new OperationFailedException(ErrorKind.OTHER, "HTTP " + code, "HTTP " + code + " from " + e.uri());
    }
  }

  @Override
  protected OperationFailedException classify(Throwable error) {
    return failure(error);
  }

  /** Maps an I/O failure (no answer) to the kind the per-second line counts. */
  static OperationFailedException failure(Throwable e) {
    ErrorKind kind;
    if (e instanceof ConnectTimeoutException || e instanceof java.net.SocketTimeoutException
        || e instanceof InterruptedIOException) {
      kind = ErrorKind.TIMEOUT;
    } else if (e instanceof ConnectException || e instanceof NoRouteToHostException
        || e instanceof UnknownHostException || e instanceof NoHttpResponseException
        || e instanceof ConnectionClosedException || e instanceof SocketException) {
      kind = ErrorKind.NO_HOST;
    } else {
      kind = ErrorKind.OTHER;
    }
    return new OperationFailedException(kind, e.getClass().getSimpleName(), firstLine(e.getMessage()));
  }

  private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  @Override
  public Map<String, Object> takeIntervalFields() {
    Map<String, Object> status = new LinkedHashMap<>();
    for (int i = 1; i < CLASSES.length; i++) {
      status.put(CLASSES[i], statusInterval[i].sumThenReset());
    }
    statusInterval[0].reset();
    return Map.of("http_status", status);
  }

  @Override
  public int openConnections() {
    PoolingHttpClientConnectionManager p = pool;
    if (p == null) {
      return 0;
    }
    PoolStats s = p.getTotalStats();
    return s.getLeased() + s.getAvailable();
  }

  @Override
  public Map<String, Object> counters() {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> status = new LinkedHashMap<>();
    for (int i = 1; i < CLASSES.length; i++) {
      status.put(CLASSES[i], statusTotal[i].sum());
    }
    m.put("http_status", status);
    m.put("endpoints", endpoints.stream().map(e -> e.uri().toString()).toList());
    return m;
  }

  @Override
  protected List<InetSocketAddress> stressAddresses() {
    List<InetSocketAddress> list = new ArrayList<>();
    for (Endpoint e : currentEndpoints()) {
      URI u = e.uri();
      list.add(new InetSocketAddress(u.getHost().replace("[", "").replace("]", ""),
          u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80));
    }
    if (list.isEmpty()) {
      throw new IllegalStateException("no endpoint yet");
    }
    return list;
  }

  @Override
  protected byte[] stressHello(InetSocketAddress address) {
    return ascii("HEAD " + options.target().path() + " HTTP/1.1\r\nHost: " + address.getHostString()
        + "\r\nConnection: close\r\n\r\n");
  }

  @Override
  protected void closeClient() {
    CloseableHttpClient c = client;
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // Closing on the way out.
      }
    }
    PoolingHttpClientConnectionManager p = pool;
    if (p != null) {
      p.close();
    }
  }

}
