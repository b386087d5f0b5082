package io.openclaw.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** The local PostgreSQL and Redis servers that tests and ./platform use, and how to start them. */
public final class LocalServices {

    public static final String POSTGRES_HOST = System.getProperty("openclaw.test.postgres.host", "127.0.0.1");
    public static final int POSTGRES_PORT = Integer.getInteger("openclaw.test.postgres.port", 5432);
    public static final String POSTGRES_USER = System.getProperty("openclaw.test.postgres.user", "postgres");
    public static final String REDIS_HOST = System.getProperty("openclaw.test.redis.host", "127.0.0.1");
    public static final int REDIS_PORT = Integer.getInteger("openclaw.test.redis.port", 6379);

    static final String POSTGRES_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";
    static final String REDIS_START = "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" "
            + "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log";

    private LocalServices() {}

    static void requireReachable(String name, String host, int port, String startCommand) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2_000);
        } catch (IOException e) {
            throw new IllegalStateException(name + " is not reachable at " + host + ":" + port
                    + ". Integration tests need the local server; start it with: " + startCommand);
        }
    }
}
