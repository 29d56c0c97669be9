package io.ltx2.connect.sink.cost;

import io.ltx2.connect.api.GenerationInput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

public class ContentIndexTest {
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final ContentIndex index = new ContentIndex(Duration.ofMinutes(10), "ltx-2-19b", now::get);

    private static GenerationInput input(String prompt, Long seed) {
        return new GenerationInput("text-to-video", prompt, "480p", 5, "16:9", null, seed, null);
    }

    @Test
    void onlyAFixedSeedMakesContentMatchable() {
        assertThat(index.hash("auto", input("p", null))).isEmpty();
        assertThat(index.hash("auto", input("p", -1L))).isEmpty();
        assertThat(index.hash("auto", input("p", 7L))).isPresent();
    }

    @Test
    void sameContentSameHashAndAnyDifferenceChangesIt() {
        String h = index.hash("auto", input("p", 7L)).orElseThrow();
        assertThat(index.hash("auto", input("p", 7L))).contains(h);
        assertThat(index.hash("auto", input("p", 8L))).isNotEqualTo(java.util.Optional.of(h));
        assertThat(index.hash("auto", input("q", 7L))).isNotEqualTo(java.util.Optional.of(h));
        assertThat(index.hash("fast", input("p", 7L))).isNotEqualTo(java.util.Optional.of(h));
        ContentIndex otherModel = new ContentIndex(Duration.ofMinutes(10), "other-model", now::get);
        assertThat(otherModel.hash("auto", input("p", 7L))).isNotEqualTo(java.util.Optional.of(h));
    }

    @Test
    void entriesLeaveTheWindowAndTheLatestTaskWins() {
        String h = index.hash("auto", input("p", 7L)).orElseThrow();
        index.add(h, "task-1", now.get());
        now.addAndGet(Duration.ofMinutes(5).toMillis());
        index.add(h, "task-2", now.get());
        assertThat(index.find(h)).map(ContentIndex.Entry::taskId).contains("task-2");
        now.addAndGet(Duration.ofMinutes(10).toMillis() + 1);
        assertThat(index.find(h)).isEmpty();
        assertThat(index.size()).isZero();
    }
}
