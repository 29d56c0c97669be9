package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientStats;
import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.TaskState;
import io.ltx2.connect.api.TaskStatus;
import io.ltx2.connect.config.RetryConfig;
import io.ltx2.connect.source.OutcomeRules.Outcome;
import io.ltx2.connect.tracking.Attempt;
import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackedRequest;
import io.ltx2.connect.tracking.TrackingRecord;
import io.ltx2.connect.tracking.TrackingRecordType;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fail codes worth another attempt (issue 20): the request's failed task gives no event, a RETRY
 * record asks the sink for a new attempt, and the new attempt's outcome gives the one event, which
 * names the failed task; a bounded number of times for "try again" codes, without bound for the
 * codes that say the API cannot do the work now.
 */
class RetriesTest {
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final long T0 = 1_700_000_000_000L;
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final GenerationInput INPUT = new GenerationInput("text-to-video", "A fox", "480p", 5, "16:9", null, 1L, null);
    private static final TrackedRequest REQUEST = new TrackedRequest(new RequestIdentity("sink", "requests", 0, 7), "req-7", "async",
            "auto", INPUT, Map.of());

    private final List<TrackingRecord> written = new ArrayList<>();
    private final List<FollowedTask> followed = new ArrayList<>();
    private final List<Struct> events = new ArrayList<>();
    private final SourceTaskMetrics metrics = SourceTaskMetrics.register("retries-test-" + RUN.incrementAndGet(), 0, new ApiClientStats(),
            () -> 0, () -> false);
    private RequestRegistry registry = registry(1);
    private long offset;

    @AfterEach
    void close() {
        metrics.close();
    }

    private RequestRegistry registry(int max) {
        RetryConfig.Settings settings = new RetryConfig.Settings(max, Set.of("PROCESSING_TIMEOUT"), Set.of("MODEL_UNAVAILABLE"),
                Duration.ofMinutes(2));
        Retries retries = new Retries(settings, TIMEOUT, (r, partition) -> {
            written.add(r);
            return CompletableFuture.completedFuture(null);
        }, metrics::retryAsked);
        return new RequestRegistry(TIMEOUT, new RequestRegistry.Following() {
            @Override
            public void follow(FollowedTask task, long now) {
                followed.add(task);
            }

            @Override
            public Optional<Outcome> confirm(FollowedTask task, TrackingRecord callback, long now) {
                return Optional.empty();
            }

            @Override
            public void unfollow(FollowedTask task) {
            }
        }, new RequestRegistry.Output() {
            @Override
            public void resolve(TrackingOffset at) {
            }

            @Override
            public void emit(int partition, Struct event, RequestFacts facts) {
                events.add(event);
            }
        }, metrics, retries);
    }

    private void read(TrackingRecord r) {
        registry.onRecord(TrackingReader.Read.of("tracking", new TrackingOffset(0, offset++), r), T0);
    }

    private void submitted(String taskId, int attempt) {
        read(TrackingRecord.intent(REQUEST, attempt, T0 + attempt));
        read(TrackingRecord.submitted(REQUEST, taskId, attempt, List.of(), T0 + attempt));
    }

    private FollowedTask task(String taskId) {
        return followed.stream().filter(t -> t.taskId.equals(taskId)).reduce((a, b) -> b).orElseThrow();
    }

    private static Outcome failed(String taskId, String code) {
        return Outcome.of(new TaskStatus(taskId, TaskState.FAILED, "failed", List.of(), code, code + " happened", T0, T0 + 1_000, 1_000L));
    }

    private static Outcome success(String taskId) {
        return Outcome.of(new TaskStatus(taskId, TaskState.SUCCESS, "success", List.of("https://v/" + taskId + ".mp4"), null, null, T0,
                T0 + 1_000, 1_000L));
    }

    @Test
    void aRetryableFailCodeAsksForANewAttemptAndItsOutcomeIsTheEventNamingTheFailedTask() {
        submitted("t1", 1);
        registry.complete(task("t1"), failed("t1", "PROCESSING_TIMEOUT"), T0 + 2_000);
        assertThat(events).as("no event for a task whose request is retried").isEmpty();
        TrackingRecord retry = written.get(0);
        assertThat(retry.type()).isEqualTo(TrackingRecordType.RETRY);
        assertThat(retry.identity()).isEqualTo(REQUEST.identity());
        assertThat(retry.attempt()).isEqualTo(1);
        assertThat(retry.taskId()).isEqualTo("t1");
        assertThat(retry.failCode()).isEqualTo("PROCESSING_TIMEOUT");
        assertThat(retry.isUnavailable()).isFalse();
        assertThat(retry.input()).isEqualTo(INPUT);
        read(retry); // the source reads its own RETRY back: no second one
        assertThat(registry.outstanding()).isEqualTo(1);

        submitted("t2", 2);
        assertThat(metrics.value("duplicate-tasks-total")).as("the new attempt is no duplicate").isZero();
        registry.complete(task("t2"), success("t2"), T0 + 9_000);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getString("state")).isEqualTo("success");
            assertThat(e.getString("taskId")).isEqualTo("t2");
            assertThat(e.getInt32("attempt")).isEqualTo(2);
            assertThat(e.getInt32("earlierAttempts")).as("the failed task may be billed").isEqualTo(1);
            assertThat(e.getArray("otherTaskIds")).containsExactly("t1");
        });
        assertThat(written).hasSize(1);
    }

    @Test
    void theBudgetOfRetriesEndsInTheFailedEvent() {
        submitted("t1", 1);
        registry.complete(task("t1"), failed("t1", "PROCESSING_TIMEOUT"), T0 + 2_000);
        submitted("t2", 2);
        registry.complete(task("t2"), failed("t2", "PROCESSING_TIMEOUT"), T0 + 4_000);
        assertThat(written).hasSize(1);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getString("state")).isEqualTo("failed");
            assertThat(e.getString("failCode")).isEqualTo("PROCESSING_TIMEOUT");
            assertThat(e.getString("taskId")).isEqualTo("t2");
        });
    }

    @Test
    void aTerminalFailCodeOrNoRetriesGivesTheFailedEventAtOnce() {
        submitted("t1", 1);
        registry.complete(task("t1"), failed("t1", "CONTENT_VIOLATION"), T0 + 2_000);
        assertThat(events).singleElement().extracting(e -> e.getString("failCode")).isEqualTo("CONTENT_VIOLATION");

        registry = registry(0);
        events.clear();
        submitted("t9", 1);
        registry.complete(task("t9"), failed("t9", "PROCESSING_TIMEOUT"), T0 + 2_000);
        assertThat(events).singleElement().extracting(e -> e.getString("failCode")).isEqualTo("PROCESSING_TIMEOUT");
        assertThat(written).isEmpty();
    }

    @Test
    void anUnavailableFailCodeIsRetriedWithoutLimitAndSaysSo() {
        registry = registry(0);
        for (int attempt = 1; attempt <= 4; attempt++) {
            submitted("t" + attempt, attempt);
            registry.complete(task("t" + attempt), failed("t" + attempt, "MODEL_UNAVAILABLE"), T0 + attempt * 1_000);
        }
        assertThat(events).isEmpty();
        assertThat(written).hasSize(4).allSatisfy(r -> assertThat(r.isUnavailable()).isTrue());
        assertThat(written).extracting(TrackingRecord::attempt).containsExactly(1, 2, 3, 4);
    }

    @Test
    void noNewAttemptInTimeAsksAgainAndAtTheTaskTimeOutGivesTheFailedEvent() {
        submitted("t1", 1);
        registry.complete(task("t1"), failed("t1", "PROCESSING_TIMEOUT"), T0);
        assertThat(registry.expireRetries(T0 + 119_999)).isZero();
        assertThat(written).hasSize(1);
        registry.expireRetries(T0 + 120_000);
        assertThat(written).as("asked again").hasSize(2);
        assertThat(registry.expireRetries(T0 + TIMEOUT.toMillis())).isEqualTo(1);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getString("failCode")).isEqualTo("PROCESSING_TIMEOUT");
            assertThat(e.getString("failMsg")).contains("a new attempt was asked for, and none came");
        });
        assertThat(registry.outstanding()).isZero();
    }

    @Test
    void aRefusedNewAttemptEndsInTheFailedEventSayingWhy() {
        submitted("t1", 1);
        registry.complete(task("t1"), failed("t1", "PROCESSING_TIMEOUT"), T0);
        read(TrackingRecord.intent(REQUEST, 2, T0 + 5));
        read(TrackingRecord.rejected(REQUEST, "SUBMIT_FAILED", "no answer", List.of(new Attempt(2, T0 + 5)), T0 + 6));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getString("state")).isEqualTo("failed");
            assertThat(e.getString("failCode")).isEqualTo("PROCESSING_TIMEOUT");
            assertThat(e.getString("failMsg")).contains("refused: no answer");
            assertThat(e.getInt32("earlierAttempts")).isEqualTo(1);
        });
    }

    @Test
    void afterARestartTheRecordsReadBackSayARetryWasAskedAndMadeAlready() {
        submitted("t1", 1);
        read(TrackingRecord.retry(REQUEST, "t1", 1, "PROCESSING_TIMEOUT", "x", false, T0 + 1));
        submitted("t2", 2);
        registry.complete(task("t1"), failed("t1", "PROCESSING_TIMEOUT"), T0 + 3_000); // t1 polled again after the restart
        assertThat(written).as("attempt 2 exists: nothing asked").isEmpty();
        assertThat(events).isEmpty();
        registry.complete(task("t2"), success("t2"), T0 + 4_000);
        assertThat(events).singleElement().extracting(e -> e.getString("taskId")).isEqualTo("t2");
    }

    /**
     * Issue 24 item 0 (found by the protocol simulation, seed 4): a request resolved while another waits for its new
     * attempt killed the source task with a NullPointerException (the due set compared the resolved request's absent retry).
     */
    @Test
    void aRequestResolvedWhileAnotherWaitsForItsNewAttemptGetsItsEvent() {
        TrackedRequest other = new TrackedRequest(new RequestIdentity("sink", "requests", 0, 8), "req-8", "async", "auto", INPUT, Map.of());
        submitted("t1", 1);
        registry.complete(task("t1"), failed("t1", "PROCESSING_TIMEOUT"), T0 + 2_000);
        read(TrackingRecord.intent(other, 1, T0 + 3));
        read(TrackingRecord.submitted(other, "t2", 1, List.of(), T0 + 3));

        registry.complete(task("t2"), success("t2"), T0 + 4_000);

        assertThat(events).singleElement().satisfies(e -> assertThat(e.getString("taskId")).isEqualTo("t2"));
        assertThat(registry.outstanding()).as("the retried request still waits for its new attempt").isEqualTo(1);
        submitted("t3", 2);
        registry.complete(task("t3"), success("t3"), T0 + 5_000);
        assertThat(events).extracting(e -> e.getString("taskId")).containsExactly("t2", "t3");
    }

    /**
     * Issue 24 item 1: the sink's new attempt waited in its queue (the API could take no work) with its INTENT out; asked
     * again, the source named that attempt as the one to follow (after = 2) and the sink made attempt 3 beside it: two
     * videos. It asks again after the failed attempt, whatever it read since; the sink decides from the request's records.
     */
    @Test
    void askedAgainTheRetryNamesTheFailedAttemptNotTheLatestIntent() {
        submitted("t1", 1);
        registry.complete(task("t1"), failed("t1", "PROCESSING_TIMEOUT"), T0);
        read(TrackingRecord.intent(REQUEST, 2, T0 + 5)); // the sink's attempt 2, queued: no SUBMITTED yet
        registry.expireRetries(T0 + 240_000);
        assertThat(written).hasSize(2).extracting(TrackingRecord::attempt).containsExactly(1, 1);
    }

    /**
     * Issue 24 item 3: a RETRY read for a request that is not outstanding (its event went out before a restart) made a request
     * that nothing resolves: its record held the partition's progress for good.
     */
    @Test
    void aRetryOfARequestThatIsNotOutstandingIsResolvedAtOnce() {
        List<TrackingOffset> resolved = new ArrayList<>();
        RequestRegistry fresh = new RequestRegistry(TIMEOUT, new RequestRegistry.Following() {
            @Override
            public void follow(FollowedTask task, long now) {
            }

            @Override
            public Optional<Outcome> confirm(FollowedTask task, TrackingRecord callback, long now) {
                return Optional.empty();
            }

            @Override
            public void unfollow(FollowedTask task) {
            }
        }, new RequestRegistry.Output() {
            @Override
            public void resolve(TrackingOffset at) {
                resolved.add(at);
            }

            @Override
            public void emit(int partition, Struct event, RequestFacts facts) {
            }
        }, metrics, Retries.NONE);
        TrackingOffset at = new TrackingOffset(0, 41);
        fresh.onRecord(TrackingReader.Read.of("tracking", at, TrackingRecord.retry(REQUEST, "t1", 1, "PROCESSING_TIMEOUT", "x", false, T0)), T0);
        assertThat(resolved).containsExactly(at);
        assertThat(fresh.outstanding()).isZero();
    }
}
