package io.ltx2.connect.api;

import org.apache.hc.core5.http.ConnectionClosedException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.ConnectException;
import java.net.URI;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures without an answer are the connector's own TLS set-up (TRANSPORT) and which are the network's (TRANSIENT). */
class TransportFailuresTest {
    private static final URI API = URI.create("https://api.example.com/api/v1");

    private static LtxApiException classify(Exception e, boolean certificateMissing) {
        return TransportFailures.classify("create task", API, e, certificateMissing);
    }

    private static <T extends Exception> T causedBy(T outer, Throwable cause) {
        outer.initCause(cause);
        return outer;
    }

    @Test
    void anUntrustedChainIsACertificateProblemNamingTheTruststoreKeys() {
        Exception e = causedBy(new SSLHandshakeException("PKIX path building failed"), new CertPathValidatorException("no trust anchor"));
        LtxApiException error = classify(e, false);
        assertThat(error.kind()).isEqualTo(ApiErrorKind.TRANSPORT);
        assertThat(error.getMessage()).startsWith("create task: TLS certificate problem: the certificate of api.example.com is not trusted")
                .contains("no trust anchor", "ltx.api.ssl.truststore.certificates", "replaces the JVM's CAs");
        assertThat(error.mayHaveBeenProcessed()).isFalse();
    }

    @Test
    void aNameMismatchIsACertificateProblemNamingHostnameVerification() {
        for (Exception e : new Exception[]{new SSLPeerUnverifiedException("Certificate for <api.example.com> doesn't match"),
                causedBy(new SSLHandshakeException("handshake"), new CertificateException("No name matching api.example.com found"))}) {
            LtxApiException error = classify(e, false);
            assertThat(error.kind()).isEqualTo(ApiErrorKind.TRANSPORT);
            assertThat(error.getMessage()).contains("does not match that host name", "ltx.api.ssl.endpoint.identification.enabled");
        }
    }

    @Test
    void aClientCertificateAlertOrAClosedConnectionAfterAnUnansweredRequestIsACertificateProblem() {
        assertThat(classify(new SSLHandshakeException("Received fatal alert: bad_certificate"), false).getMessage())
                .contains("client certificate", "bad_certificate", "ltx.api.ssl.keystore.location");
        assertThat(classify(new ConnectionClosedException("Connection closed by peer"), true).kind()).isEqualTo(ApiErrorKind.TRANSPORT);
    }

    @Test
    void networkFailuresStayTransient() {
        assertThat(classify(new ConnectionClosedException("Connection closed by peer"), false).kind()).isEqualTo(ApiErrorKind.TRANSIENT);
        assertThat(classify(new SSLException("Connection reset"), false).kind()).isEqualTo(ApiErrorKind.TRANSIENT);
        assertThat(classify(new ConnectException("Connection refused"), true).kind()).as("refused before any handshake")
                .isEqualTo(ApiErrorKind.TRANSIENT);
        assertThat(classify(new ConnectException("Connection refused"), false).getMessage())
                .isEqualTo("create task: ConnectException: Connection refused");
    }

    @Test
    void theWatchNotesAnUnansweredCertificateRequestUntilAnAnswerComes() {
        ClientCertificateWatch watch = ClientCertificateWatch.over(null);
        assertThat(watch.unanswered()).isFalse();
        assertThat(watch.chooseEngineClientAlias(new String[]{"EC"}, null, null)).isNull();
        assertThat(watch.unanswered()).isTrue();
        watch.answered();
        assertThat(watch.unanswered()).isFalse();
    }
}
