package dev.reprise.agent.inject.net;

import dev.reprise.agent.inject.FaultApplication;
import dev.reprise.agent.inject.InjectionContext;
import dev.reprise.agent.runtime.RuntimeFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link ShapingPlan} to one target: journals its undo (durably, first), then runs its
 * commands and starts its helper. Any failure undoes what was applied before it rethrows.
 */
public final class ShapingRunner {
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  static final Duration HELPER_READY = Duration.ofSeconds(10);

  private ShapingRunner() {}

  /** Runs {@code plan} for {@code application}, healed at {@code ttl} at the latest. */
  public static void apply(InjectionContext ctx, FaultApplication<?> application, ShapingPlan plan, Instant ttl) {
    var key = application.journalKey();
    var helperPids = new ArrayList<Long>();
    var host = ctx.host();
    ctx.journal().registerDurable(key, plan.mechanism(), plan.undo(), () -> {
      synchronized (helperPids) {
        helperPids.forEach(host::kill);
      }
    }, ttl);
    java.util.concurrent.CompletableFuture<Long> helper = null;
    try {
      // The helper starts while the qdiscs and rules are placed: packets queued before it binds pass (--queue-bypass).
      if (plan.helperArgv() != null) {
        helper = new java.util.concurrent.CompletableFuture<>();
        var started = helper;
        var t = new Thread(() -> {
          try {
            long pid = host.startProcess(plan.helperArgv(), "netem:", HELPER_READY);
            synchronized (helperPids) {
              helperPids.add(pid);
            }
            started.complete(pid);
          } catch (RuntimeException e) {
            started.completeExceptionally(e);
          }
        }, "packet-helper-start");
        t.setDaemon(true);
        t.start();
      }
      runAll(ctx, plan.before());
      if (plan.iptablesRules() != null) {
        var r = host.run(plan.iptablesArgv(), plan.iptablesRules(), COMMAND_TIMEOUT);
        if (!r.ok()) {
          throw new RuntimeFailure(String.join(" ", plan.iptablesArgv()) + " exited " + r.exitCode() + (r.output().isBlank() ? "" : ": "
              + r.output()) + " (rules: " + plan.iptablesRules().strip().replace('\n', ';') + ")");
        }
      }
      if (helper != null) {
        try {
          helper.join();
        } catch (java.util.concurrent.CompletionException e) {
          throw e.getCause() instanceof RuntimeException re ? re : e;
        }
      }
    } catch (RuntimeException e) {
      // a helper still starting would come up after the undo killed what it found
      if (helper != null) {
        try {
          helper.join();
        } catch (RuntimeException ignored) {
          // its own failure, or the one being reported
        }
      }
      ctx.journal().withdraw(key);
      throw e;
    }
  }

  private static void runAll(InjectionContext ctx, List<List<String>> commands) {
    for (var argv : commands) {
      var r = ctx.host().run(argv, COMMAND_TIMEOUT);
      if (!r.ok()) {
        throw new RuntimeFailure(String.join(" ", argv) + " exited " + r.exitCode() + (r.output().isBlank() ? "" : ": " + r.output()));
      }
    }
  }

  /**
   * The container's network interfaces other than {@code lo}, read in its namespace
   * ({@code ip -o link show}).
   */
  public static List<String> interfaces(InjectionContext ctx, long pid) {
    var argv = new ArrayList<>(NetworkShaper.ns(pid));
    argv.addAll(List.of("ip", "-o", "link", "show"));
    var r = ctx.host().run(argv, COMMAND_TIMEOUT);
    if (!r.ok()) throw new RuntimeFailure("cannot list the container's interfaces: " + String.join(" ", argv) + " exited " + r.exitCode()
        + ": " + r.output());
    return parseLinks(r.output());
  }

  /** Interface names from {@code ip -o link show} lines ({@code 12: eth0@if13: <...>}), {@code lo} left out. */
  static List<String> parseLinks(String output) {
    var names = new ArrayList<String>();
    for (var line : output.split("\n")) {
      var parts = line.trim().split(":\\s+", 3);
      if (parts.length < 2) continue;
      var name = parts[1];
      int at = name.indexOf('@');
      if (at >= 0) name = name.substring(0, at);
      // lo, and the ifb links of faults applied already
      if (!name.isEmpty() && !name.equals("lo") && !name.startsWith("rpr")) names.add(name);
    }
    return names;
  }
}
