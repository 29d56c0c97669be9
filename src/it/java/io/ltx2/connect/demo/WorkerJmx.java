package io.ltx2.connect.demo;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plugin's task metrics as an operator's JMX tool sees them: a worker JVM started with the JDK's
 * remote JMX agent on one loopback port (no authentication, no TLS: a test on 127.0.0.1 only), read
 * with {@link JMXConnectorFactory} from the test's JVM.
 */
final class WorkerJmx implements AutoCloseable {

    static final String DOMAIN = "io.ltx2.connect";
    static final String SINK = "sink-task-metrics";
    static final String SOURCE = "source-task-metrics";

    private final JMXConnector connector;
    private final MBeanServerConnection server;

    private WorkerJmx(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.server = connector.getMBeanServerConnection();
    }

    /**
     * The JVM options of the JDK's JMX agent on {@code port} of 127.0.0.1 only, registry and RMI
     * objects on the same port (one port to pick). Checked on Java 17 with {@code ss -ltnp}: that port
     * listens on 127.0.0.1 only; the JDK's agent also starts its local connector (the one {@code jconsole}
     * attaches to) on an ephemeral port of every interface, whose socket factory refuses any client
     * not on this host. No option turns that one off.
     */
    static List<String> jvmArgs(int port) {
        return List.of(
                "-Dcom.sun.management.jmxremote.port=" + port,
                "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                "-Dcom.sun.management.jmxremote.host=" + FreePorts.LOOPBACK,
                "-Djava.rmi.server.hostname=" + FreePorts.LOOPBACK,
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false");
    }

    /** Connects to the agent on 127.0.0.1:port, retrying while the JVM starts it. */
    static WorkerJmx connect(int port, Duration timeout) {
        JMXServiceURL url;
        try {
            url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + FreePorts.LOOPBACK + ":" + port + "/jmxrmi");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return new WorkerJmx(JMXConnectorFactory.connect(url));
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("no JMX agent at " + url + " within " + timeout, e);
                }
                sleep(200);
            }
        }
    }

    /** One task's MBean: its task number and every attribute's value. */
    record TaskBean(ObjectName name, int task, Map<String, Object> attributes) {

        /** An attribute as a number (counters are doubles, gauges integers or longs). */
        double number(String attribute) {
            Object v = attributes.get(attribute);
            if (!(v instanceof Number n)) {
                throw new AssertionError(name + " has no numeric attribute " + attribute + " (has " + attributes.keySet() + ")");
            }
            return n.doubleValue();
        }
    }

    /** The MBeans {@code io.ltx2.connect:type=<type>,connector=<connector>,task=*}, by task number. */
    List<TaskBean> tasks(String type, String connectorName) {
        return beans(DOMAIN + ":type=" + type + ",*", connectorName);
    }

    /**
     * The connector's KIP-877 plugin metrics as the worker's JMX reporter publishes them (Kafka 4.1+),
     * {@code kafka.connect:type=plugins,connector=<connector>,task=*}, by task number; none on older workers.
     */
    List<TaskBean> pluginMetrics(String connectorName) {
        return beans("kafka.connect:type=plugins,*", connectorName);
    }

    private List<TaskBean> beans(String pattern, String connectorName) {
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName(pattern), null);
            List<TaskBean> out = new ArrayList<>();
            for (ObjectName name : names) {
                String connector = name.getKeyProperty("connector");
                if (connector == null || name.getKeyProperty("task") == null
                        || !connectorName.equals(connector.startsWith("\"") ? ObjectName.unquote(connector) : connector)) {
                    continue;
                }
                Map<String, Object> attributes = new LinkedHashMap<>();
                for (MBeanAttributeInfo info : server.getMBeanInfo(name).getAttributes()) {
                    attributes.put(info.getName(), server.getAttribute(name, info.getName()));
                }
                out.add(new TaskBean(name, Integer.parseInt(name.getKeyProperty("task")), attributes));
            }
            out.sort(Comparator.comparingInt(TaskBean::task));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the MBeans " + pattern + " of " + connectorName + " over JMX", e);
        }
    }

    /** The attribute names of the connector's task MBeans (asserting every task has the same ones). */
    static Set<String> attributeNames(List<TaskBean> tasks) {
        Set<String> first = new TreeSet<>(tasks.get(0).attributes().keySet());
        for (TaskBean t : tasks) {
            if (!first.equals(new TreeSet<>(t.attributes().keySet()))) {
                throw new AssertionError("tasks of one connector publish different metrics: " + first + " vs " + t.attributes().keySet());
            }
        }
        return first;
    }

    /** The sum of one attribute over the tasks. */
    static double sum(List<TaskBean> tasks, String attribute) {
        return tasks.stream().mapToDouble(t -> t.number(attribute)).sum();
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // the worker is gone already
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
