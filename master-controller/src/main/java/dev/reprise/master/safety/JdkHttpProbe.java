package dev.reprise.master.safety;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@link HttpProbe} with java.net.http: a GET whose body is discarded, redirects not followed (a 3xx
 * is a status outside 2xx, so the condition holds). Thread-safe.
 */
public final class JdkHttpProbe implements HttpProbe {
  private final JdkHttp http;

  public JdkHttpProbe() {
    this(JdkHttp.defaultClient());
  }

  public JdkHttpProbe(HttpClient client) {
    this.http = new JdkHttp(client);
  }

  @Override
  public Result get(String url, Duration timeout) throws InterruptedException {
    try {
      return new Result.Status(http.get(url, timeout, HttpResponse.BodyHandlers.discarding()).statusCode());
    } catch (JdkHttp.Failure e) {
      return new Result.Unavailable(e.getMessage());
    }
  }
}
