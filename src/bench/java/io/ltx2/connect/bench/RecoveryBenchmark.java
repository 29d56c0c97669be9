package io.ltx2.connect.bench;

import io.ltx2.connect.simulator.ApiSimulator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 5: a steady stream of requests (1 s generation) through sink and source on two workers;
 * the worker running the source task is stopped (an in-JVM worker cannot be killed: this is an
 * orderly stop, so the group rebalances at once instead of after the session time-out). Measured
 * from the stop: when the source task runs again on the other worker (rebalance), the first event
 * after the stop, and the longest gap between consecutive events.
 */
final class RecoveryBenchmark {
    private static final Logger log = LoggerFactory.getLogger(RecoveryBenchmark.class);

    Map<String, Object> run(BenchKafka kafka, BenchConfig cfg) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        try (ApiSimulator sim = ApiSimulator.builder().apiKey(BenchKafka.API_KEY).fixedGenerationTime(Duration.ofSeconds(1)).seed(9)
                .build().start()) {
            kafka.createTopics(2, "rec-requests", "rec-tracking", "rec-events");
            Map<String, String> source = kafka.sourceProps(sim, "rec-tracking", "rec-events", 1.0, 1);
            source.put("ltx.poll.schedule", "fixed");
            source.put("ltx.poll.fixed.initial.delay.ms", "900");
            source.put("ltx.poll.fixed.interval.ms", "100");
            kafka.startConnector("rec-source", source);
            kafka.startConnector("rec-sink", kafka.sinkProps(sim, "rec-requests", "rec-tracking", 1.0, 1));
            AtomicInteger produced = new AtomicInteger();
            Producer producer = new Producer(kafka.bootstrap(), cfg.recoveryRate(), produced);
            try (EventReader events = new EventReader(kafka.bootstrap(), "rec-events")) {
                producer.start();
                Thread.sleep(cfg.recoveryWarmupMs());
                String sourceWorker = taskWorker(kafka, "rec-source").orElseThrow();
                String sinkWorker = taskWorker(kafka, "rec-sink").orElse("?");
                WorkerHandle victim = kafka.connect().workers().stream()
                        .filter(w -> sourceWorker.endsWith(":" + w.url().getPort())).findFirst().orElseThrow();
                log.info("Recovery: stopping worker {} (runs the source task; sink task on {})", victim.url(), sinkWorker);
                long t0 = System.currentTimeMillis();
                kafka.connect().removeWorker(victim);
                long stopped = System.currentTimeMillis();
                long rebalanced = -1;
                while (System.currentTimeMillis() - t0 < 120_000) {
                    Optional<String> w = taskWorkerIfRunning(kafka, "rec-source");
                    if (w.isPresent() && !w.get().equals(sourceWorker)) {
                        rebalanced = System.currentTimeMillis();
                        break;
                    }
                    Thread.sleep(50);
                }
                Thread.sleep(cfg.recoveryAfterMs());
                producer.stop();
                int total = produced.get();
                events.awaitCount(total, Duration.ofSeconds(60));
                List<EventReader.Event> all = events.events();
                long firstAfter = all.stream().mapToLong(EventReader.Event::detectTime).filter(t -> t > stopped).min().orElse(-1);
                long[] times = all.stream().mapToLong(EventReader.Event::detectTime).filter(t -> t > t0 - 5_000).sorted().toArray();
                long maxGap = 0;
                long prev = t0;
                for (long t : times) {
                    if (t >= t0) {
                        maxGap = Math.max(maxGap, t - prev);
                        prev = t;
                    }
                }
                long distinct = all.stream().map(EventReader.Event::requestId).distinct().count();
                m.put("requestsPerSecond", cfg.recoveryRate());
                m.put("sinkTaskOnStoppedWorker", sinkWorker.equals(sourceWorker));
                m.put("workerStopMs", stopped - t0);
                m.put("rebalanceMs", rebalanced < 0 ? null : rebalanced - t0);
                m.put("firstEventAfterStopMs", firstAfter < 0 ? null : firstAfter - t0);
                m.put("longestEventGapMs", maxGap);
                m.put("requests", total);
                m.put("eventsDistinct", distinct);
                m.put("eventsDuplicate", all.size() - distinct);
                m.put("eventsMissing", total - distinct);
                m.put("firstEventMinusRebalanceMs", firstAfter < 0 || rebalanced < 0 ? null : firstAfter - rebalanced);
            } finally {
                producer.stop();
                kafka.deleteConnector("rec-sink");
                kafka.deleteConnector("rec-source");
            }
        }
        log.info("Recovery: {}", m);
        return m;
    }

    private static Optional<String> taskWorker(BenchKafka kafka, String connector) {
        try {
            return kafka.status(connector).tasks().stream().filter(t -> t.id() == 0).map(ConnectorStateInfo.TaskState::workerId).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> taskWorkerIfRunning(BenchKafka kafka, String connector) {
        try {
            return kafka.status(connector).tasks().stream().filter(t -> t.id() == 0 && "RUNNING".equals(t.state()))
                    .map(ConnectorStateInfo.TaskState::workerId).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes simple requests at a steady rate on its own thread. */
    private static final class Producer {
        private final KafkaProducer<String, String> producer;
        private final int perSecond;
        private final AtomicInteger produced;
        private final Thread thread;
        private volatile boolean running = true;

        Producer(String bootstrap, int perSecond, AtomicInteger produced) {
            Map<String, Object> p = new HashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
            this.perSecond = perSecond;
            this.produced = produced;
            this.thread = new Thread(this::loop, "bench-recovery-producer");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            long next = System.nanoTime();
            while (running) {
                int i = produced.get();
                Workload.Request r = Workload.simple("rec", i, 1).get(0);
                producer.send(new ProducerRecord<>("rec-requests", r.id(), r.json()));
                produced.incrementAndGet();
                next += 1_000_000_000L / perSecond;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    try {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        void stop() {
            if (running) {
                running = false;
                try {
                    thread.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                producer.close();
            }
        }
    }
}
