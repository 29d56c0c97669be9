package io.ltx2.connect.callback;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/** Constant-time checks of a callback's secret token and optional HMAC-SHA256 body signature. */
public final class CallbackAuthenticator {
    private static final String HMAC = "HmacSHA256";

    private CallbackAuthenticator() {
    }

    /** True when {@code presented} equals {@code expected}, in time independent of where they differ. */
    public static boolean tokenMatches(String expected, String presented) {
        if (expected == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(expected), sha256(presented));
    }

    /**
     * True when {@code signature} is the HMAC-SHA256 of {@code body} with {@code secret}, given as
     * hex or base64, optionally prefixed with {@code sha256=}.
     */
    public static boolean signatureMatches(String secret, byte[] body, String signature) {
        if (secret == null || signature == null || signature.isBlank()) {
            return false;
        }
        String s = signature.trim();
        if (s.regionMatches(true, 0, "sha256=", 0, 7)) {
            s = s.substring(7);
        }
        byte[] presented = decode(s);
        return presented != null && MessageDigest.isEqual(sign(secret, body), presented);
    }

    /** The HMAC-SHA256 of {@code body} with {@code secret}, as lowercase hex (what a signing proxy would send). */
    public static String signHex(String secret, byte[] body) {
        return HexFormat.of().formatHex(sign(secret, body));
    }

    static byte[] sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] decode(String s) {
        if (s.length() == 64 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return HexFormat.of().parseHex(s);
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException notBase64) {
            try {
                return Base64.getUrlDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
