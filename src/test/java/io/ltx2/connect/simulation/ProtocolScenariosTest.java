package io.ltx2.connect.simulation;

import org.apache.kafka.connect.data.Struct;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interleavings of issue 24 written out, on the simulation's real tasks and virtual world: each named
 * defect as the schedule that shows it, checked by every invariant and by what the issue says of it.
 * Each failed on the code before its fix (the randomized simulation had found it first: seeds in the note).
 */
class ProtocolScenariosTest {
    private static Level before;

    @BeforeAll
    static void quiet() {
        before = org.apache.logging.log4j.LogManager.getLogger("io.ltx2").getLevel();
        Configurator.setLevel("io.ltx2", Level.OFF);
    }

    @AfterAll
    static void loud() {
        Configurator.setLevel("io.ltx2", before);
    }

    private static ProtocolSimulation.Result run(Schedule.Script script) {
        ProtocolSimulation.Result r = ProtocolSimulation.run(script.build());
        assertThat(r.violations()).as(r.schedule().toString()).isEmpty();
        return r;
    }

    private static List<VirtualApi.Task> tasksOf(ProtocolSimulation.Result r, String prompt) {
        return r.world().api.tasks().values().stream().filter(t -> t.prompt.equals(prompt)).toList();
    }

    private static Struct eventOf(ProtocolSimulation.Result r, String prompt) {
        List<Ledger.Event> events = r.world().ledger.events.stream().filter(e -> e.prompt().equals(prompt)).toList();
        assertThat(events).hasSize(1);
        return events.get(0).value();
    }

    /**
     * Item 1: a retried request's new attempt waits in the queue while the balance is empty (its INTENT out); the source
     * asks again; once topped up, one attempt is created, not two.
     */
    @Test
    void aRetryAskedAgainWhileItsAttemptWaitsForTheApiMakesNoSecondAttempt() {
        Schedule.Script s = new Schedule.Script().request(0, 0, "p0");
        s.api.ends("p0", "PROCESSING_TIMEOUT", "");
        s.api.noBalance.add(new ApiPlan.Window(1_000, 25_000));
        ProtocolSimulation.Result r = run(s);
        assertThat(tasksOf(r, "p0")).as("the failed task and one new attempt's").hasSize(2);
        assertThat(eventOf(r, "p0").getString("state")).isEqualTo("success");
        assertThat(eventOf(r, "p0").getInt32("attempt")).isEqualTo(2);
    }

    /** Item 12: in callback mode a create whose answer was lost waits for its task's callback and adopts it: one video. */
    @Test
    void inCallbackModeALostAnswerIsAdoptedNotCreatedAgain() {
        Schedule.Script s = new Schedule.Script().request(0, 0, "p0");
        s.callbacks = true;
        s.api.answers("p0", "dropped");
        ProtocolSimulation.Result r = run(s);
        assertThat(tasksOf(r, "p0")).hasSize(1);
        Struct e = eventOf(r, "p0");
        assertThat(e.getBoolean("adopted")).isTrue();
        assertThat(e.getInt32("earlierAttempts")).isNull();
    }

    /** Item 12, the setting's other reading: tried again at once, the second task named on the event. */
    @Test
    void aLostAnswerInPollingModeIsCreatedAgainAndNamed() {
        Schedule.Script s = new Schedule.Script().request(0, 0, "p0");
        s.api.answers("p0", "dropped");
        ProtocolSimulation.Result r = run(s);
        assertThat(tasksOf(r, "p0")).hasSize(2);
        assertThat(eventOf(r, "p0").getInt32("earlierAttempts")).isEqualTo(1);
    }

    /**
     * Item 6: in callback mode the sink crashes while a retry's new attempt is on the wire; the next owner, asked again,
     * finds that attempt's INTENT and waits for its callback instead of creating another.
     */
    @Test
    void aCrashWhileARetrysAttemptIsOutAdoptsItInCallbackMode() {
        Schedule.Script s = new Schedule.Script().request(0, 0, "p0").fault(18_000, Schedule.FaultKind.SINK_CRASH, 0, 1_000);
        s.callbacks = true;
        s.api.minGenerationMs = 15_000; // the first task fails at 15 s, its retry's create goes out at 17 s, unanswered
        s.api.maxGenerationMs = 16_000;
        s.api.ends("p0", "PROCESSING_TIMEOUT", "");
        s.api.answers("p0", "200", "late");
        ProtocolSimulation.Result r = run(s);
        assertThat(tasksOf(r, "p0")).as("the failed task and the retry's, adopted").hasSize(2);
        assertThat(eventOf(r, "p0").getBoolean("adopted")).isTrue();
    }

    /**
     * Item 4: partitions added to the tracking topic while requests are retried. A new attempt's records (and its callback's)
     * stay on the request's partition, where one source task reads them all (4a); the RETRY records of requests that land on
     * the added partitions are read by the sink too (4b), so each is retried once and succeeds.
     */
    @Test
    void retriesAroundAddedTrackingPartitionsStayOnTheirRequestsPartitionAndAreRead() {
        Schedule.Script s = new Schedule.Script().fault(500, Schedule.FaultKind.ADD_TRACKING_PARTITION, 0, 0)
                .fault(700, Schedule.FaultKind.ADD_TRACKING_PARTITION, 0, 0);
        s.callbacks = true;
        for (int i = 0; i < 12; i++) {
            s.request(i < 6 ? 0 : 3_000, 0, "p" + i); // half before the partitions are added, half after
            s.api.ends("p" + i, "PROCESSING_TIMEOUT", "");
        }
        ProtocolSimulation.Result r = run(s); // the invariants include one partition per request
        assertThat(r.world().kafka.partitionCount(World.TRACKING)).isEqualTo(3);
        assertThat(r.world().api.tasks()).as("a failed task and its retry's, each").hasSize(24);
        for (int i = 0; i < 12; i++) {
            assertThat(eventOf(r, "p" + i).getString("state")).as("p" + i).isEqualTo("success");
        }
        assertThat(r.world().ledger.tracking.values().stream().flatMap(List::stream).map(Ledger.Tracked::partition).distinct().count())
                .as("requests on the added partitions too").isGreaterThan(1);
    }
}
