package io.ltx2.connect.source;

/** Tells a topic's id, so that a recreated tracking topic is told from the one the stored offsets were made on. */
@FunctionalInterface
interface TopicIds {

    /** The topic's id, or null when it cannot be told (then the check is skipped). */
    String idOf(String topic);
}
