package io.ltx2.connect.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ltx2.connect.simulator.ApiSimulator;
import io.ltx2.connect.simulator.Faults;
import io.ltx2.connect.util.Json;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.ltx2.connect.api.ApiFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vendor's failure answers as the client reads them (docs/api-contract.md, "Errors"): 402, the
 * two readings of 403, errors inside an HTTP 200 envelope, and the code and detail an answer gives.
 */
class VendorRefusalsTest {
    private static final String KEY = "sk-vendor-refusals";
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private ApiSimulator sim(ApiSimulator.Builder b) throws java.io.IOException {
        ApiSimulator sim = b.apiKey(KEY).timeScale(0.01).build().start();
        open.add(sim);
        return sim;
    }

    private LtxApiClient client(ApiSimulator sim) {
        LtxApiClient c = new LtxApiClient(new ApiClientSettings(URI.create(sim.baseUrl()), new Password(KEY), sim.model(), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 8, 100_000, new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50))));
        open.add(c);
        return c;
    }

    private static CreateTaskRequest request(String prompt, int seconds) {
        return new CreateTaskRequest(null, null, null, new GenerationInput(null, prompt, "480p", seconds, null, null, null, null));
    }

    @Test
    void anEmptyBalanceIsAnAccountProblemNotABadRequestAndIsNotRetriedByTheClient() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder().balanceSeconds(7L));
        LtxApiClient client = client(sim);
        assertThat(client.createTask(request("fits", 5)).get()).isNotBlank();

        LtxApiException e = failure(client.createTask(request("does not fit", 5)));
        assertThat(e.kind()).isEqualTo(ApiErrorKind.ACCOUNT);
        assertThat(e.httpStatus()).isEqualTo(402);
        assertThat(e.mayHaveBeenProcessed()).isFalse();
        assertThat(e.getMessage()).contains("top up");
        assertThat(e.refusal().detail()).as("the vendor's data.error").isNotBlank();
        assertThat(sim.stats().createCalls()).isEqualTo(2);
    }

    @Test
    void aRefusalInsideAnHttp200EnvelopeCountsAsItsCode() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder().balanceSeconds(0L).errorsAsHttp200(true));
        LtxApiException e = failure(client(sim).createTask(request("nothing left", 5)));
        assertThat(e.kind()).isEqualTo(ApiErrorKind.ACCOUNT);
        assertThat(e.httpStatus()).isEqualTo(402);
    }

    @Test
    void a403AboutTheContentRefusesTheRequestAndA403AboutTheKeyRefusesTheKey() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder());
        LtxApiException content = failure(client(sim).createTask(request("a scene " + ApiSimulator.FORBIDDEN_CONTENT_MARKER, 5)));
        assertThat(content.kind()).isEqualTo(ApiErrorKind.CONTENT_REFUSED);
        assertThat(content.httpStatus()).isEqualTo(403);
        assertThat(content.refusal().vendorCode()).isEqualTo("SensitiveContentDetected");
        assertThat(content.failCode()).isEqualTo("SensitiveContentDetected");

        ApiSimulator keyless = ApiSimulator.builder().apiKey("another").forbiddenKeys(KEY).timeScale(0.01).build().start();
        open.add(keyless);
        LtxApiException key = failure(client(keyless).createTask(request("fine", 5)));
        assertThat(key.kind()).isEqualTo(ApiErrorKind.AUTH);
        assertThat(key.getMessage()).contains("ltx.api.key");
    }

    /** Both readings of 403 decided from the body alone, as documented in docs/api-contract.md. */
    @Test
    void the403ReadingComesFromTheBody() {
        assertThat(kindOf403("{\"code\":403,\"message\":\"Content violates usage policy\",\"data\":{\"error\":\"prompt refused\"}}"))
                .isEqualTo(ApiErrorKind.CONTENT_REFUSED);
        assertThat(kindOf403("{\"code\":403,\"message\":\"Forbidden\",\"data\":{\"errorCode\":\"ProhibitedContentDetected\"}}"))
                .isEqualTo(ApiErrorKind.CONTENT_REFUSED);
        assertThat(kindOf403("{\"code\":403,\"message\":\"API key lacks permission\",\"data\":null}")).isEqualTo(ApiErrorKind.AUTH);
        assertThat(kindOf403("{\"code\":403,\"message\":\"Forbidden\",\"data\":null}")).as("unknown: the key, never a rejection")
                .isEqualTo(ApiErrorKind.AUTH);
        assertThat(kindOf403("{\"code\":403,\"message\":\"Insufficient balance, please top up\",\"data\":null}"))
                .isEqualTo(ApiErrorKind.ACCOUNT);
    }

    private static ApiErrorKind kindOf403(String body) {
        try {
            JsonNode envelope = Json.MAPPER.readTree(body);
            return AnswerClassifier.kindOf(403, ResponseParser.message(envelope), ResponseParser.refusal(envelope));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theVendorsCodeAndDetailAreKeptAndAStatusWithoutCodeIsNamedByIt() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder());
        LtxApiException bad = failure(client(sim).createTask(request("p", 3)));
        assertThat(bad.kind()).isEqualTo(ApiErrorKind.BAD_REQUEST);
        assertThat(bad.refusal().detail()).contains("input.duration");
        assertThat(bad.failCode()).isEqualTo("HTTP_400");

        JsonNode nested = Json.MAPPER.createObjectNode().set("data", Json.MAPPER.createObjectNode()
                .set("error", Json.MAPPER.createObjectNode().put("code", "PromptLengthExceeded").put("message", "too long")));
        assertThat(ResponseParser.refusal(nested)).isEqualTo(new LtxApiException.ApiRefusal("PromptLengthExceeded", "too long"));
        JsonNode numeric = Json.MAPPER.createObjectNode().put("code", 400).set("data", Json.MAPPER.createObjectNode().put("code", 400));
        assertThat(ResponseParser.refusal(numeric).vendorCode()).as("a number is the status, not a code").isNull();
    }

    @Test
    void anOutageLongerThanTheRetriesEndsAsTransientThatNothingWasProcessed() throws Exception {
        ApiSimulator sim = sim(ApiSimulator.builder());
        sim.setFaults(Faults.builder().outage(60_000, 503, Faults.OutageScope.ALL, null).build());
        LtxApiException e = failure(client(sim).createTask(request("during the outage", 5)));
        assertThat(e.kind()).isEqualTo(ApiErrorKind.TRANSIENT);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.mayHaveBeenProcessed()).isFalse();
    }
}
