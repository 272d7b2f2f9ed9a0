package dev.reprise.agent.inject;

import dev.reprise.agent.heal.HealJournalStore;
import dev.reprise.agent.heal.UndoRunner;
import dev.reprise.agent.heal.UndoStep;
import dev.reprise.agent.runtime.RuntimeFailure;
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
 *
 * <p>Durable registrations ({@link #registerDurable}) are also written to the on-disk heal journal
 * ({@link HealJournalStore}) before the call returns, that is before the injector applies the
 * effect, and deleted once healed; an entry whose heal failed stays on disk for the watchdog and
 * the next start to retry.
 */
public final class FaultJournal {

  /** One heal, reported to the listener. */
  public record Healed(int seq, String fault, String label, String service, Integer id, String container, Instant time, Outcome outcome,
      String mechanism) {}

  /** What a registration is about. */
  public record Key(int seq, String fault, String label, String service, Integer id, String container) {}

  private final Clock clock;
  private final Scheduler scheduler;
  private final Consumer<Runnable> healer;
  private final Consumer<Healed> listener;
  private final Map<Key, Entry> active = new LinkedHashMap<>();
  private boolean closed;
  private final Durability durability;

  /**
   * How durable registrations are kept and undone: {@code store} the on-disk journal (null: kept in
   * memory only, for tests), {@code undo} the runner of their undo steps, and what every entry
   * says about who wrote it.
   */
  public record Durability(HealJournalStore store, UndoRunner undo, String runId, String node) {}

  /**
   * @param healer runs TTL heals (e.g. posts them to the coordinator's thread)
   * @param listener told of every heal, on the healing thread
   */
  public FaultJournal(Clock clock, Scheduler scheduler, Consumer<Runnable> healer, Consumer<Healed> listener) {
    this(clock, scheduler, healer, listener, null);
  }

  /** A journal that also keeps durable registrations on disk ({@code durability} null: in memory only). */
  public FaultJournal(Clock clock, Scheduler scheduler, Consumer<Runnable> healer, Consumer<Healed> listener, Durability durability) {
    this.durability = durability;
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
    register(key, fault, ttl, null, null);
  }

  private void register(Key key, ActiveFault fault, Instant ttl, String mechanism, java.nio.file.Path file) {
    var entry = new Entry(key, fault, mechanism, file);
    synchronized (this) {
      if (!closed) {
        active.put(key, entry);
        if (ttl != null) entry.timer = scheduler.at(ttl, () -> healer.accept(() -> heal(key)));
        return;
      }
    }
    doHeal(entry);
  }

  /**
   * Registers an effect that outlives this process unless undone: {@code undo} is written to the
   * on-disk journal first (when this journal has {@link Durability}), then the effect is registered
   * like {@link #register}; its heal runs {@code inProcess} (may be null) and then {@code undo}.
   * Call it before applying the effect; a fault partly applied when the injector fails is healed
   * the same way (every step is idempotent).
   *
   * @param mechanism how the effect is applied (e.g. {@code netem}, {@code iptables}), for the records
   * @throws RuntimeFailure when the entry cannot be written: do not apply the effect
   */
  public void registerDurable(Key key, String mechanism, List<UndoStep> undo, ActiveFault inProcess, Instant ttl) {
    if (durability == null) throw new IllegalStateException("this journal has no Durability: it cannot undo " + key);
    java.nio.file.Path file = null;
    if (durability.store() != null) {
      var self = ProcessHandle.current();
      file = durability.store().write(new HealJournalStore.Entry(durability.runId(), durability.node(), self.pid(),
          self.info().startInstant().orElse(null), key.seq(), key.fault(), key.label(), key.service(), key.id(), key.container(),
          mechanism, clock.now(), undo));
    }
    final var entryFile = file;
    final var runner = durability.undo();
    register(key, () -> {
      RuntimeException first = null;
      if (inProcess != null) {
        try {
          inProcess.heal();
        } catch (RuntimeException e) {
          first = e;
        }
      }
      var problems = runner.run(undo);
      if (!problems.isEmpty()) throw new RuntimeFailure(String.join("; ", problems));
      if (first != null) throw first;
      if (entryFile != null) durability.store().remove(entryFile);
    }, ttl, mechanism, entryFile);
  }

  /**
   * Forgets a fault that ended by itself (a script that exited); no heal record. A durable
   * registration's entry is deleted from the on-disk journal too (its undo is not run).
   */
  public void forget(Key key) {
    Entry e;
    synchronized (this) {
      e = active.remove(key);
      if (e != null && e.timer != null) e.timer.cancel();
    }
    if (e != null && e.file != null) durability.store().remove(e.file);
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

  /**
   * Moves the TTL of {@code key}'s registration to {@code ttl} (an injector that learns when its
   * effect is due to end only once it is applied, e.g. a restart's start after its stop returned).
   * Does nothing when {@code key} is not active (already healed, or the journal is closed).
   */
  synchronized void reschedule(Key key, Instant ttl) {
    var e = active.get(key);
    if (e == null) return;
    if (e.timer != null) e.timer.cancel();
    e.timer = scheduler.at(ttl, () -> healer.accept(() -> heal(key)));
  }

  /**
   * Undoes {@code key}'s registration now, on the calling thread, for an injector whose apply failed:
   * what it may have done in part is undone before it reports the failure, and the entry (in memory
   * and on disk) is gone. The listener hears of it only when the undo fails (a heal record with the
   * failure; a failed durable entry stays on disk for the watchdog). Does nothing when {@code key} is
   * not active.
   */
  public void withdraw(Key key) {
    Entry e;
    synchronized (this) {
      e = active.remove(key);
    }
    if (e == null) return;
    if (e.timer != null) e.timer.cancel();
    try {
      e.fault.heal();
    } catch (RuntimeException ex) {
      var k = e.key;
      listener.accept(new Healed(k.seq(), k.fault(), k.label(), k.service(), k.id(), k.container(), clock.now(),
          Outcome.failed("undo after a failed apply failed: " + ex.getMessage()), e.mechanism));
    }
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

  /** Whether {@link #registerDurable} can be used (this journal has {@link Durability}). */
  boolean durable() {
    return durability != null;
  }

  /** The journal's clock, read now (the instant a heal record would carry). */
  Instant now() {
    return clock.now();
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
    listener.accept(new Healed(k.seq(), k.fault(), k.label(), k.service(), k.id(), k.container(), clock.now(), outcome, e.mechanism));
  }

  private static final class Entry {
    final Key key;
    final ActiveFault fault;
    final String mechanism;
    /** The durable registration's on-disk entry, null when it has none. */
    final java.nio.file.Path file;
    Scheduler.Cancellable timer;

    Entry(Key key, ActiveFault fault, String mechanism, java.nio.file.Path file) {
      this.key = key;
      this.fault = fault;
      this.mechanism = mechanism;
      this.file = file;
    }
  }
}
