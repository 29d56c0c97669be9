package io.ltx2.connect.schema;

import io.ltx2.connect.source.TerminalEvent;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static io.ltx2.connect.schema.SchemaFiles.avro;
import static io.ltx2.connect.schema.SchemaFiles.eventAvro;
import static io.ltx2.connect.schema.SchemaFiles.eventJsonSchema;
import static io.ltx2.connect.schema.SchemaFiles.eventSchema;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real events (made by {@link TerminalEvent}) against the schema files: their JSON validates against
 * every version's JSON Schema, and Avro data written with one version's file is read with every
 * other's, in both directions.
 */
class EventSchemaDataTest {

    @Test
    void eventsOfEveryKindValidateAgainstEveryVersionsJsonSchema() {
        for (Struct event : SampleEvents.all()) {
            String json = SampleEvents.json(event);
            for (int v = 1; v <= TerminalEvent.SCHEMA_VERSION; v++) {
                assertThat(SchemaFiles.validate(eventJsonSchema(v), json)).as("v%d: %s", v, json).isEmpty();
            }
        }
    }

    @Test
    void eventsWrittenWithTheCurrentAvroFileAreReadWithEveryEarlierOne() throws IOException {
        org.apache.avro.Schema current = avro(eventAvro(TerminalEvent.SCHEMA_VERSION));
        for (Struct event : SampleEvents.all()) {
            GenericRecord written = (GenericRecord) SchemaFiles.avroData().fromConnectData(TerminalEvent.SCHEMA, event);
            assertThat(GenericData.get().validate(current, written)).as("the converter's record fits the current file").isTrue();
            byte[] bytes = encode(current, written);
            for (int v = 1; v <= TerminalEvent.SCHEMA_VERSION; v++) {
                GenericRecord read = decode(bytes, current, avro(eventAvro(v)));
                for (Field f : eventSchema(v).fields()) {
                    assertThat(GenericData.get().toString(read.get(f.name()))).as("v%d reader, %s", v, f.name())
                            .isEqualTo(GenericData.get().toString(written.get(f.name())));
                }
            }
        }
    }

    @Test
    void eventsOfTheFirstVersionAreReadWithTheCurrentFileTheAddedFieldsNull() throws IOException {
        Schema first = eventSchema(1);
        Struct v1 = new Struct(first);
        Struct full = SampleEvents.archivedAdoptedSuccessWithEarlierAttempts();
        first.fields().forEach(f -> v1.put(f, full.get(f.name())));
        org.apache.avro.Schema writer = avro(eventAvro(1));
        GenericRecord written = (GenericRecord) SchemaFiles.avroData().fromConnectData(first, v1);

        GenericRecord read = decode(encode(writer, written), writer, avro(eventAvro(TerminalEvent.SCHEMA_VERSION)));
        assertThat(read.get("requestId").toString()).isEqualTo("req-7");
        for (int v = 2; v <= TerminalEvent.SCHEMA_VERSION; v++) {
            SchemaFiles.EVENT_FIELDS_ADDED.get(v).forEach(name -> assertThat(read.get(name)).as(name).isNull());
        }
        assertThat(SchemaFiles.validate(eventJsonSchema(TerminalEvent.SCHEMA_VERSION),
                new String(SchemaFiles.schemalessJson().fromConnectData("t", first, v1)))).as("a v1 event, current JSON Schema").isEmpty();
    }

    private static byte[] encode(org.apache.avro.Schema writer, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord decode(byte[] bytes, org.apache.avro.Schema writer, org.apache.avro.Schema reader) throws IOException {
        return new GenericDatumReader<GenericRecord>(writer, reader).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
