package io.ltx2.connect.source;

import io.ltx2.connect.api.ApiClientStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Counters of one source task, registered as a JMX MBean (works on every worker version; Connect's
 * KIP-877 plugin metrics exist only from 4.1).
 */
public final class LtxSourceTaskMetrics implements LtxSourceTaskMetricsMBean, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LtxSourceTaskMetrics.class);

    /** Who holds each name: a task restarted in place registers before its predecessor closes. */
    private static final ConcurrentHashMap<ObjectName, LtxSourceTaskMetrics> OWNERS = new ConcurrentHashMap<>();

    private final IntSupplier outstanding;
    private final ApiClientStats client;
    final AtomicLong success = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong callbacks = new AtomicLong();
    private final AtomicLong delaySum = new AtomicLong();
    private final AtomicLong delayCount = new AtomicLong();
    private final AtomicLong delayMax = new AtomicLong();
    private ObjectName name;

    LtxSourceTaskMetrics(IntSupplier outstanding, ApiClientStats client) {
        this.outstanding = outstanding;
        this.client = client;
    }

    static ObjectName objectName(String connector, int task) throws JMException {
        return new ObjectName("io.ltx2.connect:type=source-task-metrics,connector=" + ObjectName.quote(connector) + ",task=" + task);
    }

    void register(String connector, int task) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName n = objectName(connector, task);
            synchronized (OWNERS) {
                if (server.isRegistered(n)) {
                    server.unregisterMBean(n);
                }
                server.registerMBean(this, n);
                OWNERS.put(n, this);
            }
            name = n;
        } catch (JMException e) {
            log.warn("Cannot register the task's JMX metrics", e);
        }
    }

    void recordEvent(String state, Long completeTime, long detectTime) {
        switch (state) {
            case TerminalEvent.SUCCESS -> success.incrementAndGet();
            case TerminalEvent.REJECTED -> rejected.incrementAndGet();
            default -> failed.incrementAndGet();
        }
        if (completeTime != null && completeTime > 0) {
            long delay = Math.max(0, detectTime - completeTime);
            delaySum.addAndGet(delay);
            delayCount.incrementAndGet();
            delayMax.accumulateAndGet(delay, Math::max);
        }
    }

    @Override
    public void close() {
        if (name != null) {
            synchronized (OWNERS) {
                if (OWNERS.remove(name, this)) {
                    try {
                        ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
                    } catch (JMException e) {
                        log.debug("JMX metrics already unregistered", e);
                    }
                }
            }
            name = null;
        }
    }

    @Override
    public int getOutstandingTasks() {
        return outstanding.getAsInt();
    }

    @Override
    public long getStatusCalls() {
        return client.statusCalls();
    }

    @Override
    public long getRateLimitedResponses() {
        return client.rateLimited();
    }

    @Override
    public long getEventsSuccess() {
        return success.get();
    }

    @Override
    public long getEventsFailed() {
        return failed.get();
    }

    @Override
    public long getEventsRejected() {
        return rejected.get();
    }

    @Override
    public long getCallbacksRead() {
        return callbacks.get();
    }

    @Override
    public double getDetectionDelayAvgMs() {
        long n = delayCount.get();
        return n == 0 ? 0.0 : (double) delaySum.get() / n;
    }

    @Override
    public long getDetectionDelayMaxMs() {
        return delayMax.get();
    }
}
