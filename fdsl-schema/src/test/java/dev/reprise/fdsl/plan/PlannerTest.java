package dev.reprise.fdsl.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.model.Moment;
import dev.reprise.fdsl.model.Scenario;
import dev.reprise.fdsl.model.ServiceEvent;
import dev.reprise.fdsl.model.ServiceEvents;
import dev.reprise.fdsl.model.Target;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.ScenarioParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PlannerTest {

  static Scenario scenario(String yaml) {
    var r = ScenarioParser.parse(yaml, ParseContext.textOnly());
    assertThat(r.problems()).isEmpty();
    return r.scenario().orElseThrow();
  }

  static Plan plan(String yaml, long seed) {
    var r = Planner.plan(scenario(yaml), seed);
    assertThat(r.problems()).isEmpty();
    return r.plan().orElseThrow();
  }

  static List<String> problems(String yaml) {
    return Planner.plan(scenario(yaml), 789).problems().stream()
        .map(p -> p.pos().line() + ":" + p.pos().column() + ": " + p.message()).toList();
  }

  static String moment(int time, String service, String event) {
    return "  - moment:\n      time: " + time + "\n      services:\n        " + service + ":\n          - " + event + "\n";
  }

  @Test void percentagesRoundUp() {
    assertThat(Planner.ceilPercent(20, 11)).isEqualTo(3);
    assertThat(Planner.ceilPercent(20, 10)).isEqualTo(2);
    assertThat(Planner.ceilPercent(200, 10)).isEqualTo(20);
    assertThat(Planner.ceilPercent(1, 1)).isEqualTo(1);
    assertThat(Planner.ceilPercent(0, 7)).isZero();
    var p = plan("events:\n  - beginning: {web: 11}\n" + moment(5, "web", "stop: {percentage: 20}") + "  - end: 10\n", 1);
    assertThat(((StopAction) p.actions().get(0)).ids()).hasSize(3);
  }

  @Test void startAddsTheNextIdsAndPercentageMayExceed100() {
    var p = plan("events:\n  - beginning: {web: 2}\n" + moment(5, "web", "start: {percentage: 150}")
        + moment(6, "web", "start: {amount: 1}") + "  - end: 10\n", 1);
    assertThat(((StartAction) p.actions().get(0)).ids()).containsExactly(2, 3, 4);
    assertThat(((StartAction) p.actions().get(1)).ids()).containsExactly(5);
    assertThat(p.alive().get(2).alive().get("web")).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test void idsAreNeverReusedAfterKills() {
    var p = plan("events:\n  - beginning: {web: 3}\n" + moment(5, "web", "fault: {target: {specific: [2]}, kill: }")
        + moment(6, "web", "start: {amount: 1}") + "  - end: 10\n", 1);
    assertThat(((StartAction) p.actions().get(1)).ids()).containsExactly(3);
    assertThat(p.alive().get(2).alive().get("web")).containsExactly(0, 1, 3);
  }

  @Test void killStopAndKillingSignalsLeaveTheAliveSetOthersDoNot() {
    var p = plan("events:\n  - beginning: {web: 5}\n"
        + moment(1, "web", "fault: {target: {specific: [0]}, kill: }")
        + moment(2, "web", "stop: {specific: [1]}")
        + moment(3, "web", "fault: {target: {specific: [2]}, signal: {signal: SIGTERM, kills_container: yes}}")
        + moment(4, "web", "fault: {target: {specific: [3]}, signal: {signal: SIGUSR1, kills_container: no}}")
        + moment(5, "web", "fault: {target: {specific: [3]}, cpu: {duration: 2}}")
        + "  - end: 10\n", 1);
    assertThat(p.alive()).extracting(s -> s.count("web")).containsExactly(5, 4, 3, 2, 2, 2);
    assertThat(p.alive().get(5).alive().get("web")).containsExactly(3, 4);
  }

  @Test void momentsRunInTimeOrderThenFileOrder() {
    var p = plan("""
        events:
          - beginning: {web: 1}
          - moment: {time: 11, mark: eleven}
          - moment: {time: 10, mark: ten-a}
          - moment: {time: 10, mark: ten-b}
          - end: 20
        """, 1);
    assertThat(p.actions()).extracting(a -> ((MarkAction) a).text()).containsExactly("ten-a", "ten-b", "eleven");
    assertThat(p.actions()).extracting(PlannedAction::seq).containsExactly(0, 1, 2);
    assertThat(p.actions()).extracting(PlannedAction::moment).containsExactly(0, 1, 2);
  }

  @Test void insideAMomentTheMarkComesFirstThenEventsInOrderEachSeeingThePrevious() {
    var p = plan("""
        events:
          - beginning: {web: 2}
          - moment:
              time: 5
              mark: go
              services:
                web:
                  - start: {amount: 1}
                  - stop: {amount: 3}
          - end: 20
        """, 1);
    assertThat(p.actions()).extracting(PlannedAction::action).containsExactly("mark", "start", "stop");
    assertThat(((StopAction) p.actions().get(2)).ids()).containsExactly(0, 1, 2);
  }

  @Test void amountLargerThanTheAliveCountIsAnErrorAtTheAmount() {
    assertThat(problems("events:\n  - beginning: {web: 1}\n" + moment(5, "web", "stop: {amount: 20}") + "  - end: 10\n"))
        .containsExactly("7:28: events[1].moment.services.web[0].stop.amount: cannot stop 20 containers of 'web' at 5s: "
            + "only 1 is expected alive (IDs [0])");
  }

  @Test void specificIdNotYetCreatedIsAnError() {
    assertThat(problems("events:\n  - beginning: {web: 2}\n" + moment(5, "web", "fault: {target: {specific: [2]}, kill: }") + "  - end: 10\n"))
        .containsExactly("7:41: events[1].moment.services.web[0].fault.target.specific[0]: container 2 of 'web' is not alive at 5s: "
            + "only 2 are expected alive (IDs [0, 1])");
  }

  @Test void specificIdAlreadyDeadIsAnError() {
    assertThat(problems("events:\n  - beginning: {web: 2}\n" + moment(5, "web", "stop: {specific: [0]}")
        + moment(6, "web", "fault: {target: {specific: [0]}, cpu: {duration: 1}}") + "  - end: 10\n"))
        .containsExactly("12:41: events[2].moment.services.web[0].fault.target.specific[0]: container 0 of 'web' is not alive at 6s: "
            + "only 1 is expected alive (IDs [1])");
  }

  @Test void anEmptyTargetStaysInThePlan() {
    var p = plan("events:\n  - beginning: {web: 0}\n" + moment(5, "web", "fault: {target: {percentage: 50}, kill: }") + "  - end: 10\n", 1);
    assertThat(((FaultAction) p.actions().get(0)).ids()).isEmpty();
  }

  @Test void sameInputGivesTheSameBytes() {
    String yaml = "events:\n  - beginning: {web: 20}\n" + moment(5, "web", "fault: {target: {percentage: 30}, kill: }")
        + moment(6, "web", "stop: {amount: 4}") + "  - end: 10\n";
    assertThat(PlanJson.write(plan(yaml, 42))).isEqualTo(PlanJson.write(plan(yaml, 42)));
  }

  @Test void anotherSeedChangesOnlyTheRandomPicks() {
    String yaml = "events:\n  - beginning: {web: 20}\n" + moment(5, "web", "fault: {target: {percentage: 30}, cpu: {duration: 1}}")
        + moment(6, "web", "fault: {target: {specific: [3]}, signal: {signal: SIGUSR1, kills_container: no}}") + "  - end: 10\n";
    Plan a = plan(yaml, 1), b = plan(yaml, 2);
    assertThat(((FaultAction) a.actions().get(0)).ids()).hasSize(6).isNotEqualTo(((FaultAction) b.actions().get(0)).ids());
    assertThat(a.actions().get(1)).isEqualTo(b.actions().get(1));
    assertThat(a.actions()).extracting(PlannedAction::offsetMillis).isEqualTo(b.actions().stream().map(PlannedAction::offsetMillis).toList());
  }

  @Test void editingOneEventDoesNotReshuffleTheOthers() {
    String before = "events:\n  - beginning: {web: 20, db: 20}\n"
        + moment(5, "db", "fault: {target: {amount: 3}, cpu: {duration: 2}}")
        + moment(6, "web", "fault: {target: {amount: 3}, kill: }") + "  - end: 10\n";
    String after = "events:\n  - beginning: {web: 20, db: 20}\n"
        + "  - moment: {time: 1, mark: inserted}\n"
        + moment(5, "db", "fault: {target: {amount: 5}, cpu: {duration: 9}}")
        + moment(6, "web", "fault: {target: {amount: 3}, kill: }") + "  - end: 10\n";
    var killBefore = plan(before, 7).actions().stream().filter(x -> x instanceof FaultAction f && f.service().equals("web")).findFirst().orElseThrow();
    var killAfter = plan(after, 7).actions().stream().filter(x -> x instanceof FaultAction f && f.service().equals("web")).findFirst().orElseThrow();
    assertThat(((FaultAction) killAfter).ids()).isEqualTo(((FaultAction) killBefore).ids());
  }

  @Test void picksAreUniformEnoughAndDistinct() {
    var counts = new int[10];
    var live = new TreeSet<Integer>();
    for (int i = 0; i < 10; i++) live.add(i);
    for (int k = 0; k < 2000; k++) {
      var ids = Planner.pick(live, 3, EventSeeds.stream(k, "x"));
      assertThat(ids).doesNotHaveDuplicates().hasSize(3).isSorted();
      ids.forEach(id -> counts[id]++);
    }
    for (int c : counts) assertThat(c).isBetween(450, 750); // expected 600 each
  }

  @Test void eventSeedsAreStableAcrossReleases() {
    // Pinned: changing the derivation would change every published plan.
    assertThat(EventSeeds.stream(789, EventSeeds.key(5000, 0, "web", 0)).nextLong()).isEqualTo(EventSeeds.stream(789, "5000#0/web/0").nextLong());
    assertThat(Planner.pick(new TreeSet<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)), 3, EventSeeds.stream(789, "5000#0/web/0")))
        .isEqualTo(Planner.pick(new TreeSet<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)), 3, EventSeeds.stream(789, "5000#0/web/0")));
  }

  /** {@code scenario} with target groups given to every fault (the planner's rules, apart from the syntax of network's and partition's). */
  static Scenario withGroups(Scenario scenario, Map<String, Map<String, Target>> groups) {
    var moments = scenario.moments().stream().map(m -> new Moment(m.fileIndex(), m.timeMillis(), m.mark(),
        m.services().stream().map(se -> new ServiceEvents(se.service(), se.events().stream()
            .map(e -> e instanceof ServiceEvent.Fault f ? (ServiceEvent) new ServiceEvent.Fault(f.target(), f.fault(), groups, f.pos()) : e)
            .toList(), se.pos())).toList(), m.pos())).toList();
    return new Scenario(scenario.environment(), scenario.beginning(), scenario.beginningPositions(), scenario.endMillis(), moments);
  }

  static Target amount(int n, String path) {
    return new Target.Amount(n, new SourcePos(9, 9), path);
  }

  static Map<String, Map<String, Target>> groups(Object... nameServiceTarget) {
    var groups = new LinkedHashMap<String, Map<String, Target>>();
    for (int i = 0; i < nameServiceTarget.length; i += 3) {
      groups.computeIfAbsent((String) nameServiceTarget[i], k -> new LinkedHashMap<>())
          .put((String) nameServiceTarget[i + 1], (Target) nameServiceTarget[i + 2]);
    }
    return groups;
  }

  @Test void targetGroupsAreResolvedAgainstTheAliveSetsAndCarriedByTheFaultAction() {
    String yaml = "events:\n  - beginning: {web: 4, db: 3}\n" + moment(2, "db", "stop: {specific: [2]}")
        + moment(5, "web", "fault: {target: {specific: [1]}, cpu: {duration: 1}}") + "  - end: 10\n";
    var scenario = withGroups(scenario(yaml), groups(
        "left", "web", new Target.Percentage(100, new SourcePos(1, 1), "g.left.web"),
        "right", "db", new Target.Percentage(100, new SourcePos(1, 1), "g.right.db"),
        "right", "web", new Target.Specific(List.of(3, 0), List.of(new SourcePos(1, 1), new SourcePos(1, 2)), new SourcePos(1, 1), "g.right.web")));
    var fault = (FaultAction) Planner.plan(scenario, 1).plan().orElseThrow().actions().get(1);
    assertThat(fault.ids()).containsExactly(1);
    assertThat(fault.groups()).containsOnlyKeys("left", "right");
    assertThat(fault.groups().get("left")).containsExactly(Map.entry("web", List.of(0, 1, 2, 3)));
    assertThat(fault.groups().get("right")).containsExactly(Map.entry("db", List.of(0, 1)), Map.entry("web", List.of(0, 3)));
    assertThat(fault.services()).containsExactlyInAnyOrder("web", "db");
  }

  @Test void groupPicksAreSeededPerGroupAndLeaveTheTargetPicksAlone() {
    String yaml = "events:\n  - beginning: {web: 20, db: 20}\n" + moment(5, "web", "fault: {target: {amount: 3}, cpu: {duration: 1}}") + "  - end: 10\n";
    var without = (FaultAction) plan(yaml, 7).actions().get(0);
    var g = groups("a", "db", amount(5, "g.a.db"), "b", "db", amount(5, "g.b.db"));
    var with = (FaultAction) Planner.plan(withGroups(scenario(yaml), g), 7).plan().orElseThrow().actions().get(0);
    var again = (FaultAction) Planner.plan(withGroups(scenario(yaml), g), 7).plan().orElseThrow().actions().get(0);
    var otherSeed = (FaultAction) Planner.plan(withGroups(scenario(yaml), g), 8).plan().orElseThrow().actions().get(0);
    assertThat(with.ids()).isEqualTo(without.ids());
    assertThat(with.groups().get("a").get("db")).hasSize(5).isSorted().isNotEqualTo(with.groups().get("b").get("db"));
    assertThat(again).isEqualTo(with);
    assertThat(PlanJson.write(Planner.plan(withGroups(scenario(yaml), g), 7).plan().orElseThrow()))
        .isEqualTo(PlanJson.write(Planner.plan(withGroups(scenario(yaml), g), 7).plan().orElseThrow()));
    assertThat(otherSeed.groups()).isNotEqualTo(with.groups());
  }

  @Test void aGroupLargerThanItsServicesAliveSetIsAnErrorAtItsTarget() {
    String yaml = "events:\n  - beginning: {web: 2, db: 1}\n" + moment(5, "web", "fault: {target: {amount: 1}, cpu: {duration: 1}}") + "  - end: 10\n";
    var r = Planner.plan(withGroups(scenario(yaml), groups("far", "db", amount(2, "g.far.db"))), 1);
    assertThat(r.plan()).isEmpty();
    assertThat(r.problems()).extracting(p -> p.pos().line() + ":" + p.pos().column() + ": " + p.message())
        .containsExactly("9:9: g.far.db: cannot place in cpu group 'far' 2 containers of 'db' at 5s: only 1 is expected alive (IDs [0])");
  }

  @Test void aFaultWithoutGroupsHasNoneInThePlanOrItsJson() {
    var p = plan("events:\n  - beginning: {web: 2}\n" + moment(5, "web", "fault: {target: {amount: 1}, kill: }") + "  - end: 10\n", 1);
    assertThat(((FaultAction) p.actions().get(0)).groups()).isEmpty();
    assertThat(PlanJson.write(p)).doesNotContain("groups");
  }

  @Test void aNetworkFaultsToBecomesItsToGroupWithAllResolvedToTheContainersAliveThen() {
    var p = plan("events:\n  - beginning: {web: 3, db: 4}\n" + moment(2, "db", "stop: {specific: [1]}")
        + moment(5, "web", "fault: {target: {specific: [0]}, network: {duration: 10s, delay: 50ms, to: {db: all, web: [2]}}}")
        + "  - end: 20\n", 1);
    var fault = (FaultAction) p.actions().get(1);
    assertThat(fault.ids()).containsExactly(0);
    assertThat(fault.groups()).containsOnlyKeys("to");
    assertThat(fault.groups().get("to")).containsExactly(Map.entry("db", List.of(0, 2, 3)), Map.entry("web", List.of(2)));
    assertThat(fault.services()).containsExactlyInAnyOrder("web", "db");
    assertThat(PlanJson.read(PlanJson.write(p))).isEqualTo(p);
  }

  @Test void aNetworkFaultWithoutToHasNoGroups() {
    var p = plan("events:\n  - beginning: {web: 2}\n" + moment(5, "web", "fault: {target: {amount: 1}, network: {duration: 1, loss: 5%}}")
        + "  - end: 10\n", 1);
    assertThat(((FaultAction) p.actions().get(0)).groups()).isEmpty();
    assertThat(PlanJson.write(p)).doesNotContain("groups");
  }

  @Test void aPartitionsDefaultPeersAreEveryOtherContainerAliveOfEveryService() {
    var p = plan("events:\n  - beginning: {web: 3, db: 2, cache: 1}\n" + moment(1, "cache", "stop: {amount: 1}")
        + moment(5, "web", "fault: {target: {specific: [1]}, partition: {duration: 10s}}") + "  - end: 20\n", 1);
    var fault = (FaultAction) p.actions().get(1);
    assertThat(fault.groups()).containsOnlyKeys("peers");
    assertThat(fault.groups().get("peers")).containsExactly(Map.entry("db", List.of(0, 1)), Map.entry("web", List.of(0, 2)));
    assertThat(PlanJson.read(PlanJson.write(p))).isEqualTo(p);
  }

  @Test void aPartitionsAllPeersNeverIncludeItsTargets() {
    var p = plan("events:\n  - beginning: {web: 4, db: 1}\n"
        + moment(5, "web", "fault: {target: {specific: [0, 3]}, partition: {duration: 10s, peers: {web: all, db: [0]}, direction: outgoing}}")
        + "  - end: 20\n", 1);
    assertThat(((FaultAction) p.actions().get(0)).groups().get("peers"))
        .containsExactly(Map.entry("db", List.of(0)), Map.entry("web", List.of(1, 2)));
  }

  @Test void aGroupsServiceTheScenarioNeverHasIsAnErrorWithASuggestion() {
    assertThat(problems("events:\n  - beginning: {web: 2, db: 1}\n"
        + moment(5, "web", "fault: {target: {amount: 1}, partition: {duration: 10s, peers: {dbs: all}}}") + "  - end: 20\n"))
        .containsExactly("7:82: events[1].moment.services.web[0].fault.partition.peers.dbs: the scenario has no service 'dbs' (did you mean 'db'?)");
    assertThat(problems("events:\n  - beginning: {web: 2, db: 1}\n"
        + moment(5, "web", "fault: {target: {amount: 1}, network: {duration: 1, loss: 1%, to: {queue: [0]}}}") + "  - end: 20\n"))
        .containsExactly("7:87: events[1].moment.services.web[0].fault.network.to.queue: the scenario has no service 'queue'"
            + " (its services: db, web)");
  }

  @Test void aGroupsIdNotAliveThenIsAnErrorAtTheId() {
    assertThat(problems("events:\n  - beginning: {web: 2, db: 2}\n" + moment(2, "db", "fault: {target: {specific: [1]}, kill: }")
        + moment(5, "web", "fault: {target: {amount: 1}, network: {duration: 1, loss: 1%, to: {db: [0, 1]}}}") + "  - end: 20\n"))
        .containsExactly("12:88: events[2].moment.services.web[0].fault.network.to.db[1]: container 1 of 'db' is not alive at 5s:"
            + " only 1 is expected alive (IDs [0])");
  }
}
