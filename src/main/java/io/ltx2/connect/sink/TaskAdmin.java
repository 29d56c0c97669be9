package io.ltx2.connect.sink;

import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The sink task's one Admin client of the tracking cluster, made at its first use (creating the spend
 * checkpoint topic, telling an input topic's id) and closed with the task. Task thread only.
 */
final class TaskAdmin implements Supplier<Admin>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskAdmin.class);

    private final Supplier<Admin> factory;
    private Admin admin;

    TaskAdmin(Supplier<Admin> factory) {
        this.factory = factory;
    }

    @Override
    public Admin get() {
        if (admin == null) {
            admin = factory.get();
        }
        return admin;
    }

    @Override
    public void close() {
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("Closing the task's Admin client", e);
            }
            admin = null;
        }
    }
}
