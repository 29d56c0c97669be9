package io.ltx2.connect.callback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain socket to the receiver, for what an HTTP client will not do: partial heads, slow bodies, lies about the length. */
final class RawClient implements AutoCloseable {
    final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    RawClient send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** The status code of the next response (its head and whatever body bytes are there), or -1 when the connection closed first. */
    int status() throws IOException {
        String head = readHead();
        if (head.isEmpty()) {
            return -1;
        }
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return Integer.parseInt(head.substring(9, 12));
    }

    String readHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (b.size() >= 4 && b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Milliseconds until the server closes the connection (end of stream or reset), reading and dropping anything it sends; -1 if it stays open past {@code maxMs}. */
    long msUntilClosed(long maxMs) throws IOException {
        long start = System.nanoTime();
        socket.setSoTimeout(50);
        byte[] buf = new byte[4096];
        while ((System.nanoTime() - start) / 1_000_000 < maxMs) {
            try {
                if (in.read(buf) < 0) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            } catch (SocketTimeoutException e) {
                // still open
            } catch (SocketException reset) {
                return (System.nanoTime() - start) / 1_000_000;
            }
        }
        return -1;
    }

    /** True when writing to the connection fails within about 3 s of tries (the server closed it). */
    boolean writeFails() {
        try {
            for (int i = 0; i < 150; i++) {
                out.write(new byte[1024]);
                out.flush();
                Thread.sleep(20);
            }
            return false;
        } catch (IOException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // closed
        }
    }
}
