package io.ltx2.connect.simulation;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** What a sink task asks of Connect: its assignment, pauses, the time it wants to be called again, the DLQ. */
final class SimSinkContext implements SinkTaskContext {
    final Set<TopicPartition> assignment = new LinkedHashSet<>();
    final Set<TopicPartition> paused = new LinkedHashSet<>();
    long timeoutMs = -1;
    private final List<String> dlq;

    SimSinkContext(List<String> dlq) {
        this.dlq = dlq;
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
    }

    @Override
    public void timeout(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(assignment);
    }

    @Override
    public void pause(TopicPartition... partitions) {
        for (TopicPartition tp : partitions) {
            if (assignment.contains(tp)) {
                paused.add(tp);
            }
        }
    }

    @Override
    public void resume(TopicPartition... partitions) {
        paused.removeAll(List.of(partitions));
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        return (record, error) -> {
            dlq.add(record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset());
            return CompletableFuture.completedFuture(null);
        };
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
