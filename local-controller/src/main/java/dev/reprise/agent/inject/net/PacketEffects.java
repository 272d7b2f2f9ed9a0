package dev.reprise.agent.inject.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a network fault does to the packets it selects, in netem's terms (the agent's own copy of
 * the FDSL record's parameters, so the mechanisms do not depend on its shape). Percentages are
 * 0..100; zero or null means "not this effect".
 *
 * @param delayMicros added one-way delay
 * @param jitterMicros ± variation of the delay
 * @param delayCorrelation percent correlation of successive delays
 * @param lossPercent packets dropped
 * @param lossCorrelation percent correlation of successive losses
 * @param corruptPercent packets with one bit flipped
 * @param duplicatePercent packets sent twice
 * @param reorderPercent packets sent at once, ahead of the delayed rest (needs a delay)
 * @param reorderCorrelation percent correlation of reordering
 * @param rateBitsPerSecond bandwidth limit, 0 for none
 */
public record PacketEffects(long delayMicros, long jitterMicros, double delayCorrelation, double lossPercent, double lossCorrelation,
    double corruptPercent, double duplicatePercent, double reorderPercent, double reorderCorrelation, long rateBitsPerSecond) {

  /** Whether any effect needs packets held or rewritten (netem, or the packet helper): everything but plain loss and rate. */
  public boolean needsEmulation() {
    return delayMicros > 0 || jitterMicros > 0 || corruptPercent > 0 || duplicatePercent > 0 || reorderPercent > 0
        || (lossPercent > 0 && lossCorrelation > 0);
  }

  /** Whether any per-packet effect (everything but the rate) is asked for. */
  public boolean perPacket() {
    return needsEmulation() || lossPercent > 0;
  }

  public boolean rateLimited() {
    return rateBitsPerSecond > 0;
  }

  /** netem's arguments for every effect, rate included ({@code delay 50000us 5000us 25% loss random 10% ...}). */
  List<String> netemArgs(boolean withRate) {
    var a = new ArrayList<String>();
    if (delayMicros > 0 || jitterMicros > 0) {
      a.add("delay");
      a.add(delayMicros + "us");
      if (jitterMicros > 0) {
        a.add(jitterMicros + "us");
        if (delayCorrelation > 0) a.add(pct(delayCorrelation));
      }
    }
    if (lossPercent > 0) {
      a.add("loss");
      a.add("random");
      a.add(pct(lossPercent));
      if (lossCorrelation > 0) a.add(pct(lossCorrelation));
    }
    if (corruptPercent > 0) {
      a.add("corrupt");
      a.add(pct(corruptPercent));
    }
    if (duplicatePercent > 0) {
      a.add("duplicate");
      a.add(pct(duplicatePercent));
    }
    if (reorderPercent > 0) {
      a.add("reorder");
      a.add(pct(reorderPercent));
      if (reorderCorrelation > 0) a.add(pct(reorderCorrelation));
    }
    if (withRate && rateBitsPerSecond > 0) {
      a.add("rate");
      a.add(rateBitsPerSecond + "bit");
    }
    return a;
  }

  /** The packet helper's {@code netem} options for the per-packet effects. */
  List<String> helperArgs() {
    var a = new ArrayList<String>();
    if (delayMicros > 0) a.addAll(List.of("--delay-us", Long.toString(delayMicros)));
    if (jitterMicros > 0) a.addAll(List.of("--jitter-us", Long.toString(jitterMicros)));
    if (delayCorrelation > 0) a.addAll(List.of("--delay-correlation", num(delayCorrelation)));
    if (lossPercent > 0) a.addAll(List.of("--loss", num(lossPercent)));
    if (lossCorrelation > 0) a.addAll(List.of("--loss-correlation", num(lossCorrelation)));
    if (corruptPercent > 0) a.addAll(List.of("--corrupt", num(corruptPercent)));
    if (duplicatePercent > 0) a.addAll(List.of("--duplicate", num(duplicatePercent)));
    if (reorderPercent > 0) a.addAll(List.of("--reorder", num(reorderPercent)));
    if (reorderCorrelation > 0) a.addAll(List.of("--reorder-correlation", num(reorderCorrelation)));
    return a;
  }

  static String pct(double p) {
    return num(p) + "%";
  }

  static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
  }
}
