package io.ltx2.connect.sink;

import io.ltx2.connect.sink.cost.CostControls;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Benchmark-only window on a started sink task (this source root never ships in the plugin): what its
 * start read for the spend caps, and what its restart scan of earlier attempts read.
 */
public final class SinkTaskProbe {
    private SinkTaskProbe() {
    }

    /** fromCheckpoint, spendRecordsRead, spendReadMs (the caps' start read); empty without caps. */
    public static Map<String, Object> spendRead(LtxSinkTask task) {
        Map<String, Object> m = new LinkedHashMap<>();
        CostControls.Checkpoints c = task.pipeline().costs().checkpoints();
        if (c != null) {
            m.put("fromCheckpoint", c.fromCheckpoint);
            m.put("spendRecordsRead", c.startRead.recordsRead());
            m.put("spendReadMs", c.startRead.millis());
        }
        return m;
    }

    /** Tracking records the last restart scan of earlier attempts read; -1 before any. */
    public static long priorScanRecords(LtxSinkTask task) {
        return task.pipeline().prior().lastScanRecords();
    }
}
