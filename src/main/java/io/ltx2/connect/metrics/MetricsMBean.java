package io.ltx2.connect.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One task's metrics as a read-only JMX MBean whose attributes are the metric names. A task
 * restarted in place registers before its predecessor closes: the newest instance takes the name
 * over, and a closing instance only unregisters the name while it still owns it.
 */
final class MetricsMBean implements DynamicMBean {
    static final String DOMAIN = "io.ltx2.connect";
    private static final Logger log = LoggerFactory.getLogger(MetricsMBean.class);
    private static final Map<ObjectName, MetricsMBean> OWNERS = new ConcurrentHashMap<>();

    private final String group;
    private final String connector;
    private final int task;
    private final Supplier<Map<String, Object>> values;
    private final Supplier<Map<String, String>> descriptions;
    private ObjectName name;

    MetricsMBean(String group, String connector, int task, Supplier<Map<String, Object>> values, Supplier<Map<String, String>> descriptions) {
        this.group = group;
        this.connector = connector;
        this.task = task;
        this.values = values;
        this.descriptions = descriptions;
    }

    static ObjectName objectName(String group, String connector, int task) throws JMException {
        return new ObjectName(DOMAIN + ":type=" + group + ",connector=" + ObjectName.quote(connector) + ",task=" + task);
    }

    void register() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName n = objectName(group, connector, task);
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

    void unregister() {
        if (name == null) {
            return;
        }
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

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Map<String, Object> v = values.get();
        if (!v.containsKey(attribute)) {
            throw new AttributeNotFoundException(attribute);
        }
        return v.get(attribute);
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Object> v = values.get();
        AttributeList out = new AttributeList();
        for (String a : attributes) {
            if (v.containsKey(a)) {
                out.add(new Attribute(a, v.get(a)));
            }
        }
        return out;
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("metrics are read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("metrics have no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        Map<String, Object> v = values.get();
        Map<String, String> docs = descriptions.get();
        MBeanAttributeInfo[] attrs = v.entrySet().stream()
                .map(e -> new MBeanAttributeInfo(e.getKey(), e.getValue() == null ? Double.class.getName() : e.getValue().getClass().getName(),
                        docs.getOrDefault(e.getKey(), e.getKey()), true, false, false))
                .toArray(MBeanAttributeInfo[]::new);
        return new MBeanInfo(TaskMetrics.class.getName(), "LTX " + group + " of connector " + connector + " task " + task, attrs,
                null, null, null);
    }
}
