package io.ltx2.connect.tracking;

/**
 * Tells a topic's id: the source tells a recreated tracking topic from the one its stored offsets
 * were made on, the sink a recreated input topic's requests from the deleted topic's ones.
 */
@FunctionalInterface
public interface TopicIds {

    /** The topic's id, or null when it cannot be told (then the check is skipped). */
    String idOf(String topic);
}
