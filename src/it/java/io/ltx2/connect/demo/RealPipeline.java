package io.ltx2.connect.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One pipeline of a real-worker test: its own topics and connector names (prefix {@code mode}),
 * deployed over REST from the demo's {@code config/} files with only addresses, topics and the
 * test's extras changed, as a user would deploy them.
 */
record RealPipeline(String mode, String requests, String tracking, String events, String dlq) {

    static RealPipeline deploy(DemoEnvironment env, String mode, double timeScale,
                               Map<String, String> sinkExtra, Map<String, String> sourceExtra) {
        return deploy(env.connect(), env.bootstrapServers(), env.apiUrl(), mode, timeScale, sinkExtra, sourceExtra);
    }

    /** As above, on a cluster given by its parts. */
    static RealPipeline deploy(ConnectRestClient rest, String bootstrap, String apiUrl, String mode, double timeScale,
                               Map<String, String> sinkExtra, Map<String, String> sourceExtra) {
        RealPipeline p = new RealPipeline(mode, mode + ".requests", mode + ".tasks", mode + ".events", mode + ".requests.dlq");
        DemoTopics.create(bootstrap, List.of(p.requests, p.tracking, p.events), DemoMain.PARTITIONS, p.dlq);

        Map<String, String> common = Map.of(
                "ltx.api.url", apiUrl,
                "ltx.tracking.bootstrap.servers", bootstrap,
                "ltx.tracking.topic", p.tracking);
        ConnectorConfigFile sink = ConnectorConfigFile.read(Path.of("config", "demo-ltx-sink.json"))
                .renamed(p.sinkName()).with(common).with(sinkExtra)
                .with(Map.of("topics", p.requests, "errors.deadletterqueue.topic.name", p.dlq));
        ConnectorConfigFile source = ConnectorConfigFile.read(Path.of("config", "demo-ltx-source.json"))
                .renamed(p.sourceName()).with(common).with(sourceExtra)
                .with(Map.of("ltx.events.topic", p.events, "ltx.poll.time.scale", Double.toString(timeScale)));
        for (ConnectorConfigFile connector : List.of(sink, source)) {
            rest.putConnector(connector.name(), connector.restConfig());
            rest.awaitRunning(connector.name(), Duration.ofSeconds(90));
        }
        return p;
    }

    String sinkName() {
        return "ltx-sink-" + mode;
    }

    String sourceName() {
        return "ltx-source-" + mode;
    }

    /** A monitor of this pipeline's tracking and events topics (read_committed) for these requests. */
    PipelineMonitor monitor(DemoEnvironment env, java.util.Set<String> requestIds) {
        return monitor(env.bootstrapServers(), requestIds);
    }

    PipelineMonitor monitor(String bootstrap, java.util.Set<String> requestIds) {
        return new PipelineMonitor(bootstrap, tracking, events, requestIds);
    }

    /** A path or value failsafe passes to the real-worker tests (see the pom). */
    static String requiredProperty(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set: run through mvn verify (failsafe sets it)");
        }
        return value;
    }
}
