package io.ltx2.connect.config;

import java.util.Map;

/** A sink task's config: the connector's keys plus its {@link TaskPlacement}, set by {@code taskConfigs}. */
public final class LtxSinkTaskConfig extends LtxSinkConfig {

    public LtxSinkTaskConfig(Map<String, ?> props) {
        super(TaskPlacement.define(configDef()), props);
    }

    public TaskPlacement placement() {
        return TaskPlacement.from(this);
    }
}
