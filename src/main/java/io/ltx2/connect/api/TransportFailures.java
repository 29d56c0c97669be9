package io.ltx2.connect.api;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.EOFException;
import java.net.SocketException;
import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Set;

/**
 * Tells a call that failed for want of a usable connection because of the connector's own TLS
 * settings (an untrusted or mismatching server certificate, a refused client certificate) from
 * one that failed on the way (refused, reset, timed out). The first kind is
 * {@link ApiErrorKind#TRANSPORT}: retrying cannot help, the message says it is a certificate
 * problem and which {@code ltx.api.ssl.*} setting to look at. Anything else stays
 * {@link ApiErrorKind#TRANSIENT}.
 */
final class TransportFailures {
    /** TLS alerts a server sends when it refuses the client's certificate (or the lack of one). */
    private static final Set<String> CLIENT_CERTIFICATE_ALERTS = Set.of("bad_certificate", "certificate_required", "unknown_ca",
            "certificate_unknown", "unsupported_certificate", "certificate_revoked", "certificate_expired");

    private TransportFailures() {
    }

    /**
     * The classified error of a call that got no answer.
     *
     * @param clientCertificateMissing whether a server asked for a client certificate this client could
     *                                 not give, with no answer since ({@link ClientCertificateWatch})
     */
    static LtxApiException classify(String what, URI target, Exception failure, boolean clientCertificateMissing) {
        String host = target.getHost();
        Throwable root = rootCause(failure);
        if (has(failure, CertPathBuilderException.class) || has(failure, CertPathValidatorException.class) || hasValidatorException(failure)) {
            return tls(what, "the certificate of " + host + " is not trusted (" + root.getMessage() + "). Configure the CA that signed it "
                    + "with ltx.api.ssl.truststore.location, ltx.api.ssl.truststore.certificates or ltx.api.ssl.truststore.pem.location "
                    + "(a configured truststore replaces the JVM's CAs)", failure);
        }
        if (has(failure, SSLPeerUnverifiedException.class) || has(failure, CertificateException.class)) {
            return tls(what, "the certificate of " + host + " does not match that host name (" + root.getMessage() + "). Use a host "
                    + "name the certificate names in ltx.api.url, or, for a test set-up only, set "
                    + "ltx.api.ssl.endpoint.identification.enabled=false", failure);
        }
        String alert = clientCertificateAlert(failure);
        if (alert != null || clientCertificateMissing && closedOrSsl(failure)) {
            return tls(what, "the server asked for a client certificate and refused the connection ("
                    + (alert != null ? "TLS alert " + alert : describe(failure)) + "). Configure one it trusts with "
                    + "ltx.api.ssl.keystore.location (or check that the server trusts the issuer of the one configured)", failure);
        }
        return new LtxApiException(ApiErrorKind.TRANSIENT, 0, what + ": " + describe(failure), null, failure);
    }

    private static LtxApiException tls(String what, String problem, Exception failure) {
        return new LtxApiException(ApiErrorKind.TRANSPORT, 0, what + ": TLS certificate problem: " + problem, null, failure);
    }

    /** A closed connection or a TLS failure: how a refused client certificate shows after a TLS 1.3 handshake. */
    private static boolean closedOrSsl(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // A plain SocketException is a reset or broken pipe; its subclasses (ConnectException, ...) fail before any handshake.
            if (t instanceof SSLException || t.getClass().getSimpleName().equals("ConnectionClosedException")
                    || t instanceof EOFException || t.getClass() == SocketException.class) {
                return true;
            }
        }
        return false;
    }

    private static String clientCertificateAlert(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException && t.getMessage() != null) {
                String message = t.getMessage().toLowerCase(Locale.ROOT);
                for (String alert : CLIENT_CERTIFICATE_ALERTS) {
                    if (message.contains(alert)) {
                        return alert;
                    }
                }
            }
        }
        return null;
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The JDK's validator (sun.security.validator, not public API) wraps path failures in this. */
    private static boolean hasValidatorException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("ValidatorException")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    static String describe(Exception e) {
        String name = e.getClass().getSimpleName();
        return e.getMessage() == null ? name : name + ": " + e.getMessage();
    }
}
