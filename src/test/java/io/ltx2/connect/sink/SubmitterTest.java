package io.ltx2.connect.sink;

import io.ltx2.connect.api.ApiClientSettings;
import io.ltx2.connect.api.ApiExchange;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.LtxApiClient;
import io.ltx2.connect.api.RetryPolicy;
import io.ltx2.connect.api.TransportSettings;
import io.ltx2.connect.config.AvailabilityConfig;
import io.ltx2.connect.tracking.RequestLifecycle;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingWriter;
import io.ltx2.connect.util.Redaction;
import io.ltx2.connect.util.TaskEnvironment;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The creates of one sink task around the API's answers, on a stub API: what they leave behind for the next create. */
class SubmitterTest {
    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final AtomicInteger creates = new AtomicInteger();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A client whose every create is answered at once with {@code status} (an empty envelope). */
    private LtxApiClient answering(int status) {
        ApiClientSettings settings = new ApiClientSettings(URI.create("http://127.0.0.1:1/api/v1"), new Password("k"), "ltx-2-19b",
                Duration.ofSeconds(1), Duration.ofSeconds(1), 4, 600_000, new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)),
                TransportSettings.DEFAULT, Redaction.NONE);
        LtxApiClient client = new LtxApiClient(settings, TaskEnvironment.SYSTEM, new ApiExchange() {
            @Override
            public void send(SimpleHttpRequest request, FutureCallback<SimpleHttpResponse> callback) {
                creates.incrementAndGet();
                callback.completed(SimpleHttpResponse.create(status, "{\"code\":" + status + ",\"message\":\"refused\",\"data\":{}}",
                        ContentType.APPLICATION_JSON));
            }

            @Override
            public void close() {
            }
        });
        open.add(client);
        return client;
    }

    private static Submission request(long offset) {
        SinkRequest r = new SinkRequest(new RequestIdentity("sink", "requests", 0, offset), "k", "auto",
                new GenerationInput("text-to-video", "p" + offset, "480p", 5, "16:9", null, null, null), Map.of());
        SinkRecord record = new SinkRecord("requests", 0, null, "k", null, Map.of("prompt", "p" + offset), offset);
        return new Submission(record, new TopicPartition("requests", 0), r, 0, null, new RequestLifecycle(false), 0);
    }

    /**
     * Issue 24 item 8: the probe of an unavailable API ended only once its outcome was recorded; when recording threw (a DLQ
     * cost ledger that throws, say) the probe stayed out for good and no create went out again. It ends whatever recording did.
     */
    @Test
    void aProbeWhoseOutcomeCouldNotBeRecordedLetsTheNextCreateGo() {
        LtxApiClient client = answering(400);
        ApiAvailability availability = new ApiAvailability(new AvailabilityConfig.Settings(Duration.ofMillis(1), Duration.ofMillis(1),
                Optional.empty()), now::get);
        Submission earlier = request(0);
        availability.unavailable(earlier, "HTTP 402", 402); // the API cannot take work: one probe at a time
        now.addAndGet(10);
        TrackingWriter tracking = new TrackingWriter("tracking", new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()));
        open.add(tracking);
        SinkTaskMetrics metrics = SinkTaskMetrics.register("submitter-test", 0, new FakeSinkContext());
        open.add(metrics);
        TaskFailure failure = new TaskFailure();
        OutcomeRecorder outcomes = new OutcomeRecorder(tracking, "async", null, new OffsetTracker(), new DeadLetterQueue(null), metrics, failure,
                (reservation, seconds) -> {
                    throw new IllegalStateException("the spend ledger is broken");
                });
        Submitter submitter = new Submitter(client, tracking, new Admission(100, client, null, null, availability), outcomes,
                new CreateSettings("async", null, 1, true, null, null, availability), metrics, failure, now::get);

        submitter.enqueue(request(1));
        submitter.startCreates();
        await().atMost(Duration.ofSeconds(5)).until(() -> submitter.inFlight() == 0);
        assertThat(creates).as("the probe went out, refused with a 400 it could not record").hasValue(1);

        now.addAndGet(10);
        assertThat(availability.mayStart(new Object())).as("the next probe may go").isTrue();
    }
}
