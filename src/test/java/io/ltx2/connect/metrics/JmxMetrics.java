package io.ltx2.connect.metrics;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/** Reads the tasks' metrics from this JVM's JMX, as a monitoring agent would (tests run the workers in-process). */
public final class JmxMetrics {

    private JmxMetrics() {
    }

    /** The sum over a connector's tasks of one metric of a group ({@code sink-task-metrics}, {@code source-task-metrics}); 0 if none. */
    public static double sum(String group, String connector, String metric) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double sum = 0;
        try {
            for (ObjectName name : server.queryNames(new ObjectName(MetricsMBean.DOMAIN + ":type=" + group + ",connector="
                    + ObjectName.quote(connector) + ",*"), null)) {
                Object v = server.getAttribute(name, metric);
                if (v instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    sum += n.doubleValue();
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot read " + metric + " of " + connector, e);
        }
        return sum;
    }

    /**
     * The sum over a connector's tasks of one of its KIP-877 plugin metrics, as the worker's JMX reporter
     * publishes them ({@code kafka.connect:type=plugins,connector=<name>,task=<n>}); 0 if none.
     */
    public static double pluginSum(String connector, String metric) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double sum = 0;
        try {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
                String c = name.getKeyProperty("connector");
                if (c != null && (c.equals(connector) || c.equals(ObjectName.quote(connector)))
                        && server.getAttribute(name, metric) instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    sum += n.doubleValue();
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot read plugin metric " + metric + " of " + connector, e);
        }
        return sum;
    }

    /** How many tasks of the connector publish metrics of the group. */
    public static int tasks(String group, String connector) {
        try {
            return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(MetricsMBean.DOMAIN + ":type=" + group
                    + ",connector=" + ObjectName.quote(connector) + ",*"), null).size();
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }
}
