package io.ltx2.connect.source;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.config.LtxSourceConfig;

import java.util.Map;

/**
 * Benchmark-only window on the source's package-private {@link PollSchedule}: the schedule a source
 * task with these properties would use (built by {@link PollSchedule#from}, so defaults are the
 * connector's), driven by a simulation without Kafka or HTTP. In the source's package, in the bench
 * source root; the plugin does not contain it.
 */
public final class ScheduleProbe {
    private final PollSchedule schedule;
    private final String description;

    private ScheduleProbe(PollSchedule schedule, String description) {
        this.schedule = schedule;
        this.description = description;
    }

    /** The schedule of a source task configured with {@code props} (the ltx.poll.* keys; the rest filled in). */
    public static ScheduleProbe of(Map<String, String> props) {
        Map<String, Object> all = new java.util.HashMap<>(props);
        all.putIfAbsent(LtxSourceConfig.API_KEY, "frontier");
        all.putIfAbsent(LtxSourceConfig.TRACKING_TOPIC, "frontier-tracking");
        all.putIfAbsent(LtxSourceConfig.TRACKING_BOOTSTRAP_SERVERS, "localhost:9092");
        return new ScheduleProbe(PollSchedule.from(new LtxSourceConfig(all)), props.toString());
    }

    public long firstPoll(GenerationInput input, long submitTime) {
        return schedule.firstPoll(input, submitTime);
    }

    public long nextPoll(GenerationInput input, long submitTime, long now) {
        return schedule.nextPoll(input, submitTime, now);
    }

    public void observe(GenerationInput input, long generationMs) {
        schedule.observe(input, generationMs);
    }

    @Override
    public String toString() {
        return description;
    }
}
