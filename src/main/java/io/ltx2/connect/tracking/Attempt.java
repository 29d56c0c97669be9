package io.ltx2.connect.tracking;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One create attempt of a request: its number (1 for the first) and when its INTENT was written.
 * A new attempt starts whenever the previous one may have reached the API without a durable
 * answer (an ambiguous failure, or a crash between the create and its SUBMITTED record), so every
 * API task that may exist for a request has an attempt, and every attempt that may have been
 * billed without a SUBMITTED record is named on the request's event.
 */
public record Attempt(@JsonProperty("n") int number, @JsonProperty("time") long time) {

    @Override
    public String toString() {
        return number + "@" + time;
    }
}
