package io.ltx2.connect.source;

import io.ltx2.connect.it.SourceIt;
import io.ltx2.connect.it.SourceItFixture;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.ltx2.connect.it.SourceIt.Event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Exactly-once source support: events and progress in one transaction, so stopping a worker mid-flight duplicates nothing. */
class LtxSourceExactlyOnceIT extends SourceItFixture {
    private static final Duration WAIT = Duration.ofSeconds(90);


    LtxSourceExactlyOnceIT() {
        super("source-eos-it", 2, true);
    }

    @Test
    void stoppingAWorkerMidFlightDuplicatesNothingAndLosesNothing() throws Exception {
        String bootstrap = connect.kafka().bootstrapServers();
        String tracking = "tasks-eos";
        String events = "events-eos";
        connect.kafka().createTopic(tracking, 4);
        connect.kafka().createTopic(events, 2);
        Map<String, String> props = SourceIt.connectorProps(bootstrap, sim, tracking, events, 2);
        props.put("exactly.once.support", "required");
        connect.configureConnector("eos", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("eos", 2, "source connector did not start");

        int n = 0;
        for (int wave = 0; wave < 3; wave++) {
            List<TrackingRecord> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++, n++) {
                batch.add(SourceIt.submit(client, "eos-" + n, SourceIt.text("EOS " + n, i % 2 == 0 ? "480p" : "720p", 5 + i), "async", null));
            }
            SourceIt.write(bootstrap, tracking, batch);
            if (wave == 0) {
                await().atMost(WAIT).until(() -> SourceIt.readEvents(bootstrap, events, 3, Duration.ofSeconds(2), Duration.ZERO).size() >= 3);
                WorkerHandle victim = connect.workers().iterator().next();
                connect.removeWorker(victim);
            }
        }
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("eos", 2, "tasks did not move to the remaining worker");
        int expected = n;
        List<Event> got = SourceIt.readEvents(bootstrap, events, expected, WAIT, Duration.ofSeconds(4));
        Map<String, Long> perKey = got.stream().collect(Collectors.groupingBy(Event::key, Collectors.counting()));
        assertThat(perKey).as("every request has its event").hasSize(expected);
        assertThat(perKey.values()).as("no request has two").allMatch(c -> c == 1L);
        connect.deleteConnector("eos");
    }
}
