package io.ltx2.connect.simulation;

import io.ltx2.connect.testkit.LogConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;

import java.time.Duration;
import java.util.Optional;



/**
 * A task's consumer on {@link SimKafka}: a {@link LogConsumer} over its partitions. A poll never
 * blocks: the workers call the tasks again when records arrive or their wait is over.
 */
final class SimConsumer extends LogConsumer {
    private boolean woken;
    private long lastPollWaitMs;
    private Runnable onWakeup = () -> { };

    SimConsumer(SimKafka kafka) {
        super(kafka.logs());
    }

    @Override
    protected synchronized void beforePoll(Duration timeout) {
        lastPollWaitMs = timeout.toMillis();
        if (woken) {
            woken = false;
            throw new WakeupException();
        }
    }

    static ConsumerRecord<byte[], byte[]> toConsumerRecord(SimKafka.Rec r) {
        return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), TimestampType.CREATE_TIME,
                r.key() == null ? -1 : r.key().length, r.value() == null ? -1 : r.value().length, r.key(), r.value(), r.headers(),
                Optional.empty());
    }

    @Override
    public synchronized void wakeup() {
        woken = true;
        onWakeup.run();
    }

    /** How long the last poll would have waited for records: when its task wants to be called again. */
    long lastPollWaitMs() {
        return lastPollWaitMs;
    }

    void onWakeup(Runnable r) {
        this.onWakeup = r;
    }

    boolean isClosed() {
        return closed();
    }
}
