import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Waits until the local broker answers, then creates every topic of platform-events {@code Topics.ALL}
 * (existing topics are left as they are). Run by {@code ./platform up} in single-file source mode:
 *
 * <pre>java -cp 'kafka jars:platform-events jar' deploy/local/CreateTopics.java 127.0.0.1:9092 3 60</pre>
 *
 * Arguments: bootstrap servers, partitions per topic, seconds to wait for the broker.
 */
public final class CreateTopics {

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: CreateTopics <bootstrap-servers> <partitions> <wait-seconds>");
            System.exit(2);
        }
        String bootstrap = args[0];
        int partitions = Integer.parseInt(args[1]);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(Long.parseLong(args[2])));
        List<String> topics = platformTopics();

        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            awaitBroker(admin, bootstrap, deadline);
            List<NewTopic> wanted = new ArrayList<>();
            for (String topic : topics) {
                wanted.add(new NewTopic(topic, partitions, (short) 1));
            }
            int created = 0;
            for (var entry : admin.createTopics(wanted).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created++;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        System.err.println("could not create topic " + entry.getKey() + ": " + e.getCause());
                        System.exit(1);
                    }
                }
            }
            System.out.println(
                    "topics ready: " + topics.size() + " (" + created + " created, " + (topics.size() - created)
                            + " already there)");
        }
    }

    /** Topics.ALL from the platform-events jar on the class path: the single list every service uses. */
    @SuppressWarnings("unchecked")
    private static List<String> platformTopics() {
        try {
            return (List<String>) Class.forName("io.openclaw.events.Topics").getField("ALL").get(null);
        } catch (ReflectiveOperationException e) {
            System.err.println("io.openclaw.events.Topics is not on the class path: build platform-events first ("
                    + e + ")");
            System.exit(1);
            return List.of();
        }
    }

    private static void awaitBroker(Admin admin, String bootstrap, Instant deadline) throws InterruptedException {
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                last = e;
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
        System.err.println("the broker at " + bootstrap + " did not answer in time: " + last);
        System.exit(1);
    }
}
