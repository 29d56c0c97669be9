package io.ltx2.connect.simulator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The account's balance in seconds of video: taken by each accepted create, 402 when short, the vendor's balance endpoint in USD, and its admin endpoint. */
class SimulatorBalanceTest extends SimulatorTestBase {

    @Test
    void eachAcceptedCreateTakesItsDurationAndACreateLongerThanWhatIsLeftGets402AndCreatesNothing() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).balanceSeconds(25L));
        SimHttp http = new SimHttp(sim, KEY);

        http.createOk(SimHttp.textTask("default duration")); // 10 s, the API's default
        http.createOk("{\"input\": {\"prompt\": \"short\", \"duration\": 8}}");
        assertThat(sim.balanceSeconds()).isEqualTo(7);

        SimHttp.Answer refused = http.create(SimHttp.textTask("ten more seconds"));

        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.json().get("code").asInt()).isEqualTo(402);
        assertThat(refused.message()).containsIgnoringCase("insufficient balance");
        assertThat(refused.data().get("error").asText()).contains("10 s").contains("7 s");
        SimulatorStats stats = sim.stats();
        assertThat(stats.tasksCreated()).isEqualTo(2);
        assertThat(stats.insufficientBalance()).isEqualTo(1);
        assertThat(stats.balanceSeconds()).isEqualTo(7);

        http.createOk("{\"input\": {\"prompt\": \"fits\", \"duration\": 7}}");
        assertThat(sim.balanceSeconds()).as("a create that fits exactly empties it").isZero();
        sim.topUpSeconds(20);
        http.createOk(SimHttp.textTask("after the top-up"));
        assertThat(sim.balanceSeconds()).isEqualTo(10);
        sim.setBalanceSeconds(null);
        http.createOk(SimHttp.textTask("unlimited"));
        assertThat(sim.balanceSeconds()).isNull();
    }

    @Test
    void theBalanceIsUnlimitedByDefaultAndResetRestoresTheBuildTimeBalance() throws Exception {
        ApiSimulator unlimited = startDefault();
        new SimHttp(unlimited, KEY).createOk(SimHttp.textTask("p"));
        assertThat(unlimited.balanceSeconds()).isNull();
        assertThat(unlimited.stats().balanceSeconds()).isNull();

        ApiSimulator limited = start(sim().timeScale(SCALE).balanceSeconds(30L));
        new SimHttp(limited, KEY).createOk(SimHttp.textTask("p"));
        limited.reset();
        assertThat(limited.balanceSeconds()).isEqualTo(30);
        assertThatThrownBy(() -> limited.setBalanceSeconds(-1L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim().balanceSeconds(-1L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void currentBalanceAnswersTheSecondsLeftInUsdWithTheKey() throws Exception {
        ApiSimulator sim = start(sim().timeScale(SCALE).balanceSeconds(100L).pricePerSecond(0.12));
        SimHttp http = new SimHttp(sim, KEY);
        http.createOk(SimHttp.textTask("p")); // 10 s: 90 left

        SimHttp.Answer balance = http.send(balanceCall(sim, KEY));
        SimHttp.Answer noKey = http.send(balanceCall(sim, null));

        assertThat(balance.status()).isEqualTo(200);
        assertThat(balance.json().get("message").asText()).isEqualTo("success");
        assertThat(balance.data().isNumber()).as("data is the balance itself, a number of USD").isTrue();
        assertThat(balance.data().decimalValue()).isEqualByComparingTo("10.80");
        assertThat(balance.body()).contains("10.8000");
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(sim.stats().balanceCalls()).isEqualTo(2);
        assertThat(sim.stats().createCalls()).isEqualTo(1);

        sim.setBalanceSeconds(null);
        assertThat(http.send(balanceCall(sim, KEY)).data().decimalValue()).isEqualByComparingTo("1000000");
    }

    @Test
    void adminBalanceEndpointReadsSetsTopsUpAndLiftsTheLimit() throws Exception {
        ApiSimulator sim = startDefault();
        SimHttp http = new SimHttp(sim, KEY);

        SimHttp.Answer read = http.send(admin(sim, null));
        assertThat(read.json().get("unlimited").asBoolean()).isTrue();
        assertThat(read.json().get("seconds").isNull()).isTrue();

        SimHttp.Answer set = http.send(admin(sim, "{\"seconds\": 12}"));
        assertThat(set.json().get("seconds").asLong()).isEqualTo(12);
        assertThat(set.json().get("usd").decimalValue()).isEqualByComparingTo("0.60"); // the default 0.05 USD per second
        assertThat(http.create(SimHttp.textTask("p")).status()).isEqualTo(200);
        assertThat(http.create(SimHttp.textTask("q")).status()).isEqualTo(402);

        assertThat(http.send(admin(sim, "{\"add\": 18}")).json().get("seconds").asLong()).isEqualTo(20);
        assertThat(http.send(admin(sim, "{\"unlimited\": true}")).json().get("unlimited").asBoolean()).isTrue();
        assertThat(sim.balanceSeconds()).isNull();
        assertThat(http.send(admin(sim, "{\"seconds\": -3}")).status()).isEqualTo(400);
        assertThat(http.send(admin(sim, "{\"what\": 1}")).status()).isEqualTo(400);
        assertThat(http.send(admin(sim, "not json")).status()).isEqualTo(400);
    }

    private static HttpRequest balanceCall(ApiSimulator sim, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/apikeys/current-balance")).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b.build();
    }

    private static HttpRequest admin(ApiSimulator sim, String post) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.adminUrl() + "/balance"));
        return (post == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(post))).build();
    }
}
