package io.ltx2.connect.bench;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How well the connectors' Kafka clients batch: per producer, the produce requests sent and the
 * records in them; per consumer, the fetches and the records they returned (from the clients' own
 * metrics over JMX). On a machine where every thread wake-up costs tens of microseconds, records
 * per request is what the CPU per request mostly depends on.
 */
final class ClientBatches {
    private ClientBatches() {
    }

    /** Client id to {requests, records}, for the clients whose id names one of the connectors. */
    static Map<String, double[]> snapshot(String... connectors) {
        Map<String, double[]> out = new TreeMap<>();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName n : server.queryNames(new ObjectName("kafka.producer:type=producer-metrics,client-id=*"), null)) {
                collect(server, n, "request-total", "record-send-total", "producer ", out, connectors);
            }
            for (ObjectName n : server.queryNames(new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*"), null)) {
                collect(server, n, "fetch-total", "records-consumed-total", "consumer ", out, connectors);
            }
        } catch (Exception e) {
            // diagnostics only
        }
        return out;
    }

    private static void collect(MBeanServer server, ObjectName n, String requests, String records, String kind, Map<String, double[]> out,
                                String... connectors) throws Exception {
        String id = n.getKeyProperty("client-id");
        for (String c : connectors) {
            if (id.contains(c)) {
                out.put(kind + id, new double[] {((Number) server.getAttribute(n, requests)).doubleValue(),
                        ((Number) server.getAttribute(n, records)).doubleValue()});
                return;
            }
        }
    }

    /** Per client: requests, records and records per request between two snapshots. */
    static Map<String, Object> between(Map<String, double[]> before, Map<String, double[]> after) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, double[]> sums = new TreeMap<>();
        after.forEach((id, a) -> {
            double[] b = before.getOrDefault(id, new double[2]);
            double[] sum = sums.computeIfAbsent(id.replaceAll("[0-9]+$", "N"), k -> new double[2]);
            sum[0] += a[0] - b[0];
            sum[1] += a[1] - b[1];
        });
        sums.forEach((id, sum) -> {
            if (sum[0] > 0) {
                out.put(id, Map.of("requests", (long) sum[0], "records", (long) sum[1], "recordsPerRequest", Stats.round(sum[1] / sum[0], 2)));
            }
        });
        return out;
    }
}
