package io.ltx2.connect.sink.cost;

/**
 * Counts the billable seconds of an outcome record in place of the request's reservation (null: none), and gives the
 * record's time: what the outcome records count is what a restart reads back ({@link CostControls#spend}).
 */
@FunctionalInterface
public interface Spend {
    long record(SpendBudget.Reservation reservation, int billableSeconds);
}
