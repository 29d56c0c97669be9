package io.ltx2.connect.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;

/**
 * Faults the simulator injects, set at build time and replaceable at run time
 * ({@link ApiSimulator#setFaults}, {@code POST /_sim/faults}). Rates are probabilities in [0, 1],
 * decided by a {@link FaultDice} seeded from the simulator's seed. Durations here are wall-clock
 * milliseconds: the time scale does not apply to them, so a test says exactly what it gets.
 *
 * @param createErrorRate        create calls answered with {@code errorStatus} (task NOT created)
 * @param statusErrorRate        status calls answered with {@code errorStatus}
 * @param errorStatus            the status of injected errors (default 500; any 3xx to 5xx: a gateway in front may answer 405, say)
 * @param createLatencyMs        delay added before every create answer
 * @param statusLatencyMs        delay added before every status answer
 * @param createHangRate         create calls that hang (request not processed)
 * @param statusHangRate         status calls that hang
 * @param hangMs                 how long a hang lasts before a 504 answer; 0 = never answer (the connection
 *                               is dropped after 10 minutes, on reset or on close)
 * @param lostCreateResponseRate creates that ARE accepted (task exists, billed) but whose answer is lost
 * @param lostResponseMode       how it is lost: connection dropped, or a 500 answer
 * @param callbackLossRate       completions whose callback is never sent
 * @param callbackDuplicateRate  completions whose callback is delivered twice
 * @param callbackDelayMs        delay added before the first callback attempt
 * @param stormDurationMs        when &gt; 0, every API call gets 429 for this long from the moment the faults are
 *                               set (not carried over by {@link #toBuilder()} nor by an admin change without it)
 * @param stormRetryAfterSeconds the {@code Retry-After} sent during a storm
 * @param malformedStatusRate    status answers replaced by a malformed one
 * @param malformedKinds         which malformations to choose from (empty = all)
 * @param outageDurationMs       when &gt; 0, the calls of {@code outageEndpoints} get {@code outageStatus} for this long from
 *                               the moment the faults are set, and do nothing; an event like the storm
 * @param outageStatus           the 5xx status of an outage (default 503)
 * @param outageEndpoints        which calls an outage takes: {@code CREATE}, {@code STATUS} or {@code ALL} (default;
 *                               the balance call too)
 * @param outageRetryAfterSeconds the {@code Retry-After} sent during an outage, or null for none
 * @param failCodeRate           tasks that fail at random (after a short processing time) with one of {@code failCodes}
 * @param failCodes              the fail codes random failures choose from (empty = every code the vendor documents)
 * @param errorsAsHttp200        every error answer of the API goes out as HTTP 200 with the error's status as the
 *                               envelope's {@code code}, as some gateways answer (a mode, carried by {@link #toBuilder()})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Faults(
        @JsonProperty("createErrorRate") double createErrorRate,
        @JsonProperty("statusErrorRate") double statusErrorRate,
        @JsonProperty("errorStatus") int errorStatus,
        @JsonProperty("createLatencyMs") long createLatencyMs,
        @JsonProperty("statusLatencyMs") long statusLatencyMs,
        @JsonProperty("createHangRate") double createHangRate,
        @JsonProperty("statusHangRate") double statusHangRate,
        @JsonProperty("hangMs") long hangMs,
        @JsonProperty("lostCreateResponseRate") double lostCreateResponseRate,
        @JsonProperty("lostResponseMode") LostResponseMode lostResponseMode,
        @JsonProperty("callbackLossRate") double callbackLossRate,
        @JsonProperty("callbackDuplicateRate") double callbackDuplicateRate,
        @JsonProperty("callbackDelayMs") long callbackDelayMs,
        @JsonProperty("stormDurationMs") long stormDurationMs,
        @JsonProperty("stormRetryAfterSeconds") int stormRetryAfterSeconds,
        @JsonProperty("malformedStatusRate") double malformedStatusRate,
        @JsonProperty("malformedKinds") List<MalformedKind> malformedKinds,
        @JsonProperty("outageDurationMs") long outageDurationMs,
        @JsonProperty("outageStatus") int outageStatus,
        @JsonProperty("outageEndpoints") OutageScope outageEndpoints,
        @JsonProperty("outageRetryAfterSeconds") Integer outageRetryAfterSeconds,
        @JsonProperty("failCodeRate") double failCodeRate,
        @JsonProperty("failCodes") List<String> failCodes,
        @JsonProperty("errorsAsHttp200") boolean errorsAsHttp200) {

    /** No faults at all. */
    public static final Faults NONE = builder().build();

    /** How an accepted create's answer gets lost. */
    public enum LostResponseMode {
        /** The connection is closed without any answer. */
        DROP_CONNECTION,
        /** A 500 answer, although the task was created. */
        SERVER_ERROR
    }

    /** Kinds of malformed status answers. */
    public enum MalformedKind {
        /** HTTP 200 with an HTML body. */
        NOT_JSON,
        /** The envelope without {@code data}. */
        MISSING_DATA,
        /** {@code state} is a word the contract does not know. */
        UNKNOWN_STATE,
        /** {@code state: success} with a {@code resultJson} that is not JSON. */
        RESULT_NOT_JSON
    }

    /** The calls an outage takes. */
    public enum OutageScope {
        CREATE, STATUS, ALL;

        /** Whether calls of {@code endpoint} are taken; null stands for the balance call, taken by ALL only. */
        public boolean covers(Endpoint endpoint) {
            return this == ALL || endpoint != null && endpoint.name().equals(name());
        }
    }

    public Faults {
        FaultChecks.rate("createErrorRate", createErrorRate);
        FaultChecks.rate("statusErrorRate", statusErrorRate);
        FaultChecks.rate("createHangRate", createHangRate);
        FaultChecks.rate("statusHangRate", statusHangRate);
        FaultChecks.rate("lostCreateResponseRate", lostCreateResponseRate);
        FaultChecks.rate("callbackLossRate", callbackLossRate);
        FaultChecks.rate("callbackDuplicateRate", callbackDuplicateRate);
        FaultChecks.rate("malformedStatusRate", malformedStatusRate);
        FaultChecks.rate("failCodeRate", failCodeRate);
        errorStatus = FaultChecks.errorStatus("errorStatus", errorStatus, 500);
        FaultChecks.notNegative("createLatencyMs", createLatencyMs);
        FaultChecks.notNegative("statusLatencyMs", statusLatencyMs);
        FaultChecks.notNegative("hangMs", hangMs);
        FaultChecks.notNegative("callbackDelayMs", callbackDelayMs);
        FaultChecks.notNegative("stormDurationMs", stormDurationMs);
        FaultChecks.notNegative("stormRetryAfterSeconds", stormRetryAfterSeconds);
        FaultChecks.notNegative("outageDurationMs", outageDurationMs);
        outageStatus = FaultChecks.serverStatus("outageStatus", outageStatus, 503);
        outageEndpoints = outageEndpoints == null ? OutageScope.ALL : outageEndpoints;
        FaultChecks.notNegative("outageRetryAfterSeconds", outageRetryAfterSeconds == null ? 0 : outageRetryAfterSeconds);
        lostResponseMode = lostResponseMode == null ? LostResponseMode.DROP_CONNECTION : lostResponseMode;
        malformedKinds = malformedKinds == null ? List.of() : List.copyOf(malformedKinds);
        failCodes = failCodes == null ? List.of() : List.copyOf(failCodes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these faults except a storm and an outage: they are events that start when
     * faults are set, so changing some other fault must not start them again.
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.createErrorRate = createErrorRate;
        b.statusErrorRate = statusErrorRate;
        b.errorStatus = errorStatus;
        b.createLatencyMs = createLatencyMs;
        b.statusLatencyMs = statusLatencyMs;
        b.createHangRate = createHangRate;
        b.statusHangRate = statusHangRate;
        b.hangMs = hangMs;
        b.lostCreateResponseRate = lostCreateResponseRate;
        b.lostResponseMode = lostResponseMode;
        b.callbackLossRate = callbackLossRate;
        b.callbackDuplicateRate = callbackDuplicateRate;
        b.callbackDelayMs = callbackDelayMs;
        b.malformedStatusRate = malformedStatusRate;
        b.malformedKinds = malformedKinds;
        b.failCodeRate = failCodeRate;
        b.failCodes = failCodes;
        b.errorsAsHttp200 = errorsAsHttp200;
        return b;
    }

    /** These faults, events included, with the errors-as-HTTP-200 mode set as given. */
    public Faults withErrorsAsHttp200(boolean enabled) {
        return new Faults(createErrorRate, statusErrorRate, errorStatus, createLatencyMs, statusLatencyMs, createHangRate,
                statusHangRate, hangMs, lostCreateResponseRate, lostResponseMode, callbackLossRate, callbackDuplicateRate,
                callbackDelayMs, stormDurationMs, stormRetryAfterSeconds, malformedStatusRate, malformedKinds,
                outageDurationMs, outageStatus, outageEndpoints, outageRetryAfterSeconds, failCodeRate, failCodes, enabled);
    }

    /**
     * These faults (without a storm or an outage, see {@link #toBuilder()}) with the fields of a JSON object
     * changed, as {@code POST /_sim/faults} takes them.
     *
     * @throws IllegalArgumentException when the text is not a JSON object or a value is out of range
     */
    public Faults withChanges(String json) {
        return FaultChecks.merged(toBuilder().build(), json);
    }

    /** Fluent construction; every setter returns this. */
    public static final class Builder {
        private double createErrorRate;
        private double statusErrorRate;
        private int errorStatus = 500;
        private long createLatencyMs;
        private long statusLatencyMs;
        private double createHangRate;
        private double statusHangRate;
        private long hangMs;
        private double lostCreateResponseRate;
        private LostResponseMode lostResponseMode = LostResponseMode.DROP_CONNECTION;
        private double callbackLossRate;
        private double callbackDuplicateRate;
        private long callbackDelayMs;
        private long stormDurationMs;
        private int stormRetryAfterSeconds = 1;
        private double malformedStatusRate;
        private List<MalformedKind> malformedKinds = List.of();
        private long outageDurationMs;
        private int outageStatus = 503;
        private OutageScope outageEndpoints = OutageScope.ALL;
        private Integer outageRetryAfterSeconds;
        private double failCodeRate;
        private List<String> failCodes = List.of();
        private boolean errorsAsHttp200;

        private Builder() {
        }

        public Builder errorRate(Endpoint endpoint, double rate) {
            if (endpoint == Endpoint.CREATE) {
                createErrorRate = rate;
            } else {
                statusErrorRate = rate;
            }
            return this;
        }

        public Builder errorStatus(int status) {
            this.errorStatus = status;
            return this;
        }

        public Builder latency(Endpoint endpoint, long millis) {
            if (endpoint == Endpoint.CREATE) {
                createLatencyMs = millis;
            } else {
                statusLatencyMs = millis;
            }
            return this;
        }

        /** Calls of {@code endpoint} hang with probability {@code rate}; see {@link #hangMillis}. */
        public Builder hangRate(Endpoint endpoint, double rate) {
            if (endpoint == Endpoint.CREATE) {
                createHangRate = rate;
            } else {
                statusHangRate = rate;
            }
            return this;
        }

        /** How long a hang lasts before a 504; 0 means the call is never answered. */
        public Builder hangMillis(long millis) {
            this.hangMs = millis;
            return this;
        }

        public Builder lostCreateResponseRate(double rate, LostResponseMode mode) {
            this.lostCreateResponseRate = rate;
            this.lostResponseMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder callbackLossRate(double rate) {
            this.callbackLossRate = rate;
            return this;
        }

        public Builder callbackDuplicateRate(double rate) {
            this.callbackDuplicateRate = rate;
            return this;
        }

        public Builder callbackDelayMillis(long millis) {
            this.callbackDelayMs = millis;
            return this;
        }

        /** Every API call gets 429 with this Retry-After for {@code durationMillis} after the faults are set. */
        public Builder rateLimitStorm(long durationMillis, int retryAfterSeconds) {
            this.stormDurationMs = durationMillis;
            this.stormRetryAfterSeconds = retryAfterSeconds;
            return this;
        }

        public Builder malformedStatus(double rate, MalformedKind... kinds) {
            this.malformedStatusRate = rate;
            this.malformedKinds = List.of(kinds);
            return this;
        }

        /**
         * The calls of {@code endpoints} get {@code status} (a 5xx) for {@code durationMillis} after the faults are set,
         * with that {@code Retry-After} when not null, and do nothing.
         */
        public Builder outage(long durationMillis, int status, OutageScope endpoints, Integer retryAfterSeconds) {
            this.outageDurationMs = durationMillis;
            this.outageStatus = status;
            this.outageEndpoints = Objects.requireNonNull(endpoints, "endpoints");
            this.outageRetryAfterSeconds = retryAfterSeconds;
            return this;
        }

        /** Tasks fail at random with probability {@code rate}, with one of {@code codes} (none: any documented code). */
        public Builder randomFailures(double rate, String... codes) {
            this.failCodeRate = rate;
            this.failCodes = List.of(codes);
            return this;
        }

        /** Error answers as HTTP 200 with the error in the envelope's {@code code}, or (false) with their real status. */
        public Builder errorsAsHttp200(boolean enabled) {
            this.errorsAsHttp200 = enabled;
            return this;
        }

        public Faults build() {
            return new Faults(createErrorRate, statusErrorRate, errorStatus, createLatencyMs, statusLatencyMs,
                    createHangRate, statusHangRate, hangMs, lostCreateResponseRate, lostResponseMode,
                    callbackLossRate, callbackDuplicateRate, callbackDelayMs, stormDurationMs, stormRetryAfterSeconds,
                    malformedStatusRate, malformedKinds, outageDurationMs, outageStatus, outageEndpoints,
                    outageRetryAfterSeconds, failCodeRate, failCodes, errorsAsHttp200);
        }
    }
}
