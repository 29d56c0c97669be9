package io.ltx2.connect.source;

/** Where a tracking record sits: its partition and offset on the tracking topic. */
record TrackingOffset(int partition, long offset) {

    @Override
    public String toString() {
        return partition + "@" + offset;
    }
}
