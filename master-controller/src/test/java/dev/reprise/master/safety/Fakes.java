package dev.reprise.master.safety;

import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.run.RunListener.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;

/** Hand-written fakes of the safety loop's ports, recording calls as readable strings. */
final class Fakes {
  private Fakes() {}

  /** Answers each query with what the test set for it (unset: an empty vector). */
  static final class FakePrometheus implements PrometheusApi {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, InstantResult> answers = new ConcurrentHashMap<>();
    /** When set, each query waits for it first (a stuck server). */
    volatile CountDownLatch gate;
    /** Counted down at every query. */
    volatile CountDownLatch called = new CountDownLatch(0);

    void answer(String query, double... values) {
      var samples = new java.util.ArrayList<Sample>();
      for (int i = 0; i < values.length; i++) samples.add(new Sample(Map.of("instance", "db-" + i), values[i]));
      answers.put(query, new InstantResult.Samples(samples));
    }

    void fail(String query, String why) {
      answers.put(query, new InstantResult.Unavailable(why));
    }

    @Override
    public InstantResult query(String baseUrl, String expr, Duration timeout) throws InterruptedException {
      calls.add("query " + baseUrl + " " + expr + " timeout " + timeout.toMillis() + "ms");
      called.countDown();
      var g = gate;
      if (g != null) g.await();
      return answers.getOrDefault(expr, new InstantResult.Samples(List.of()));
    }
  }

  /** Answers each URL with what the test set for it (unset: 200). */
  static final class FakeHttp implements HttpProbe {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, Result> answers = new ConcurrentHashMap<>();

    @Override
    public Result get(String url, Duration timeout) {
      calls.add("get " + url + " timeout " + timeout.toMillis() + "ms");
      return answers.getOrDefault(url, new Result.Status(200));
    }
  }

  /** Records every abort. */
  static final class RecordingAborter implements SafetyLoop.Aborter {
    final List<String> reasons = new CopyOnWriteArrayList<>();
    final List<RunManifest.SafetyTrip> trips = new CopyOnWriteArrayList<>();

    @Override
    public void abort(String reason, RunManifest.SafetyTrip trip) {
      reasons.add(reason);
      trips.add(trip);
    }
  }

  /** Records every message as {@code "LEVEL text"}. */
  static final class Messages implements BiConsumer<Level, String> {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void accept(Level level, String text) {
      lines.add(level + " " + text);
    }
  }
}
