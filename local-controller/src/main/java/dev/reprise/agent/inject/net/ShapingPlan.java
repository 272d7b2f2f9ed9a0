package dev.reprise.agent.inject.net;

import dev.reprise.agent.heal.UndoStep;
import java.util.List;

/**
 * The host commands that apply one network fault (or partition) to one container, and the durable
 * steps that undo it — computed without side effects by {@link NetworkShaper} or
 * {@link PartitionRules}, run by the injector: {@code before} in order, then the packet helper
 * ({@code helperArgv}, when not null, waited for until it says it is ready), then {@code after}.
 * The undo steps are written to the heal journal before the first command runs.
 *
 * @param mechanism how it is applied, for the records ({@code netem}, {@code nfqueue+htb}, {@code iptables}, …)
 */
public record ShapingPlan(String mechanism, List<List<String>> before, List<String> helperArgv, List<List<String>> after,
    List<UndoStep> undo) {
  public ShapingPlan {
    before = before.stream().map(List::copyOf).toList();
    helperArgv = helperArgv == null ? null : List.copyOf(helperArgv);
    after = after.stream().map(List::copyOf).toList();
    undo = List.copyOf(undo);
  }

  /** Output of undo commands that means "already gone", which makes the undo a success. */
  public static final String ALREADY_GONE = "No chain|does a matching rule exist|Bad rule|Cannot find device|No such file"
      + "|Cannot delete qdisc with handle of zero|Invalid handle|does not exist|doesn't exist|No such device|No such process"
      + "|Couldn't load target|can't initialize iptables";
}
