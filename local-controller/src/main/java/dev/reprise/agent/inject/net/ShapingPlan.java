package dev.reprise.agent.inject.net;

import dev.reprise.agent.heal.UndoStep;
import java.util.List;

/**
 * The host commands that apply one network fault (or partition) to one container, and the durable
 * steps that undo it — computed without side effects by {@link NetworkShaper} or
 * {@link PartitionRules}, run by the injector: {@code before} in order, and at the same time the
 * packet helper ({@code helperArgv}, when not null, waited for until it says it is ready; the rules
 * use {@code --queue-bypass}, so a packet queued before it binds passes), then the iptables rules,
 * all in one {@code iptables-restore --noflush} ({@code iptablesArgv} fed {@code iptablesRules}:
 * one process, applied atomically). The undo steps are written to the heal journal before the
 * first command runs.
 *
 * @param mechanism how it is applied, for the records ({@code netem}, {@code nfqueue+htb}, {@code iptables}, …)
 * @param iptablesRules the {@code iptables-restore} input (table, chains, rules, COMMIT), null when none
 */
public record ShapingPlan(String mechanism, List<List<String>> before, List<String> helperArgv, List<String> iptablesArgv,
    String iptablesRules, List<UndoStep> undo) {
  public ShapingPlan {
    before = before.stream().map(List::copyOf).toList();
    helperArgv = helperArgv == null ? null : List.copyOf(helperArgv);
    iptablesArgv = iptablesArgv == null ? null : List.copyOf(iptablesArgv);
    undo = List.copyOf(undo);
  }

  /**
   * Collects the chains and rules of one plan into one {@code iptables-restore} input for the
   * filter table: new chains declared, rules appended, hooks inserted first.
   */
  static final class Rules {
    private final List<String> chains = new java.util.ArrayList<>();
    private final List<String> lines = new java.util.ArrayList<>();

    void chain(String name) {
      chains.add(":" + name + " - [0:0]");
    }

    void line(String rule) {
      lines.add(rule);
    }

    String text() {
      if (chains.isEmpty() && lines.isEmpty()) return null;
      var sb = new StringBuilder("*filter\n");
      chains.forEach(c -> sb.append(c).append('\n'));
      lines.forEach(l -> sb.append(l).append('\n'));
      return sb.append("COMMIT\n").toString();
    }
  }

  /** Output of undo commands that means "already gone", which makes the undo a success. */
  public static final String ALREADY_GONE = "No chain|does a matching rule exist|Bad rule|Cannot find device|No such file"
      + "|Cannot delete qdisc with handle of zero|Invalid handle|does not exist|doesn't exist|No such device|No such process"
      + "|Couldn't load target|can't initialize iptables";
}
