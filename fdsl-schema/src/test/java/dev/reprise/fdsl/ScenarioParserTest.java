package dev.reprise.fdsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.parse.ParseContext;

import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.CustomFault;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.Scenario;
import dev.reprise.fdsl.model.ServiceEvent;
import dev.reprise.fdsl.model.SignalFault;
import dev.reprise.fdsl.model.Target;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One test per rule of the FDSL, each with its YAML inline. Problems are compared as "LINE:COL: message". */
class ScenarioParserTest {
  private static final ParseContext CONTEXT = new ParseContext(List.of("web", "db"), Set.of("ok.sh")::contains, "faults/");

  static List<String> problems(String yaml) {
    return ScenarioParser.parse(yaml, CONTEXT).problems().stream()
        .map(p -> p.pos().line() + ":" + p.pos().column() + ": " + p.message()).toList();
  }

  static Scenario valid(String yaml) {
    var result = ScenarioParser.parse(yaml, CONTEXT);
    assertThat(result.problems()).isEmpty();
    return result.scenario().orElseThrow();
  }

  /** A minimal valid scenario around one moment's service events for {@code web}. */
  static String withEvents(String events) {
    return "events:\n  - beginning:\n      web: 5\n  - moment:\n      time: 10\n      services:\n        web:\n"
        + events.indent(10) + "  - end: 60\n";
  }

  static ServiceEvent onlyEvent(String events) {
    return valid(withEvents(events)).moments().get(0).services().get(0).events().get(0);
  }

  @Nested
  class Structure {
    @Test void acceptsAFaultSeeFileUnchanged() {
      var s = valid("""
          environment:
              seed: 568
              ntp_server: europe.pool.ntp.org
          events:
              - beginning:
                  web: 0
                  db: 0
              - moment:
                  time: 10
                  services:
                    web:
                      - start:
                          amount: 4
              - moment:
                  time: 20
                  services:
                    web:
                      - fault:
                          target:
                            specific: [3]
                          kill:
              - moment:
                  time: 30
                  services:
                    web:
                      - fault:
                          target:
                              specific: [2]
                          custom:
                              kills_container: "no"
                              fault_file_name: ok.sh
              - end: 400
          """);
      assertThat(s.environment().seed()).isEqualTo(568);
      assertThat(s.environment().ntpServer()).isEqualTo("europe.pool.ntp.org");
      assertThat(s.moments()).hasSize(3);
      assertThat(s.endMillis()).isEqualTo(400_000);
    }

    @Test void seedDefaultsTo789AndNtpToNone() {
      var s = valid("events:\n  - beginning: {web: 1}\n  - end: 5\n");
      assertThat(s.environment().seed()).isEqualTo(789);
      assertThat(s.environment().ntpServer()).isNull();
    }

    @Test void unknownTopLevelKeyIsSuggested() {
      assertThat(problems("environent:\n  seed: 1\nevents:\n  - beginning: {web: 1}\n  - end: 5\n"))
          .containsExactly("1:1: environent: unknown key 'environent' (did you mean 'environment'?)");
    }

    @Test void unknownEnvironmentKey() {
      assertThat(problems("environment:\n  sed: 1\nevents:\n  - beginning: {web: 1}\n  - end: 5\n"))
          .containsExactly("2:3: environment.sed: unknown key 'sed' (did you mean 'seed'?)");
    }

    @Test void seedMustBeAnInteger() {
      assertThat(problems("environment:\n  seed: abc\nevents:\n  - beginning: {web: 1}\n  - end: 5\n"))
          .containsExactly("2:9: environment.seed: expected an integer, got 'abc'");
    }

    @Test void ntpResyncDefaultsTo60sAndTakesADurationOrZero() {
      assertThat(valid("events:\n  - beginning: {web: 1}\n  - end: 5\n").environment().ntpResyncMillis()).isEqualTo(60_000);
      assertThat(valid("environment:\n  ntp_server: ntp.lan\n  ntp_resync: 2m\nevents:\n  - beginning: {web: 1}\n  - end: 5\n")
          .environment().ntpResyncMillis()).isEqualTo(120_000);
      assertThat(valid("environment:\n  ntp_server: ntp.lan\n  ntp_resync: 0\nevents:\n  - beginning: {web: 1}\n  - end: 5\n")
          .environment().ntpResyncMillis()).isZero();
    }

    @Test void ntpResyncBelowOneSecondIsRefused() {
      assertThat(problems("environment:\n  ntp_server: ntp.lan\n  ntp_resync: 250ms\nevents:\n  - beginning: {web: 1}\n  - end: 5\n"))
          .containsExactly("3:15: environment.ntp_resync: must be 0 (measure only at arm) or at least 1s");
    }

    @Test void ntpResyncWithoutAServerIsRefused() {
      assertThat(problems("environment:\n  ntp_resync: 30s\nevents:\n  - beginning: {web: 1}\n  - end: 5\n"))
          .containsExactly("2:15: environment.ntp_resync: there is no ntp_server to re-measure against (add one, or remove ntp_resync)");
    }

    @Test void ntpServerMustBeAHostName() {
      assertThat(problems("environment:\n  ntp_server: http://x/y\nevents:\n  - beginning: {web: 1}\n  - end: 5\n"))
          .containsExactly("2:15: environment.ntp_server: 'http://x/y' is not a host name or IP address, with an optional port (write e.g. pool.ntp.org, 10.0.0.1 or 10.0.0.1:123)");
    }

    @Test void eventsAreRequired() {
      assertThat(problems("environment:\n  seed: 1\n"))
          .containsExactly("1:1: events: missing (a list with one 'beginning', one 'end' and any number of 'moment')");
    }

    @Test void eventsMustBeAList() {
      assertThat(problems("events:\n  beginning: {web: 1}\n"))
          .containsExactly("2:3: events: expected a list (lines starting with '- '), got a mapping");
    }

    @Test void eachEventHasExactlyOneKind() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n    end: 5\n"))
          .contains("2:5: events[0]: each event is exactly one of beginning, end, moment; found beginning, end");
    }

    @Test void unknownEventKindIsSuggested() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - momnet: {time: 1, mark: x}\n  - end: 5\n"))
          .containsExactly("3:5: events[1]: unknown event 'momnet' (did you mean 'moment'?)");
    }

    @Test void beginningIsRequired() {
      assertThat(problems("events:\n  - end: 5\n"))
          .containsExactly("1:1: events: missing 'beginning' (the containers of each service at the start)");
    }

    @Test void beginningOnlyOnce() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - beginning: {db: 1}\n  - end: 5\n"))
          .containsExactly("3:5: events[1].beginning: a second 'beginning' (the first is at line 2); there must be exactly one");
    }

    @Test void beginningCountsAreNonNegativeIntegers() {
      assertThat(problems("events:\n  - beginning: {web: -1, db: two}\n  - end: 5\n"))
          .containsExactly(
              "2:22: events[0].beginning.web: -1 is out of range: must be between 0 and 10000",
              "2:30: events[0].beginning.db: expected an integer, got 'two'");
    }

    @Test void endIsRequired() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n"))
          .containsExactly("1:1: events: missing 'end' (the second at which the experiment ends)");
    }

    @Test void endOnlyOnce() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - end: 5\n  - end: 6\n"))
          .containsExactly("4:5: events[2].end: a second 'end' (the first is at line 3); there must be exactly one");
    }

    @Test void noMomentAfterTheEnd() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {time: 50, mark: late}\n  - end: 40\n"))
          .containsExactly("3:5: events: the moment at 50s is after the end at 40s (line 4)");
    }

    @Test void momentNeedsATime() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {mark: x}\n  - end: 40\n"))
          .containsExactly("3:5: events[1].moment: missing 'time' (the second, after the start, at which the moment happens)"
              + " or 'when' (the state that fires it)");
    }

    @Test void momentNeedsAMarkOrServices() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {time: 3}\n  - end: 40\n"))
          .containsExactly("3:5: events[1].moment: a moment needs a 'mark', 'services', or both");
    }

    @Test void misspeltMomentKeyIsSuggested() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {tiem: 3, time: 3, mark: m}\n  - end: 40\n"))
          .containsExactly("3:14: events[1].moment.tiem: unknown key 'tiem' (did you mean 'time'?)");
    }

    @Test void timesAcceptUnits() {
      var s = valid("events:\n  - beginning: {web: 1}\n  - moment: {time: 1m30s, mark: a}\n  - moment: {time: 250ms, mark: b}\n"
          + "  - moment: {time: 1.5, mark: c}\n  - end: 2m\n");
      assertThat(s.moments()).extracting(m -> m.timeMillis()).containsExactly(90_000L, 250L, 1_500L);
      assertThat(s.endMillis()).isEqualTo(120_000);
    }

    @Test void badDurationIsExplained() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {time: 10 minutes, mark: a}\n  - end: 2m\n"))
          .containsExactly("3:20: events[1].moment.time: '10 minutes' is not a duration: write seconds (90, 1.5) or units (1m30s, 250ms, 2h)");
    }

    @Test void negativeTimeIsRejected() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {time: -1, mark: a}\n  - end: 2m\n"))
          .containsExactly("3:20: events[1].moment.time: must be >= 0, got -1");
    }

    @Test void yamlSyntaxErrorsHaveTheirPosition() {
      assertThat(problems("events:\n  - beginning: {web: 1\n"))
          .containsExactly("3:1: YAML syntax error: expected ',' or '}', but got <stream end> "
              + "(while parsing a flow mapping that starts at line 2, column 16)");
    }

    @Test void duplicateKeysAreRejected() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {time: 3, mark: a, mark: b}\n  - end: 40\n"))
          .containsExactly("3:32: events[1].moment.mark: duplicate key (first written at line 3)");
    }

    @Test void everyProblemIsReportedAtOnce() {
      assertThat(problems("environment: {sed: 1}\nevents:\n  - beginning: {wbe: 1}\n  - moment: {time: 3}\n  - end: x\n"))
          .hasSize(4);
    }
  }

  @Nested
  class Services {
    @Test void serviceMustBeInTheComposeFile() {
      assertThat(problems("events:\n  - beginning: {wbe: 1}\n  - end: 5\n"))
          .containsExactly("2:17: events.beginning: service 'wbe' is not in the compose file (did you mean 'web'?)");
    }

    @Test void serviceInAMomentMustBeInTheComposeFile() {
      assertThat(problems(withEvents("- start: {amount: 1}").replace("        web:\n", "        cache:\n")))
          .containsExactly("7:9: events[1].moment.services.cache: service 'cache' is not in the compose file (it defines: web, db)");
    }

    @Test void serviceEventListMustNotBeEmpty() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment:\n      time: 3\n      services:\n        web: []\n  - end: 5\n"))
          .containsExactly("6:9: events[1].moment.services.web: empty list; give at least one start, stop or fault");
    }

    @Test void servicesMustNotBeEmpty() {
      assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment:\n      time: 3\n      services: {}\n  - end: 5\n"))
          .containsExactly("5:7: events[1].moment.services: empty; name at least one service with its events");
    }

    @Test void unknownServiceEventIsSuggested() {
      assertThat(problems(withEvents("- strat: {amount: 1}")))
          .containsExactly("8:13: events[1].moment.services.web[0]: unknown service event 'strat' (did you mean 'start'?)");
    }
  }

  @Nested
  class Targets {
    @Test void startTakesAmount() {
      assertThat(onlyEvent("- start: {amount: 2}")).isInstanceOf(ServiceEvent.Start.class)
          .extracting(ServiceEvent::target).isInstanceOfSatisfying(Target.Amount.class, a -> assertThat(a.amount()).isEqualTo(2));
    }

    @Test void startPercentageMayExceed100() {
      assertThat(onlyEvent("- start: {percentage: 250}").target())
          .isInstanceOfSatisfying(Target.Percentage.class, p -> assertThat(p.percent()).isEqualTo(250));
    }

    @Test void startHasNoSpecific() {
      assertThat(problems(withEvents("- start: {specific: [1]}")))
          .contains("8:21: events[1].moment.services.web[0].start.specific: unknown key 'specific' (expected one of: amount, percentage)");
    }

    @Test void exactlyOneOfAmountAndPercentage() {
      assertThat(problems(withEvents("- start: {amount: 1, percentage: 10}")))
          .containsExactly("8:13: events[1].moment.services.web[0].start: give exactly one of amount, percentage; found amount and percentage");
    }

    @Test void stopPercentageIsAtMost100() {
      assertThat(problems(withEvents("- stop: {percentage: 101}")))
          .containsExactly("8:32: events[1].moment.services.web[0].stop.percentage: 101 is out of range: must be between 0 and 100");
    }

    @Test void amountIsNonNegative() {
      assertThat(problems(withEvents("- stop: {amount: -2}")))
          .containsExactly("8:28: events[1].moment.services.web[0].stop.amount: -2 is out of range: must be between 0 and 10000");
    }

    @Test void stopTakesSpecificIds() {
      assertThat(onlyEvent("- stop: {specific: [3, 1]}").target())
          .isInstanceOfSatisfying(Target.Specific.class, s -> assertThat(s.ids()).containsExactly(3, 1));
    }

    @Test void specificIdsAreDistinct() {
      assertThat(problems(withEvents("- stop: {specific: [1, 1]}")))
          .containsExactly("8:34: events[1].moment.services.web[0].stop.specific[1]: container 1 is listed twice");
    }

    @Test void specificIsNotEmpty() {
      assertThat(problems(withEvents("- stop: {specific: []}")))
          .containsExactly("8:30: events[1].moment.services.web[0].stop.specific: empty list; name at least one container ID");
    }

    @Test void faultNeedsATarget() {
      assertThat(problems(withEvents("- fault: {kill: }")))
          .containsExactly("8:13: events[1].moment.services.web[0].fault: missing 'target' (amount, percentage or specific)");
    }

    @Test void faultTargetPercentageIsAtMost100() {
      assertThat(problems(withEvents("- fault: {target: {percentage: 120}, kill: }")))
          .containsExactly("8:42: events[1].moment.services.web[0].fault.target.percentage: 120 is out of range: must be between 0 and 100");
    }
  }

  @Nested
  class Faults {
    @Test void faultNeedsAType() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}}")))
          .containsExactly("8:13: events[1].moment.services.web[0].fault: missing the fault type (one of: cpu, custom, disk_fill, io, kill, memory, network, partition, pause, restart, signal)");
    }

    @Test void unknownFaultTypeIsSuggested() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, kil: }")))
          .containsExactly("8:42: events[1].moment.services.web[0].fault: unknown fault type 'kil' (did you mean 'kill'?)");
    }

    @Test void oneFaultTypePerFault() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, kill: , cpu: {duration: 3}}")))
          .containsExactly("8:50: events[1].moment.services.web[0].fault: one fault type per fault; found kill and cpu (write two fault events)");
    }

    @Test void killTakesNoValue() {
      assertThat(((ServiceEvent.Fault) onlyEvent("- fault:\n    target: {amount: 1}\n    kill:\n")).fault()).isEqualTo(new KillFault());
    }

    @Test void killRejectsParameters() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, kill: {signal: TERM}}")))
          .containsExactly("8:49: events[1].moment.services.web[0].fault.kill.signal: unknown key 'signal' (expected one of: )");
    }

    @Test void signalTakesAPosixName() {
      var f = (ServiceEvent.Fault) onlyEvent("- fault: {target: {amount: 1}, signal: {signal: SIGUSR1, kills_container: no}}");
      assertThat(f.fault()).isEqualTo(new SignalFault("SIGUSR1", false));
    }

    @Test void signalNamesAreNormalisedAndAliasesResolved() {
      var usr2 = (ServiceEvent.Fault) onlyEvent("- fault: {target: {amount: 1}, signal: {signal: usr2, kills_container: no}}");
      var iot = (ServiceEvent.Fault) onlyEvent("- fault: {target: {amount: 1}, signal: {signal: SIGIOT, kills_container: yes}}");
      assertThat(usr2.fault()).isEqualTo(new SignalFault("SIGUSR2", false));
      assertThat(iot.fault()).isEqualTo(new SignalFault("SIGABRT", true));
    }

    @Test void unknownSignalIsRejectedWithASuggestion() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, signal: {signal: SIGUSR3, kills_container: no}}")))
          .containsExactly("8:59: events[1].moment.services.web[0].fault.signal.signal: 'SIGUSR3' is not a POSIX signal (did you mean 'SIGUSR1'?)");
    }

    @Test void signalsLinuxLacksAreRejectedWithTheReason() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, signal: {signal: SIGEMT, kills_container: no}}")))
          .containsExactly("8:59: events[1].moment.services.web[0].fault.signal.signal: SIGEMT does not exist on Linux");
    }

    @Test void signalNeedsKillsContainer() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, signal: {signal: SIGTERM}}")))
          .containsExactly("8:50: events[1].moment.services.web[0].fault.signal: missing 'kills_container' (yes if the signal ends the container, no otherwise)");
    }

    @Test void yesNoAcceptsBooleansAndQuotedStrings() {
      for (String v : List.of("yes", "\"yes\"", "'YES'", "true", "\"true\"")) {
        var f = (ServiceEvent.Fault) onlyEvent("- fault: {target: {amount: 1}, signal: {signal: SIGTERM, kills_container: " + v + "}}");
        assertThat(f.fault().killsContainer()).as(v).isTrue();
      }
      for (String v : List.of("no", "\"no\"", "false", "'No'")) {
        var f = (ServiceEvent.Fault) onlyEvent("- fault: {target: {amount: 1}, signal: {signal: SIGTERM, kills_container: " + v + "}}");
        assertThat(f.fault().killsContainer()).as(v).isFalse();
      }
    }

    @Test void yesNoRejectsOtherWords() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, signal: {signal: SIGTERM, kills_container: maybe}}")))
          .containsExactly("8:85: events[1].moment.services.web[0].fault.signal.kills_container: expected yes or no, got 'maybe'");
    }

    @Test void cpuTakesADurationAndOptionalCores() {
      var one = (ServiceEvent.Fault) onlyEvent("- fault: {target: {amount: 1}, cpu: {duration: 40}}");
      var two = (ServiceEvent.Fault) onlyEvent("- fault: {target: {amount: 1}, cpu: {duration: 1m, cores: 2}}");
      assertThat(one.fault()).isEqualTo(new CpuFault(40_000, 1));
      assertThat(two.fault()).isEqualTo(new CpuFault(60_000, 2));
    }

    @Test void cpuDurationIsPositive() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, cpu: {duration: 0}}")))
          .containsExactly("8:58: events[1].moment.services.web[0].fault.cpu.duration: must be > 0");
    }

    @Test void cpuNeedsADuration() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, cpu: {cores: 2}}")))
          .containsExactly("8:47: events[1].moment.services.web[0].fault.cpu: missing 'duration' (seconds, or a duration such as 30s)");
    }

    @Test void customHasFaultSeeDefaults() {
      var f = (ServiceEvent.Fault) onlyEvent("- fault: {target: {amount: 1}, custom: {kills_container: no, fault_file_name: ok.sh, fault_script_arguments: [20, -f]}}");
      var c = (CustomFault) f.fault();
      assertThat(c.commandLine()).containsExactly("/bin/sh", "/usr/lib/faultsee/ok.sh", "20", "-f");
    }

    @Test void customTakesExecutableAndFolder() {
      var f = (ServiceEvent.Fault) onlyEvent("""
          - fault:
              target: {amount: 1}
              custom:
                kills_container: yes
                fault_file_name: ok.sh
                fault_file_folder: /myapp
                executable: /usr/bin/python3
                executable_arguments: [-u]
          """);
      assertThat(((CustomFault) f.fault()).commandLine()).containsExactly("/usr/bin/python3", "-u", "/myapp/ok.sh");
      assertThat(f.fault().killsContainer()).isTrue();
    }

    @Test void customNeedsKillsContainerAndFileName() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, custom: {executable: /bin/bash}}")))
          .containsExactly(
              "8:50: events[1].moment.services.web[0].fault.custom: missing 'kills_container' (yes if the script ends the container, no otherwise)",
              "8:50: events[1].moment.services.web[0].fault.custom: missing 'fault_file_name' (the script's name in faults/)");
    }

    @Test void customScriptMustBeInTheFaultsFolder() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, custom: {kills_container: no, fault_file_name: gone.sh}}")))
          .containsExactly("8:89: events[1].moment.services.web[0].fault.custom.fault_file_name: no file 'gone.sh' in faults/ "
              + "(looked in, in this order: faults/ next to the scenario, environment.faults, --faults DIR, "
              + "the LSDS_FAULTS_FOLDER_LOCAL folder)");
    }

    @Test void customFolderIsAbsolute() {
      assertThat(problems(withEvents("- fault: {target: {amount: 1}, custom: {kills_container: no, fault_file_name: ok.sh, fault_file_folder: tmp}}")))
          .containsExactly("8:115: events[1].moment.services.web[0].fault.custom.fault_file_folder: 'tmp' must be an absolute path inside the container");
    }
  }
}
