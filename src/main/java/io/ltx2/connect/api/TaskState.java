package io.ltx2.connect.api;

import java.util.Locale;

/** Task states of the status endpoint; {@link #UNKNOWN} keeps an unexpected value from crashing anything. */
public enum TaskState {
    PENDING, PROCESSING, SUCCESS, FAILED, UNKNOWN;

    public boolean isTerminal() {
        return this == SUCCESS || this == FAILED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskState fromWire(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        for (TaskState s : values()) {
            if (s != UNKNOWN && s.wire().equalsIgnoreCase(value)) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
