package dev.reprise.export.campaign;

/**
 * What the report says about one run folder; every value is null when unknown (no workload lines,
 * no baseline, no faults). Percentages are 0–100.
 *
 * @param firingErrorP99Ms nearest-rank p99 of |actual − planned| over every timed action of the timeline
 * @param throughput mean successful operations per second after the warm-up ({@code Comparison.Summary})
 * @param errorRatePct errors / operations after the warm-up, in %
 * @param referenceThroughput the baseline's median throughput ({@code Comparison}'s reference)
 * @param throughputDipPct the deepest one-second drop below the reference, in % of it (0: never below)
 * @param recoverySeconds the longest recovery of the run's injected faults against the baseline;
 *     null when it had none or when one did not recover
 * @param faults injected faults (outcome ok or unknown)
 * @param unrecovered faults not recovered by the end of the data (null without a baseline)
 * @param anomalousSeconds seconds in the comparison's anomaly windows (null without a baseline)
 * @param baselines baseline runs pooled into the reference (0: none)
 */
record RunFigures(
    Double firingErrorP99Ms,
    Double throughput,
    Double errorRatePct,
    Double referenceThroughput,
    Double throughputDipPct,
    Double recoverySeconds,
    Integer faults,
    Integer unrecovered,
    Integer anomalousSeconds,
    int baselines) {}
