package io.ltx2.connect.sink;

import io.ltx2.connect.tracking.RequestIdentity;
import io.ltx2.connect.tracking.TrackingRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns the source's RETRY records ({@link RetryRequests}) into new attempts of their requests, for
 * the requests whose input partition this task owns: queued like any request (the caps and pauses
 * apply), numbered after the attempt the record names, with no input offset to hold (it was
 * committed when the first attempt was durable; the source holds the request until its event). A
 * RETRY whose fail code says the API cannot do the work now makes the API unavailable for a while
 * ({@link ApiAvailability#unavailableByFailCode}). A RETRY the source writes again (no new attempt
 * came in time) is not a second attempt while this task still holds the first one; once the
 * partition is closed, the held ones are forgotten, so whichever task owns it next acts on the next
 * RETRY, even one that saw the first while the partition was not its own. Task thread only.
 */
final class RetryIntake {
    private static final Logger log = LoggerFactory.getLogger(RetryIntake.class);
    static final int REMEMBERED = 100_000;

    private final RetryRequests requests;
    private final Submitter submitter;
    private final ApiAvailability availability;
    /** Null when the concurrency cap is off. */
    private final RunningTasks running;
    private final Supplier<Set<TopicPartition>> assignment;
    /** Requests (key and the attempt they are retried after) queued by this task, with their input partition. */
    private final Map<String, TopicPartition> held = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TopicPartition> eldest) {
            return size() > REMEMBERED;
        }
    };

    RetryIntake(RetryRequests requests, Submitter submitter, ApiAvailability availability, RunningTasks running,
                Supplier<Set<TopicPartition>> assignment) {
        this.requests = requests;
        this.submitter = submitter;
        this.availability = availability;
        this.running = running;
        this.assignment = assignment;
    }

    /** Queues the new attempts the source asked for since the last call; returns how many. */
    int accept() {
        List<TrackingRecord> asked = requests.poll();
        int queued = 0;
        for (TrackingRecord r : asked) {
            RequestIdentity id = r.identity();
            TopicPartition tp = new TopicPartition(id.topic(), id.partition());
            if (running != null && r.taskId() != null) {
                running.ended(r.taskId()); // it failed: it runs no more, whoever makes the new attempt
            }
            if (!assignment.get().contains(tp)) {
                continue; // another task's request: it makes the attempt
            }
            if (held.putIfAbsent(r.key() + ":" + r.attempt(), tp) != null) {
                continue; // asked again while this task still holds the new attempt
            }
            if (r.isUnavailable()) {
                availability.unavailableByFailCode(r.failCode(), r.time());
            }
            SinkRequest request = new SinkRequest(id, r.requestId() != null ? r.requestId() : id.coordinates().asRequestId(), r.provider(),
                    r.input(), r.headers());
            PriorAttempts.Found after = new PriorAttempts.Found(PriorAttempts.Verdict.NEW, List.of(), r.attempt(), null);
            submitter.enqueue(new Submission(null, tp, request, submitter.ownership(tp), null, after));
            queued++;
            log.info("Request '{}' ({}): task {} of attempt {} failed with {}; creating attempt {}", request.requestId(), id, r.taskId(),
                    r.attempt(), r.failCode(), r.attempt() + 1);
        }
        return queued;
    }

    /** The partitions were closed: their queued attempts were dropped, and a RETRY written again must be acted on. */
    void revoked(Collection<TopicPartition> partitions) {
        held.values().removeIf(partitions::contains);
    }
}
