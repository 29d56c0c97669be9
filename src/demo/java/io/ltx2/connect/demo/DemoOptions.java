package io.ltx2.connect.demo;

import io.ltx2.connect.api.ContractLimits;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The demo's command-line flags. */
public record DemoOptions(String bootstrap, String connectorBootstrap, String connectUrl, String apiUrl,
                          Path apiKeyFile, double timeScale, Duration timeout, Path runDir, Path runtimeDir,
                          Path pluginZip, Path configDir, boolean callback, boolean billable, boolean archive, boolean help) {

    public static final String USAGE = """
            Usage: ./demo.sh [options]

            Runs the LTX-2 connectors end to end: starts a Kafka broker (KRaft), a Connect worker with the
            plugin zip on its plugin.path and the APIXO simulator, each in its own JVM on 127.0.0.1, deploys
            both connectors from config/, writes sample requests and shows them turn into events.
            Every flag below replaces one of the started parts with an existing one.

              --bootstrap HOST:PORT       use this Kafka cluster (the demo's own clients) instead of starting one
              --connector-bootstrap LIST  ltx.tracking.bootstrap.servers as the Connect workers see it
                                          (default: --bootstrap; differs e.g. inside docker compose)
              --connect-url URL           use this Connect cluster (needs --bootstrap) instead of starting a worker
              --api-url URL               use this API instead of starting the simulator: a simulator started
                                          elsewhere (at --time-scale), or the real API, for which the configs
                                          config/ltx-*.json are deployed instead of config/demo-ltx-*.json
              --api-key-file PATH         properties file with api.key=..., as the Connect worker sees it; the
                                          connectors get ltx.api.key=${file:PATH:api.key} (the demo never reads it)
              --billable                  confirm that requests to the real API (billed per second of video) are wanted
              --callback                  callback mode: the sink asks for webhooks, the source's receiver takes
                                          them on a free 127.0.0.1 port (polling stays on as a safety net)
              --archive                   also archive every video: starts an S3-compatible store (S3Proxy, in memory)
                                          in the demo's JVM on a free 127.0.0.1 port, sets the source's ltx.archive.*
                                          to it, and prints the archived keys (not with --connect-url)
              --time-scale X              simulator speed: generation times are multiplied by X (default 0.1)
              --timeout SECONDS           how long to wait for all events (default 180)
              --run-dir DIR               configs, logs and data of the run (default target/demo)
              --runtime-dir DIR           Kafka jars of broker and worker, 3.7 to 4.4 (default target/kafka-runtime,
                                          4.3.1; mvn verify with tests also resolves ...-3.7.2 and ...-4.4.0)
              --plugin-zip FILE           the plugin archive (default target/ltx2-kafka-connect-*.zip)
              --config-dir DIR            connector and worker configs (default config)
              -h, --help                  this text
            """;

    public static DemoOptions parse(String... args) {
        Flags flags = new Flags();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            flags.take(rest.remove(0), rest);
        }
        return flags.options();
    }

    /** The flags read so far, starting from the defaults. */
    private static final class Flags {
        private String bootstrap;
        private String connectorBootstrap;
        private String connectUrl;
        private String apiUrl;
        private Path apiKeyFile;
        private double timeScale = 0.1;
        private Duration timeout = Duration.ofSeconds(180);
        private Path runDir = Path.of("target", "demo");
        private Path runtimeDir = Path.of("target", "kafka-runtime");
        private Path pluginZip;
        private Path configDir = Path.of("config");
        private boolean callback;
        private boolean billable;
        private boolean archive;
        private boolean help;

        /** Reads {@code flag}, and its value from the head of {@code rest} where it takes one. */
        void take(String flag, List<String> rest) {
            switch (flag) {
                case "--bootstrap" -> bootstrap = value(flag, rest);
                case "--connector-bootstrap" -> connectorBootstrap = value(flag, rest);
                case "--connect-url" -> connectUrl = url(flag, value(flag, rest));
                case "--api-url" -> apiUrl = url(flag, value(flag, rest));
                case "--api-key-file" -> apiKeyFile = Path.of(value(flag, rest));
                case "--billable", "--callback", "--archive", "-h", "--help" -> onOff(flag);
                case "--time-scale" -> timeScale = positive(flag, value(flag, rest));
                case "--timeout" -> timeout = Duration.ofSeconds((long) positive(flag, value(flag, rest)));
                case "--run-dir" -> runDir = Path.of(value(flag, rest));
                case "--runtime-dir" -> runtimeDir = Path.of(value(flag, rest));
                case "--plugin-zip" -> pluginZip = Path.of(value(flag, rest));
                case "--config-dir" -> configDir = Path.of(value(flag, rest));
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n\n" + USAGE);
            }
        }

        private void onOff(String flag) {
            switch (flag) {
                case "--billable" -> billable = true;
                case "--callback" -> callback = true;
                case "--archive" -> archive = true;
                default -> help = true;
            }
        }

        /** The options, once the flags are checked against each other. */
        DemoOptions options() {
            if (connectUrl != null && bootstrap == null) {
                throw new IllegalArgumentException("--connect-url needs --bootstrap: the demo writes requests and reads events itself");
            }
            if (archive && connectUrl != null) {
                throw new IllegalArgumentException("--archive starts its object store in the demo's JVM on 127.0.0.1, which only a worker "
                        + "the demo starts can reach; with your own Connect cluster set ltx.archive.* to your store (docs/archiving.md)");
            }
            if (apiUrl != null && isRealApi(apiUrl) && !billable && !help) {
                throw new IllegalArgumentException("--api-url " + apiUrl + " is the real API: the sample requests generate "
                        + "real, billed videos. Add --billable to confirm.");
            }
            return new DemoOptions(bootstrap, connectorBootstrap != null ? connectorBootstrap : bootstrap, connectUrl, apiUrl,
                    apiKeyFile, timeScale, timeout, runDir, runtimeDir, pluginZip, configDir, callback, billable, archive, help);
        }
    }

    /** True when the simulator is started by the demo (no --api-url). */
    public boolean usesLocalSimulator() {
        return apiUrl == null;
    }

    /**
     * True when --api-url is the real APIXO API: then the real configs (config/ltx-*.json) are
     * deployed and no outcome is assumed. Any other URL is taken for a simulator (started elsewhere,
     * e.g. by docker compose) at --time-scale.
     */
    public boolean usesRealApi() {
        return apiUrl != null && isRealApi(apiUrl);
    }

    private static String value(String flag, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.remove(0);
    }

    private static String url(String flag, String value) {
        URI uri = URI.create(value);
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new IllegalArgumentException(flag + " needs an http(s) URL, got " + value);
        }
        return value;
    }

    private static double positive(String flag, String value) {
        try {
            double d = Double.parseDouble(value);
            if (d > 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " needs a positive number, got " + value);
    }

    private static boolean isRealApi(String url) {
        return URI.create(url).getHost().equalsIgnoreCase(URI.create(ContractLimits.DEFAULT_BASE_URL).getHost());
    }
}
