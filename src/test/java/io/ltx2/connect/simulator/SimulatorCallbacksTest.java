package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Webhooks: delivered on completion with the status envelope, retried three times, 30 s, 2 min and 10 min (scaled) after the first attempt, when the receiver fails or answers too late. */
class SimulatorCallbacksTest extends SimulatorTestBase {

    @Test
    void callbackDeliversTheStatusEnvelopeOnCompletion() throws Exception {
        ApiSimulator sim = start(sim().fixedGenerationTime(Duration.ofMillis(200)));
        try (TestReceiver receiver = new TestReceiver()) {
            String id = new SimHttp(sim, KEY).createOk(callbackTask(receiver.url(), "hooked"));

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);

            TestReceiver.Received got = receiver.received().get(0);
            assertThat(got.body().get("code").asInt()).isEqualTo(200);
            JsonNode data = got.body().get("data");
            assertThat(data.get("taskId").asText()).isEqualTo(id);
            assertThat(data.get("state").asText()).isEqualTo("success");
            assertThat(data.get("resultJson").isTextual()).isTrue();
            SimulatorStats.TaskStats task = sim.stats().tasks().get(id);
            assertThat(got.atMillis()).isGreaterThanOrEqualTo(task.completeTime());
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().callbacksDelivered() == 1);
            SimulatorStats stats = sim.stats();
            assertThat(stats.callbacksSent()).isEqualTo(1);
            assertThat(stats.callbacksFailed()).isZero();
            assertThat(stats.tasks().get(id).callbackDelivered()).isTrue();
        }
    }

    @Test
    void failingReceiverGetsThreeRetries30SecondsAnd2And10MinutesScaledAfterTheFirstAttempt() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).fixedGenerationTime(Duration.ofMillis(100)));
        try (TestReceiver receiver = new TestReceiver().failFirst(Integer.MAX_VALUE)) {
            String id = new SimHttp(sim, KEY).createOk(callbackTask(receiver.url(), "never acknowledged"));

            await().atMost(Duration.ofSeconds(15)).until(() -> sim.stats().callbacksAbandoned() == 1);

            List<Long> attempts = sim.stats().tasks().get(id).callbackAttemptTimes();
            assertThat(attempts).hasSize(4);
            assertThat(receiver.received()).hasSize(4);
            long[] expected = {300, 1_200, 6_000}; // 30 s, 2 min, 10 min at scale 0.01
            for (int i = 0; i < 3; i++) {
                long sinceFirst = attempts.get(i + 1) - attempts.get(0);
                // 2 ms below: the attempt times are the wall clock's whole milliseconds, the schedule is monotonic.
                assertThat(sinceFirst).as("retry %d after the first attempt", i + 1).isBetween(expected[i] - 2, expected[i] + 400);
            }
            SimulatorStats stats = sim.stats();
            assertThat(stats.callbacksSent()).isEqualTo(4);
            assertThat(stats.callbacksFailed()).isEqualTo(4);
            assertThat(stats.callbacksDelivered()).isZero();
        }
    }

    @Test
    void receiverThatFailsOnceOrAnswersTooLateIsRetriedUntilItAcknowledges() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).fixedGenerationTime(Duration.ofMillis(100)));
        try (TestReceiver failing = new TestReceiver().failFirst(1);
             TestReceiver slow = new TestReceiver().delayFirst(1_500)) {
            SimHttp http = new SimHttp(sim, KEY);
            String a = http.createOk(callbackTask(failing.url(), "a"));
            String b = http.createOk(callbackTask(slow.url(), "b"));

            await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().callbacksDelivered() == 2);

            assertThat(sim.stats().tasks().get(a).callbackAttemptTimes()).hasSize(2);
            // The slow receiver missed the 30 s deadline (300 ms scaled): that counts as a failure, and the
            // first retry, due 30 s after the first attempt, goes as soon as that deadline passed.
            List<Long> slowAttempts = sim.stats().tasks().get(b).callbackAttemptTimes();
            assertThat(slowAttempts).hasSize(2);
            assertThat(slowAttempts.get(1) - slowAttempts.get(0)).isBetween(298L, 700L);
            assertThat(sim.stats().callbacksFailed()).isEqualTo(2);
            assertThat(sim.stats().callbacksAbandoned()).isZero();
        }
    }
}
