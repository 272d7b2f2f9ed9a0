package dev.reprise.master.safety;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one GET both HTTP adapters make, with java.net.http: bounded as a whole by the timeout (status
 * line and body), every failure turned into one line for a human.
 */
final class JdkHttp {
  /** A GET that did not give a response; {@code why} says what happened. */
  static final class Failure extends Exception {
    Failure(String why) {
      super(why, null, false, false);
    }
  }

  private final HttpClient client;

  JdkHttp(HttpClient client) {
    this.client = client;
  }

  /** A client for the loop: HTTP/1.1 (no h2c upgrade dance with simple servers), redirects not followed. */
  static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(2))
        .build();
  }

  <T> HttpResponse<T> get(String url, Duration timeout, HttpResponse.BodyHandler<T> body)
      throws Failure, InterruptedException {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
    } catch (IllegalArgumentException e) {
      throw new Failure("not a usable URL " + url + ": " + e.getMessage());
    }
    CompletableFuture<HttpResponse<T>> answer = client.sendAsync(request, body);
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new Failure("no answer from " + url + " within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      answer.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw new Failure(describe(url, timeout, e.getCause()));
    }
  }

  private static String describe(String url, Duration timeout, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpTimeoutException) return "no answer from " + url + " within " + timeout.toMillis() + " ms";
      if (t instanceof ConnectException) return "cannot connect to " + url + (t.getMessage() != null ? ": " + t.getMessage() : " (connection refused)");
      if (t instanceof UnresolvedAddressException) return "cannot resolve the host of " + url;
    }
    Throwable deepest = e;
    while (deepest.getCause() != null) deepest = deepest.getCause();
    String message = deepest.getMessage() != null ? deepest.getMessage() : deepest.getClass().getSimpleName();
    return "GET " + url + " failed: " + message;
  }

  /** The first line of {@code text}, at most 200 characters: a server's error body in a message. */
  static String firstLine(String text) {
    if (text == null) return "";
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
