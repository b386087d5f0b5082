package io.openclaw.audit.outbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Many ready-to-send Kafka records in one outbox row ({@code outbox.records}), as versions before V4 of the schema
 * wrote the SIEM copies of an ingest batch; the relay still sends rows of that kind left in the outbox when the
 * service was upgraded (batches now name their records, see {@link SiemCopies}). Binary, length-prefixed:
 * {@code count, then per record: topic, key (nullable), headers (name, bytes), value (nullable bytes)}.
 */
public final class OutboxBatch {

    private static final int VERSION = 1;

    private OutboxBatch() {}

    /** Encodes the records for the {@code outbox.records} column. */
    public static byte[] encode(List<ProducerRecord<String, byte[]>> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(records.size() * 768);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(records.size());
            for (ProducerRecord<String, byte[]> r : records) {
                out.writeUTF(r.topic());
                out.writeBoolean(r.key() != null);
                if (r.key() != null) {
                    out.writeUTF(r.key());
                }
                Header[] headers = r.headers().toArray();
                out.writeShort(headers.length);
                for (Header h : headers) {
                    out.writeUTF(h.key());
                    writeBytes(out, h.value());
                }
                writeBytes(out, r.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes what {@link #encode} wrote. */
    public static List<ProducerRecord<String, byte[]>> decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("unknown outbox batch version " + version);
            }
            int count = in.readInt();
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String topic = in.readUTF();
                String key = in.readBoolean() ? in.readUTF() : null;
                int headerCount = in.readShort();
                RecordHeaders headers = new RecordHeaders();
                for (int h = 0; h < headerCount; h++) {
                    headers.add(in.readUTF(), readBytes(in));
                }
                records.add(new ProducerRecord<>(topic, null, key, readBytes(in), headers));
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : in.readNBytes(length);
    }
}
