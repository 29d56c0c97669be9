package io.ltx2.connect.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectRestClientTest {

    @Test
    void rootCauseIsTheInnermostCausedByLine() {
        String trace = """
                org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.
                \tat org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:658)
                Caused by: java.lang.RuntimeException: outer
                \t... 1 more
                Caused by: org.apache.kafka.connect.errors.ConnectException: HTTP 401: the API key was refused
                """;
        assertThat(ConnectRestClient.rootCause(trace)).isEqualTo("org.apache.kafka.connect.errors.ConnectException: HTTP 401: the API key was refused");
        assertThat(ConnectRestClient.rootCause("java.lang.IllegalStateException: boom\n\tat x")).isEqualTo("java.lang.IllegalStateException: boom");
    }
}
