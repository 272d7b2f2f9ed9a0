package dev.reprise.fdsl.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner's rules for triggered moments, one test each, the YAML inline; problems as "LINE:COL: message". */
class TriggerPlannerTest {

  static final String HEAD = "events:\n  - beginning: {db: 3, web: 2}\n";

  @Test void aTriggeredMomentIsPlannedAtItsEarliestInstantWithItsTriggerAndCountAllResolved() {
    var plan = PlannerTest.plan(HEAD + """
          - moment:
              when: {log: {service: db, pattern: "Startup complete", count: all}, timeout: 120s}
              services:
                db:
                  - fault: {target: {specific: [1]}, kill: }
          - end: 300
        """, 1);
    assertThat(plan.actions()).hasSize(1);
    assertThat(plan.actions().get(0).offsetMillis()).isZero();
    assertThat(plan.triggers()).containsExactly(new PlannedTrigger(0, 0, 120_000, "fail", "log", "db", "Startup complete", 3,
        null, null, null, "log of db matches \"Startup complete\" in 3 containers (all)"));
    assertThat(plan.triggerOf(0)).isPresent();
  }

  @Test void timeIsTheEarliestInstantAndOrdersTheMomentAmongTheOthers() {
    var plan = PlannerTest.plan(HEAD + """
          - moment: {time: 50, mark: late}
          - moment: {time: 20, when: {running: {service: web}, timeout: 10s, on_timeout: skip}, mark: triggered}
          - moment: {time: 5, mark: early}
          - end: 300
        """, 1);
    assertThat(plan.actions()).extracting(PlannedAction::offsetMillis).containsExactly(5_000L, 20_000L, 50_000L);
    assertThat(plan.triggers()).extracting(PlannedTrigger::moment).containsExactly(1);
    assertThat(plan.triggers().get(0).deadlineMillis()).isEqualTo(30_000);
    assertThat(plan.triggers().get(0).description()).isEqualTo("2 web containers (all) running");
  }

  @Test void laterMomentsWithAbsoluteTimesStayAbsolute() {
    var plan = PlannerTest.plan(HEAD + """
          - moment:
              when: {log: {service: db, pattern: up}, timeout: 30s}
              services: {db: [{fault: {target: {specific: [0]}, kill: }}]}
          - moment: {time: 40, services: {db: [{fault: {target: {specific: [1]}, kill: }}]}}
          - end: 300
        """, 1);
    assertThat(plan.actions()).extracting(PlannedAction::offsetMillis).containsExactly(0L, 40_000L);
    assertThat(plan.triggers()).hasSize(1);
    assertThat(plan.alive().get(2).alive().get("db")).containsExactly(2);
  }

  @Test void theAliveSetIsCheckedInOrderThroughATriggeredMoment() {
    assertThat(PlannerTest.problems(HEAD + """
          - moment:
              when: {log: {service: db, pattern: up}, timeout: 30s}
              services: {db: [{fault: {target: {specific: [0]}, kill: }}]}
          - moment: {time: 40, services: {db: [{fault: {target: {specific: [0]}, kill: }}]}}
          - end: 300
        """)).containsExactly("6:69: events[2].moment.services.db[0].fault.target.specific[0]: container 0 of 'db' is not alive at 40s:"
            + " only 2 are expected alive (IDs [1, 2])");
  }

  @Test void aCountLargerThanTheContainersAliveIsAnErrorAtTheCount() {
    assertThat(PlannerTest.problems(HEAD + """
          - moment:
              when: {log: {service: db, pattern: up, count: 4}, timeout: 30s}
              mark: x
          - end: 300
        """)).containsExactly("4:53: when.log.count: 4 containers of 'db', but only 3 are expected alive at 0s (the moment's place in the plan)");
  }

  @Test void countAllOfAServiceWithNoContainerAliveIsAnError() {
    assertThat(PlannerTest.problems("""
        events:
          - beginning: {db: 0}
          - moment:
              when: {running: {service: db}, timeout: 30s}
              mark: x
          - end: 300
        """)).containsExactly("4:33: when.running.count: 'all' containers of 'db', but none is expected alive at 0s (the moment's place in the plan)");
  }

  @Test void aMomentThatMayOvertakeATriggeredOneOnTheSameServiceIsAnError() {
    assertThat(PlannerTest.problems(HEAD + """
          - moment:
              when: {log: {service: db, pattern: up}, timeout: 60s}
              services: {db: [{fault: {target: {specific: [0]}, kill: }}]}
          - moment: {time: 30, services: {db: [{fault: {target: {amount: 1}, kill: }}]}}
          - end: 300
        """)).containsExactly("6:5: events: this moment at 30s may fire before the triggered moment at line 3, which waits from 0s"
            + " until 60s, and both act on 'db', whose alive set that moment changes; move this moment to 60s or later,"
            + " or trigger it on the same condition");
  }

  @Test void aMomentOnOtherServicesOrWithoutAliveChangesMayFireWhileATriggeredOneWaits() {
    var plan = PlannerTest.plan(HEAD + """
          - moment:
              when: {log: {service: db, pattern: up}, timeout: 60s}
              services: {db: [{fault: {target: {amount: 1}, cpu: {duration: 5}}}]}
          - moment: {time: 30, services: {web: [{fault: {target: {amount: 1}, kill: }}]}}
          - moment: {time: 31, services: {db: [{fault: {target: {amount: 1}, cpu: {duration: 5}}}]}}
          - end: 300
        """, 1);
    assertThat(plan.actions()).hasSize(3);
  }

  @Test void aPlanWithoutTriggersKeepsItsBytes() {
    var plan = PlannerTest.plan(HEAD + "  - moment: {time: 1, mark: x}\n  - end: 5\n", 1);
    assertThat(PlanJson.write(plan)).doesNotContain("triggers");
  }

  @Test void triggersRoundTripThroughPlanJsonAndBothWritersAgree() {
    var plan = PlannerTest.plan(HEAD + """
          - moment:
              when: {workload: {metric: error_rate, above: 5%, service: web}, timeout: 60s, on_timeout: skip}
              mark: errors
          - end: 300
        """, 1);
    String json = PlanJson.write(plan);
    assertThat(json).contains("\"triggers\":[{\"moment\":0,\"earliestMillis\":0,\"timeoutMillis\":60000,\"onTimeout\":\"skip\","
        + "\"condition\":\"workload\",\"service\":\"web\",\"metric\":\"error_rate\",\"comparison\":\"above\",\"threshold\":0.05,"
        + "\"description\":\"workload error_rate of web above 5%\"}]");
    assertThat(PlanJson.read(json)).isEqualTo(plan);
    var out = new java.io.StringWriter();
    PlanJson.write(plan, out);
    assertThat(out.toString()).isEqualTo(json);
  }

  static List<String> unused() {
    return List.of();
  }
}
