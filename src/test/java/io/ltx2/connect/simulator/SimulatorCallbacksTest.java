package io.ltx2.connect.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Webhooks: delivered on completion with the status envelope, retried three times after 30, 60 and 120 scaled seconds when the receiver fails or answers too late. */
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
    void failingReceiverGetsThreeRetriesAfter30And60And120ScaledSeconds() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).fixedGenerationTime(Duration.ofMillis(100)));
        try (TestReceiver receiver = new TestReceiver().failFirst(Integer.MAX_VALUE)) {
            String id = new SimHttp(sim, KEY).createOk(callbackTask(receiver.url(), "never acknowledged"));

            await().atMost(Duration.ofSeconds(15)).until(() -> sim.stats().callbacksAbandoned() == 1);

            List<Long> attempts = sim.stats().tasks().get(id).callbackAttemptTimes();
            assertThat(attempts).hasSize(4);
            assertThat(receiver.received()).hasSize(4);
            long[] expected = {300, 600, 1200};
            for (int i = 0; i < 3; i++) {
                long gap = attempts.get(i + 1) - attempts.get(i);
                assertThat(gap).as("gap before retry %d", i + 1).isBetween(expected[i], expected[i] + 400);
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
            // The slow receiver missed the 30 s deadline (300 ms scaled): that counts as a failure.
            assertThat(sim.stats().tasks().get(b).callbackAttemptTimes()).hasSize(2);
            assertThat(sim.stats().callbacksFailed()).isEqualTo(2);
            assertThat(sim.stats().callbacksAbandoned()).isZero();
        }
    }
}
