package dev.reprise.agent.inject;

import dev.reprise.agent.time.Scheduler;
import dev.reprise.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every fault with a lasting effect the agent applied and has not healed yet. Injectors register
 * an effect before they return or wait on it; the journal heals it at its TTL (through
 * {@code healer}, normally the coordinator's inbox), on {@link #heal(int)}, and all at once on
 * {@link #healAll()} (normal end, error, abort, dead-man). After {@link #healAll()} the journal is
 * closed: a late registration (an injector still running) is healed at once. Thread-safe.
 */
public final class FaultJournal {

  /** One heal, reported to the listener. */
  public record Healed(int seq, String fault, String label, String service, Integer id, String container, Instant time, Outcome outcome) {}

  /** What a registration is about. */
  public record Key(int seq, String fault, String label, String service, Integer id, String container) {}

  private final Clock clock;
  private final Scheduler scheduler;
  private final Consumer<Runnable> healer;
  private final Consumer<Healed> listener;
  private final Map<Key, Entry> active = new LinkedHashMap<>();
  private boolean closed;

  /**
   * @param healer runs TTL heals (e.g. posts them to the coordinator's thread)
   * @param listener told of every heal, on the healing thread
   */
  public FaultJournal(Clock clock, Scheduler scheduler, Consumer<Runnable> healer, Consumer<Healed> listener) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.healer = healer;
    this.listener = listener;
  }

  /**
   * Registers {@code fault}; it is healed at {@code ttl} at the latest (null: only at the end).
   * When the journal is already closed the fault is healed before this returns.
   */
  public void register(Key key, ActiveFault fault, Instant ttl) {
    var entry = new Entry(key, fault);
    synchronized (this) {
      if (!closed) {
        active.put(key, entry);
        if (ttl != null) entry.timer = scheduler.at(ttl, () -> healer.accept(() -> heal(key)));
        return;
      }
    }
    doHeal(entry);
  }

  /** Forgets a fault that ended by itself (a script that exited); no heal record. */
  public synchronized void forget(Key key) {
    var e = active.remove(key);
    if (e != null && e.timer != null) e.timer.cancel();
  }

  /** Heals every active fault of action {@code seq}; returns how many. */
  public int heal(int seq) {
    List<Entry> due = new ArrayList<>();
    synchronized (this) {
      active.entrySet().removeIf(e -> {
        if (e.getKey().seq() == seq) {
          due.add(e.getValue());
          return true;
        }
        return false;
      });
    }
    due.forEach(this::doHeal);
    return due.size();
  }

  private void heal(Key key) {
    Entry e;
    synchronized (this) {
      e = active.remove(key);
    }
    if (e != null) doHeal(e);
  }

  /** Heals everything and closes the journal; returns how many faults were healed. */
  public int healAll() {
    List<Entry> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(active.values());
      active.clear();
    }
    all.forEach(this::doHeal);
    return all.size();
  }

  /** The faults currently active, for diagnostics and tests. */
  public synchronized List<Key> active() {
    return List.copyOf(active.keySet());
  }

  private void doHeal(Entry e) {
    if (e.timer != null) e.timer.cancel();
    Outcome outcome;
    try {
      e.fault.heal();
      outcome = Outcome.OK;
    } catch (RuntimeException ex) {
      outcome = Outcome.failed("heal failed: " + ex.getMessage());
    }
    var k = e.key;
    listener.accept(new Healed(k.seq(), k.fault(), k.label(), k.service(), k.id(), k.container(), clock.now(), outcome));
  }

  private static final class Entry {
    final Key key;
    final ActiveFault fault;
    Scheduler.Cancellable timer;

    Entry(Key key, ActiveFault fault) {
      this.key = key;
      this.fault = fault;
    }
  }
}
