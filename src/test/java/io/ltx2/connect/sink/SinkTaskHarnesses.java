package io.ltx2.connect.sink;

import io.ltx2.connect.simulator.ApiSimulator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator of one test and the sink task harnesses it started on it: the simulator starts
 * before each test, and after it the harnesses and the simulator are closed ({@code @RegisterExtension}).
 */
final class SinkTaskHarnesses implements BeforeEachCallback, AfterEachCallback {
    private final long seed;
    private final List<SinkTaskHarness> started = new ArrayList<>();
    ApiSimulator sim;

    SinkTaskHarnesses(long seed) {
        this.seed = seed;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        sim = ApiSimulator.builder().apiKey("k").timeScale(0.01).seed(seed).build().start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(SinkTaskHarness::close);
        started.clear();
        sim.close();
    }

    /** A harness of a sink task of {@code connector} against the simulator, closed after the test. */
    SinkTaskHarness start(String connector) {
        return closeAfter(new SinkTaskHarness(sim, connector));
    }

    /** Closes {@code h} after the test (a harness on another simulator). */
    SinkTaskHarness closeAfter(SinkTaskHarness h) {
        started.add(h);
        return h;
    }
}
