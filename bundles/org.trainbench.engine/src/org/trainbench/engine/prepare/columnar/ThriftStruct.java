package org.trainbench.engine.prepare.columnar;

import java.util.List;
import java.util.Map;

/**
 * One Thrift struct decoded without a generated class: field id to value, where a value is Long (all integer types
 * and enums), Boolean, Double, byte[] (binary and string), {@code List<Object>} or a nested ThriftStruct. Parquet's
 * footer and page headers are read this way; the accessors name the field ids of parquet.thrift at the call site.
 */
record ThriftStruct(Map<Integer, Object> fields) {

    boolean has(int id) {
        return fields.containsKey(id);
    }

    long integer(int id, long fallback) {
        return fields.get(id) instanceof Long value ? value : fallback;
    }

    /** A required integer; {@code what} names the struct and field for the error. */
    long integer(int id, String what) {
        if (fields.get(id) instanceof Long value) {
            return value;
        }
        throw new IllegalArgumentException("required field " + what + " is missing");
    }

    boolean bool(int id, boolean fallback) {
        return fields.get(id) instanceof Boolean value ? value : fallback;
    }

    String string(int id) {
        return fields.get(id) instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : null;
    }

    ThriftStruct struct(int id) {
        return fields.get(id) instanceof ThriftStruct value ? value : null;
    }

    @SuppressWarnings("unchecked")
    List<Object> list(int id) {
        return fields.get(id) instanceof List<?> value ? (List<Object>) value : List.of();
    }
}
