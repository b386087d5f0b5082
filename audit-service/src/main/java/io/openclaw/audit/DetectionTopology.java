package io.openclaw.audit;

import io.openclaw.events.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;

/** The Kafka Streams topology that runs the detection rules. */
@ApplicationScoped
public class DetectionTopology {

    @Produces
    Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.PAIRING_EVENTS, Consumed.with(Serdes.String(), Serdes.ByteArray()));
        return builder.build();
    }
}
