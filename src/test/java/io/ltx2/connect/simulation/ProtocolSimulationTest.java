package io.ltx2.connect.simulation;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The randomized simulation of the protocol (ProtocolSimulation): as many seeded schedules as fit in
 * {@code sim.seconds} (default 45) from seed {@code sim.seed.base}, or the one seed {@code sim.seed};
 * every invariant is checked after every schedule. A failure names its seed; replay it with
 * {@code mvn test -Dtest=ProtocolSimulationTest -Dsim.seed=<seed>}. The long profile runs it for longer.
 */
class ProtocolSimulationTest {
    private static Level before;
    private static Level kafkaBefore;

    /**
     * Off while thousands of schedules run: Kafka's config classes alone logged a "values:" block for every client and
     * converter each schedule builds, over a GB of test log in -Plong's 300 s.
     */
    @BeforeAll
    static void quiet() {
        before = org.apache.logging.log4j.LogManager.getLogger("io.ltx2").getLevel();
        kafkaBefore = org.apache.logging.log4j.LogManager.getLogger("org.apache.kafka").getLevel();
        Configurator.setLevel("io.ltx2", Level.OFF);
        Configurator.setLevel("org.apache.kafka", Level.WARN);
    }

    @AfterAll
    static void loud() {
        Configurator.setLevel("io.ltx2", before);
        Configurator.setLevel("org.apache.kafka", kafkaBefore);
    }

    @Test
    void everyScheduleKeepsTheInvariants() {
        String one = System.getProperty("sim.seed");
        if (one != null) {
            Configurator.setLevel("io.ltx2", Level.INFO);
            report(List.of(ProtocolSimulation.run(Long.parseLong(one))), 1, 0);
            return;
        }
        long base = Long.getLong("sim.seed.base", 1L);
        long budgetMs = Long.getLong("sim.seconds", 45L) * 1000;
        long started = System.currentTimeMillis();
        List<ProtocolSimulation.Result> failed = new ArrayList<>();
        long runs = 0;
        long events = 0;
        long virtualMs = 0;
        while (System.currentTimeMillis() - started < budgetMs && failed.size() < 3) {
            ProtocolSimulation.Result r = ProtocolSimulation.run(base + runs);
            runs++;
            events += r.events();
            virtualMs += r.virtualMs();
            if (!r.passed()) {
                failed.add(r);
            }
        }
        System.out.printf("Protocol simulation: %d schedules from seed %d in %d ms (%d events, %.1f virtual hours), %d failed%n", runs, base,
                System.currentTimeMillis() - started, events, virtualMs / 3.6e6, failed.size());
        report(failed, runs, base);
    }

    /** A seed replays its schedule exactly: the same records on the tracking topic, the same creates, the same events. */
    @Test
    void aSeedReplaysTheSameRun() {
        for (long seed : new long[]{4, 6, 12, 88}) {
            assertThat(fingerprint(ProtocolSimulation.run(seed))).as("seed " + seed).isEqualTo(fingerprint(ProtocolSimulation.run(seed)));
        }
    }

    private static String fingerprint(ProtocolSimulation.Result r) {
        StringBuilder b = new StringBuilder();
        r.world().ledger.tracking.forEach((k, records) -> records.forEach(t -> b.append(k).append(t.partition()).append('/').append(t.offset())
                .append(t.record().type()).append(t.atMs()).append(';')));
        r.world().api.creates().forEach(c -> b.append(c).append(';'));
        r.world().ledger.events.forEach(e -> b.append(e.prompt()).append(e.atMs()).append(e.value().getString("taskId")).append(';'));
        return b.append(r.events()).toString();
    }

    private static void report(List<ProtocolSimulation.Result> results, long runs, long base) {
        List<ProtocolSimulation.Result> failed = results.stream().filter(r -> !r.passed()).toList();
        if (failed.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (ProtocolSimulation.Result r : failed) {
            b.append(r.schedule()).append("violations:\n  ").append(String.join("\n  ", r.violations())).append("\nreplay: mvn test "
                    + "-Dtest=ProtocolSimulationTest -Dsim.seed=").append(r.schedule().seed).append("\n\n");
        }
        fail(failed.size() + " of " + runs + " schedules broke an invariant:\n" + b);
    }
}
