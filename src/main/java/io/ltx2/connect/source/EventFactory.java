package io.ltx2.connect.source;

import io.ltx2.connect.tracking.Attempt;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies the registry's decisions: resolved offsets go into the reader's progress, and each
 * event becomes the Connect record the task returns (key, headers, and the tracking partition's
 * progress as its offset, taken right after the event's own records were resolved).
 */
final class EventFactory implements RequestRegistry.Output {
    /** The connector's own headers: a request header of the same name does not travel (one value per name). */
    private static final Set<String> OWN = Set.of(TerminalEvent.HEADER_REQUEST_ID, TerminalEvent.HEADER_TASK_ID,
            TerminalEvent.HEADER_IDENTITY, TerminalEvent.HEADER_EARLIER_ATTEMPTS, TerminalEvent.HEADER_ADOPTED,
            TerminalEvent.HEADER_OTHER_TASK_IDS);

    private final String eventsTopic;
    private final String trackingTopic;
    private final TrackingReader reader;
    private final List<SourceRecord> batch = new ArrayList<>();

    EventFactory(String eventsTopic, String trackingTopic, TrackingReader reader) {
        this.eventsTopic = Objects.requireNonNull(eventsTopic, "eventsTopic");
        this.trackingTopic = Objects.requireNonNull(trackingTopic, "trackingTopic");
        this.reader = reader;
    }

    @Override
    public void resolve(TrackingOffset at) {
        reader.resolve(at);
    }

    @Override
    public void emit(int partition, Struct event, RequestFacts facts) {
        batch.add(new SourceRecord(SourceOffsets.partition(trackingTopic, partition), reader.sourceOffset(partition), eventsTopic, null,
                TerminalEvent.KEY_SCHEMA, facts.requestId(), TerminalEvent.SCHEMA, event, event.getInt64("detectTime"), headers(facts)));
    }

    /** The events made since the last call. */
    List<SourceRecord> drain() {
        List<SourceRecord> out = List.copyOf(batch);
        batch.clear();
        return out;
    }

    static ConnectHeaders headers(RequestFacts facts) {
        ConnectHeaders headers = new ConnectHeaders();
        facts.headers().forEach((name, value) -> {
            if (!OWN.contains(name)) {
                headers.addString(name, value);
            }
        });
        headers.addString(TerminalEvent.HEADER_REQUEST_ID, facts.requestId());
        if (facts.taskId() != null) {
            headers.addString(TerminalEvent.HEADER_TASK_ID, facts.taskId());
        }
        headers.addString(TerminalEvent.HEADER_IDENTITY, facts.identity().key());
        if (!facts.earlierAttempts().isEmpty()) {
            headers.addString(TerminalEvent.HEADER_EARLIER_ATTEMPTS,
                    facts.earlierAttempts().stream().map(Attempt::toString).collect(Collectors.joining(",")));
        }
        if (facts.adopted()) {
            headers.addString(TerminalEvent.HEADER_ADOPTED, "true");
        }
        if (!facts.otherTaskIds().isEmpty()) {
            headers.addString(TerminalEvent.HEADER_OTHER_TASK_IDS, String.join(",", facts.otherTaskIds()));
        }
        return headers;
    }
}
