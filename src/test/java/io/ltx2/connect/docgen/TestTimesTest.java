package io.ltx2.connect.docgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestTimesTest {

    private static void report(Path target, String dir, String suite, String time, String cases) throws Exception {
        Path reports = Files.createDirectories(target.resolve(dir));
        Files.writeString(reports.resolve("TEST-" + suite + ".xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<testsuite name=\"" + suite + "\" time=\"" + time + "\" tests=\"0\"><properties><property name=\"a\" value=\"b\"/>"
                + "</properties>" + cases + "</testsuite>", StandardCharsets.UTF_8);
    }

    @Test
    void readsEveryClassOfBothTiersSlowestFirstCountingItsTestCases(@TempDir Path target) throws Exception {
        report(target, "surefire-reports", "io.ltx2.connect.sink.FastTest", "0.25", "<testcase name=\"a\" time=\"0.2\"/>");
        report(target, "failsafe-reports", "io.ltx2.connect.demo.SlowIT", "1,234.5",
                "<testcase name=\"a\" time=\"1\"/><testcase name=\"b\"><skipped/></testcase><testcase name=\"c\"><failure message=\"x\"/>"
                        + "</testcase>");
        report(target, "failsafe-reports", "io.ltx2.connect.it.MiddleIT", "12", "<testcase name=\"a\"><system-out>out</system-out></testcase>");
        Files.writeString(target.resolve("failsafe-reports/failsafe-summary.xml"), "<failsafe-summary/>");

        List<TestTimes.ClassTime> times = TestTimes.read(target);

        assertThat(times).containsExactly(
                new TestTimes.ClassTime("io.ltx2.connect.demo.SlowIT", "integration", 3, 1, 1, 1234.5),
                new TestTimes.ClassTime("io.ltx2.connect.it.MiddleIT", "integration", 1, 0, 0, 12),
                new TestTimes.ClassTime("io.ltx2.connect.sink.FastTest", "unit", 1, 0, 0, 0.25));
    }

    @Test
    void tableShowsTheSlowestRowsTheRestInOneLineAndTheTotalsBesideAnEarlierBuild() {
        List<TestTimes.ClassTime> times = List.of(
                new TestTimes.ClassTime("io.ltx2.connect.demo.SlowIT", "integration", 3, 1, 0, 100),
                new TestTimes.ClassTime("io.ltx2.connect.it.NewIT", "integration", 2, 0, 0, 10),
                new TestTimes.ClassTime("io.ltx2.connect.sink.FastTest", "unit", 5, 0, 0, 1.5));
        Map<String, TestTimes.ClassTime> before = Map.of("io.ltx2.connect.demo.SlowIT",
                new TestTimes.ClassTime("io.ltx2.connect.demo.SlowIT", "integration", 3, 1, 0, 400));

        String table = TestTimes.table(times, before, 2);

        assertThat(table).startsWith("| class | tier | tests | skipped | s | s before |\n|---|---|---|---|---|---|\n"
                + "| demo.SlowIT | integration | 3 | 1 | 100.0 | 400.0 |\n"
                + "| it.NewIT | integration | 2 | 0 | 10.0 | new |\n"
                + "| 1 more classes | | 5 | 0 | 1.5 | |\n");
        assertThat(table).contains("- this build, unit: 1 classes, 5 tests run, 0 skipped, 0 failed, 2 s summed over classes\n")
                .contains("- this build, integration: 2 classes, 5 tests run, 1 skipped, 0 failed, 110 s summed over classes\n")
                .contains("- before, integration: 1 classes, 3 tests run, 1 skipped, 0 failed, 400 s summed over classes\n");
    }

    @Test
    void updateReplacesOnlyWhatIsBetweenTheMarkers() {
        String doc = "# Testing\n\nBefore.\n\n" + TestTimes.BEGIN + "\nold table\n" + TestTimes.END + "\n\nAfter.\n";

        assertThat(TestTimes.replaceTable(doc, "new table\n"))
                .isEqualTo("# Testing\n\nBefore.\n\n" + TestTimes.BEGIN + "\nnew table\n" + TestTimes.END + "\n\nAfter.\n");
        assertThatThrownBy(() -> TestTimes.replaceTable("# no markers\n", "t")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("markers");
    }
}
