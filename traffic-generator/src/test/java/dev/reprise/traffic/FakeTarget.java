package dev.reprise.traffic;

import dev.reprise.time.Time;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link LoadTarget} and {@link ConnectionStress} that records every call as a string and lets
 * the test decide when and how each operation completes (by default: never, until
 * {@link #completeAll()} or {@link #fail}).
 */
final class FakeTarget implements LoadTarget, ConnectionStress {

  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final List<CompletableFuture<Void>> pending = Collections.synchronizedList(new ArrayList<>());
  private final Time clock;
  volatile boolean completeImmediately;
  volatile int leaked;

  FakeTarget(Time clock) {
    this.clock = clock;
  }

  @Override
  public void start() {
    calls.add("start");
  }

  @Override
  public CompletionStage<Void> execute(Operation op) {
    calls.add(op.kind().jsonName() + " key=" + op.key() + " intended=" + op.intendedNanos() / 1_000_000 + "ms sent="
        + clock.nanoTime() / 1_000_000 + "ms");
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (completeImmediately) {
      f.complete(null);
    } else {
      pending.add(f);
    }
    return f;
  }

  /** Completes every pending operation successfully, in order. */
  void completeAll() {
    List<CompletableFuture<Void>> copy;
    synchronized (pending) {
      copy = new ArrayList<>(pending);
      pending.clear();
    }
    copy.forEach(f -> f.complete(null));
  }

  /** Fails the oldest pending operation with {@code kind}. */
  void failOldest(ErrorKind kind, String exceptionClass) {
    pending.remove(0).completeExceptionally(new OperationFailedException(kind, exceptionClass, "fake"));
  }

  @Override
  public int openConnections() {
    return 1;
  }

  @Override
  public boolean connected() {
    return true;
  }

  @Override
  public Map<String, Object> counters() {
    return Map.of("cql-requests", 0);
  }

  @Override
  public Map<String, Object> connectionHistory() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connected", true);
    return m;
  }

  @Override
  public void close() {
    calls.add("close");
  }

  @Override
  public void cycleSession() {
    calls.add("cycleSession");
  }

  @Override
  public void leakConnection() {
    calls.add("leakConnection");
    leaked++;
  }

  @Override
  public int leakedConnections() {
    return leaked;
  }

  @Override
  public int stormConnections() {
    return 0;
  }
}
