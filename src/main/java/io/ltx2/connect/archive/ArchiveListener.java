package io.ltx2.connect.archive;

/** What the archive stage tells the task's metrics; called from the transfer threads. */
public interface ArchiveListener {
    /** A video is stored and verified: {@code bytes} in {@code millis} (download and upload, retries included). */
    void videoArchived(long bytes, long millis);

    /** A transfer attempt failed and is tried again after a backoff. */
    void transferRetried();

    /** A request's archiving gave up (its event says why, or the task fails). */
    void archiveFailed();

    ArchiveListener NONE = new ArchiveListener() {
        @Override
        public void videoArchived(long bytes, long millis) {
        }

        @Override
        public void transferRetried() {
        }

        @Override
        public void archiveFailed() {
        }
    };
}
