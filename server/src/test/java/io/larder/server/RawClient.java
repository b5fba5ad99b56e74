package io.larder.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A bare TCP client: sends bytes, reads replies line by line or by count, with timeouts. */
final class RawClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawClient send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    /** One line without its CRLF; null at end of stream. */
    String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    byte[] bytes(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** True if the server closed the connection (end of stream) within the timeout. */
    boolean closedByServer(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private int exchanges;

    /**
     * Sends {@code request} followed by a marker request (a meta get of a key no test uses, with a
     * fresh opaque) and returns every reply before the marker's: the server answers in order, so
     * that is all the request's replies.
     */
    String exchange(String request) throws IOException {
        String marker = "EN k__end__ O" + (++exchanges) + "\r\n";
        send(request + "mg __end__ k O" + exchanges + "\r\n");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed; got so far: " + b.toString(StandardCharsets.ISO_8859_1));
            }
            b.write(buf, 0, n);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith(marker)) {
                return s.substring(0, s.length() - marker.length());
            }
        }
    }

    /** Everything that arrives until {@code millis} pass with nothing new. */
    String drain(int millis) throws IOException {
        socket.setSoTimeout(millis);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                b.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // quiet for long enough
        } finally {
            socket.setSoTimeout(10_000);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
