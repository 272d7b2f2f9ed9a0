package dev.reprise.agent.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Samples every followed container's {@link CgroupStats} once per {@code period} on one daemon
 * thread ({@code container-stats}), however many containers there are, and hands each sample to
 * its sink, as the engine's stats stream would. A container whose files are gone (it ended) is
 * dropped, as the engine ends its stream; a sink that throws loses that sample only.
 * Thread-safe.
 */
public final class CgroupStatsPoller implements AutoCloseable {
  private final Map<Object, Followed> followed = new ConcurrentHashMap<>();
  private final ScheduledExecutorService thread;

  private record Followed(CgroupStats reader, Consumer<StatsSample> sink) {}

  public CgroupStatsPoller(Duration period) {
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      var t = new Thread(r, "container-stats");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleAtFixedRate(this::sampleAll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Follows {@code reader} until the returned handle is closed (the first sample comes within one period). */
  public Closeable follow(CgroupStats reader, Consumer<StatsSample> sink) {
    var key = new Object();
    followed.put(key, new Followed(reader, sink));
    return () -> followed.remove(key);
  }

  /** How many containers are followed. */
  public int size() {
    return followed.size();
  }

  void sampleAll() {
    for (var e : followed.entrySet()) {
      StatsSample sample;
      try {
        sample = e.getValue().reader().read();
      } catch (IOException | RuntimeException ex) {
        followed.remove(e.getKey());
        continue;
      }
      try {
        e.getValue().sink().accept(sample);
      } catch (RuntimeException ex) {
        // the sample is lost; the next one comes a period later
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    followed.clear();
  }
}
