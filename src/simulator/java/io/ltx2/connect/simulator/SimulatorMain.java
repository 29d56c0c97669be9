package io.ltx2.connect.simulator;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator on its own until interrupted, from the jar that {@code mvn package} builds:
 * <pre>
 * java -jar target/ltx2-kafka-connect-simulator-VERSION.jar --port 8089 --time-scale 0.02
 * java -jar target/ltx2-kafka-connect-simulator-VERSION.jar --tls-keystore sim.p12 --tls-password changeit
 * </pre>
 * Faults are changed at run time with {@code POST /_sim/faults}; counters are at {@code GET /_sim/stats}.
 */
public final class SimulatorMain {

    static final String USAGE = String.join("\n",
            "Usage: java -jar ltx2-kafka-connect-simulator-VERSION.jar [options]",
            "  --port N                 port on 127.0.0.1 (default 8089; 0 = any free port)",
            "  --time-scale F           factor on every contract time (default 1.0; 0.01 makes 60 s into 0.6 s)",
            "  --api-key K[,K...]       valid API keys (default " + ApiSimulator.DEFAULT_API_KEY + ")",
            "  --forbidden-key K[,K...] keys answered with 403",
            "  --model ID               model id of the endpoints (default ltx-2-19b)",
            "  --seed N                 seed of timings, faults and task ids (default 42)",
            "  --limits on|off          rate and concurrency limits (default on)",
            "  --calls-per-minute N     calls per key per 60 s window (default 10000)",
            "  --max-concurrent N       tasks pending or processing per key (default 1000)",
            "  --generation-time-ms N   fixed time from create to completion, not scaled",
            "  --long-generation        tasks take a day (heap benchmarks)",
            "  --threads N              request threads (default 8)",
            "  --result-bytes N         size of each result file served at the result URLs (default 1048576)",
            "  --result-ttl-ms N        result URLs answer 410 Gone this long after completion (default 86400000)",
            "  --results-per-task N     result URLs (videos) per successful task (default 1)",
            "  --result-bytes-per-second N  bandwidth of each result download (default 0: unlimited)",
            "  --faults JSON            initial faults, same fields as POST /_sim/faults, e.g. '{\"statusErrorRate\":0.05}'",
            "                           (also outages: '{\"outageDurationMs\":60000}', random fail codes: '{\"failCodeRate\":0.1}')",
            "  --balance-seconds N      the account's balance in seconds of video (default unlimited); short: 402",
            "  --price-per-second F     USD per second of video, for GET /api/v1/apikeys/current-balance (default "
                    + SimulatorConfig.Billing.DEFAULT_PRICE_PER_SECOND + ")",
            "  --errors-as-http-200     error answers as HTTP 200 with the status in the envelope's code, like some gateways",
            "  --tls-keystore FILE      serve HTTPS with the key and certificate of this PKCS12 keystore",
            "  --tls-password PW        password of the keystore and its key (default empty)",
            "  --help                   this text");

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        ApiSimulator.Builder builder;
        try {
            builder = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (builder == null) {
            System.out.println(USAGE);
            return;
        }
        ApiSimulator sim = builder.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "ltx-sim-shutdown"));
        System.out.println("APIXO simulator: ltx.api.url=" + sim.baseUrl() + "  stats: GET " + sim.adminUrl() + "/stats");
        stopped.await();
    }

    /** The builder for {@code args}, or null when help was asked for. */
    static ApiSimulator.Builder parse(String[] args) {
        ApiSimulator.Builder b = ApiSimulator.builder().port(8089);
        String keystore = null;
        String password = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                return null;
            }
            if (flag.equals("--long-generation")) {
                b.longGeneration();
                continue;
            }
            if (flag.equals("--errors-as-http-200")) {
                b.errorsAsHttp200(true);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + flag);
            }
            String v = args[++i];
            if (flag.equals("--tls-keystore")) {
                keystore = v;
            } else if (flag.equals("--tls-password")) {
                password = v;
            } else {
                try {
                    apply(b, flag, v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(flag + ": not a number: " + v);
                }
            }
        }
        if (keystore != null) {
            b.tls(tlsContext(Path.of(keystore), password == null ? "" : password));
        } else if (password != null) {
            throw new IllegalArgumentException("--tls-password needs --tls-keystore");
        }
        return b;
    }

    private static SSLContext tlsContext(Path keystore, String password) {
        try {
            return ServerTls.fromKeystore(keystore, password.toCharArray());
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-keystore: " + e.getMessage(), e);
        }
    }

    /** Sets what {@code flag} (one that takes a value) says on the builder. */
    private static void apply(ApiSimulator.Builder b, String flag, String v) {
        switch (flag) {
            case "--port" -> b.port(Integer.parseInt(v));
            case "--time-scale" -> b.timeScale(Double.parseDouble(v));
            case "--api-key" -> b.apiKeys(list(v));
            case "--forbidden-key" -> b.forbiddenKeys(list(v));
            case "--model" -> b.model(v);
            case "--seed" -> b.seed(Long.parseLong(v));
            case "--limits" -> b.limitsEnabled(onOff(v));
            case "--calls-per-minute" -> b.callsPerMinute(Integer.parseInt(v));
            case "--max-concurrent" -> b.maxConcurrentTasks(Integer.parseInt(v));
            case "--generation-time-ms" -> b.fixedGenerationTime(Duration.ofMillis(Long.parseLong(v)));
            case "--threads" -> b.threads(Integer.parseInt(v));
            case "--faults" -> b.faults(faults(v));
            default -> applyResults(b, flag, v);
        }
    }

    /** The result files' flags. */
    private static void applyResults(ApiSimulator.Builder b, String flag, String v) {
        switch (flag) {
            case "--result-bytes" -> b.resultBytes(Long.parseLong(v));
            case "--result-ttl-ms" -> b.resultTtl(Duration.ofMillis(Long.parseLong(v)));
            case "--results-per-task" -> b.resultsPerTask(Integer.parseInt(v));
            case "--result-bytes-per-second" -> b.resultBytesPerSecond(Long.parseLong(v));
            default -> applyAccount(b, flag, v);
        }
    }

    /** The account's flags: its balance and the price of a second of video. */
    private static void applyAccount(ApiSimulator.Builder b, String flag, String v) {
        switch (flag) {
            case "--balance-seconds" -> b.balanceSeconds(Long.parseLong(v));
            case "--price-per-second" -> b.pricePerSecond(Double.parseDouble(v));
            default -> throw new IllegalArgumentException("unknown option " + flag);
        }
    }

    private static Faults faults(String json) {
        try {
            return Faults.NONE.withChanges(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--faults: " + e.getMessage());
        }
    }

    private static String[] list(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out.toArray(new String[0]);
    }

    private static boolean onOff(String v) {
        return switch (v) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException("--limits takes on or off, was " + v);
        };
    }
}
