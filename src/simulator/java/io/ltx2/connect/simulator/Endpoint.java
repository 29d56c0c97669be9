package io.ltx2.connect.simulator;

/** The two endpoints of the contract, for per-endpoint counters and faults. */
public enum Endpoint {
    CREATE, STATUS
}
