package dev.reprise.agent.inject;

import dev.reprise.fdsl.fault.FaultType;
import dev.reprise.fdsl.fault.FaultTypes;
import dev.reprise.fdsl.model.FaultSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The injector of every fault type, keyed by the fault type's registered name
 * ({@link FaultTypes}): the only place the agent maps a fault to the code that applies it.
 * {@code InjectorsRegistryTest} fails when a registered fault type has no injector here, or an
 * injector has no registered type. Injectors hold no per-run state, so one set serves every run.
 *
 * <p>Adding a fault type: one {@link #bind} line below, next to its record and its entry in
 * {@link FaultTypes}.
 */
public final class Injectors {

  /** A fault type and the injector that applies it. */
  public record Binding<F extends FaultSpec>(FaultType<F> type, Injector<F> injector) {
    Injector.TargetResult apply(InjectionContext ctx, FaultApplication<?> application) throws InterruptedException {
      return injector.apply(ctx, application.as(type.record()));
    }
  }

  private static final Map<String, Binding<?>> BY_NAME = index(List.of(
      bind(FaultTypes.KILL, new KillInjector()),
      bind(FaultTypes.SIGNAL, new SignalInjector()),
      bind(FaultTypes.CPU, new CpuInjector()),
      bind(FaultTypes.CUSTOM, new CustomInjector()),
      bind(FaultTypes.NETWORK, new NetworkInjector()),
      bind(FaultTypes.PARTITION, new PartitionInjector()),
      bind(FaultTypes.PAUSE, new PauseInjector()),
      bind(FaultTypes.RESTART, new RestartInjector()),
      bind(FaultTypes.MEMORY, new MemoryInjector()),
      bind(FaultTypes.DISK_FILL, new DiskFillInjector()),
      bind(FaultTypes.IO, new IoInjector())));

  private Injectors() {}

  private static <F extends FaultSpec> Binding<F> bind(FaultType<F> type, Injector<F> injector) {
    return new Binding<>(type, injector);
  }

  private static Map<String, Binding<?>> index(List<Binding<?>> bindings) {
    var byName = new LinkedHashMap<String, Binding<?>>();
    for (var b : bindings) {
      if (byName.put(b.type().name(), b) != null) throw new IllegalStateException("two injectors for fault type '" + b.type().name() + "'");
    }
    return Collections.unmodifiableMap(byName);
  }

  /** The names of the fault types that have an injector, sorted. */
  public static SortedSet<String> types() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(BY_NAME.keySet()));
  }

  /** The binding of fault type {@code name}, if it has an injector. */
  public static Optional<Binding<?>> forType(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /**
   * Applies {@code application} with its fault type's injector, on the calling (injector pool)
   * thread. Exceptions are the injector's ({@link Injector}).
   *
   * @throws IllegalArgumentException when the fault's type has no injector (a registry gap the tests catch)
   */
  public static Injector.TargetResult apply(InjectionContext ctx, FaultApplication<?> application) throws InterruptedException {
    var type = application.fault().type();
    var binding = forType(type).orElseThrow(() -> new IllegalArgumentException("no injector for fault type '" + type
        + "' (registered types with injectors: " + String.join(", ", types()) + ")"));
    return binding.apply(ctx, application);
  }
}
