package io.openclaw.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RESP client for test set-up and assertions (claiming databases, reading what a service
 * stored). Services use the Quarkus Redis client; this exists so test infrastructure needs no framework.
 */
public final class RedisConnection implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RedisConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    public static RedisConnection open() {
        return open(0);
    }

    public static RedisConnection open(int database) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(LocalServices.REDIS_HOST, LocalServices.REDIS_PORT), 2_000);
            socket.setSoTimeout(10_000);
            RedisConnection connection = new RedisConnection(socket);
            if (database != 0) {
                connection.command("SELECT", String.valueOf(database));
            }
            return connection;
        } catch (IOException e) {
            throw new IllegalStateException("Redis is not reachable at " + LocalServices.REDIS_HOST + ":"
                    + LocalServices.REDIS_PORT + "; start it with: " + LocalServices.REDIS_START);
        }
    }

    /** Sends a command and returns the reply: String, Long, List, or null. Error replies throw. */
    public Object command(String... args) {
        try {
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.append('$')
                        .append(bytes.length)
                        .append("\r\n")
                        .append(arg)
                        .append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object read() throws IOException {
        int type = in.read();
        String line = readLine();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new IllegalStateException("Redis error: " + line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] data = in.readNBytes(length);
                in.readNBytes(2);
                yield new String(data, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    yield null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                yield items;
            }
            default -> throw new IllegalStateException("unexpected Redis reply type " + (char) type);
        };
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            line.append((char) c);
        }
        in.read();
        return line.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test connection
        }
    }
}
