package io.ltx2.connect.testkit;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A SinkTaskContext that remembers what the task asked of it. */
public final class FakeSinkContext implements SinkTaskContext {
    public final Set<TopicPartition> assignment = new HashSet<>();
    public final Set<TopicPartition> paused = new HashSet<>();
    public ErrantRecordReporter reporter;
    public long timeoutMs = -1;

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
        return assignment;
    }

    @Override
    public void pause(TopicPartition... partitions) {
        paused.addAll(Set.of(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        Set.of(partitions).forEach(paused::remove);
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        return reporter;
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
