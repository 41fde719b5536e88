package org.trainbench.engine.prepare.columnar;

import java.util.ArrayList;
import java.util.List;

/**
 * The schema tree of a Parquet file, rebuilt from the footer's depth-first list of SchemaElements, with each node's
 * definition and repetition level (how many optional-or-repeated and repeated nodes lie on its path) and each leaf's
 * column index (its position among the leaves, which is its column chunk's position in every row group).
 */
final class ParquetSchema {
    static final int REQUIRED = 0;
    static final int OPTIONAL = 1;
    static final int REPEATED = 2;

    static final int BOOLEAN = 0;
    static final int INT32 = 1;
    static final int INT64 = 2;
    static final int INT96 = 3;
    static final int FLOAT = 4;
    static final int DOUBLE = 5;
    static final int BYTE_ARRAY = 6;
    static final int FIXED_LEN_BYTE_ARRAY = 7;
    static final String[] TYPE_NAMES = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
            "FIXED_LEN_BYTE_ARRAY"};

    // ConvertedType values (parquet.thrift) that change how a value reads.
    static final int CONVERTED_UTF8 = 0;
    static final int CONVERTED_MAP = 1;
    static final int CONVERTED_MAP_KEY_VALUE = 2;
    static final int CONVERTED_LIST = 3;
    static final int CONVERTED_ENUM = 4;
    static final int CONVERTED_DECIMAL = 5;
    static final int CONVERTED_UINT_32 = 13;
    static final int CONVERTED_UINT_64 = 14;
    static final int CONVERTED_JSON = 19;

    // LogicalType union members (parquet.thrift field ids).
    static final int LOGICAL_STRING = 1;
    static final int LOGICAL_MAP = 2;
    static final int LOGICAL_LIST = 3;
    static final int LOGICAL_ENUM = 4;
    static final int LOGICAL_DECIMAL = 5;
    static final int LOGICAL_INTEGER = 10;
    static final int LOGICAL_JSON = 12;
    static final int LOGICAL_FLOAT16 = 15;

    /** One schema element. {@code type} is -1 for groups. */
    static final class Node {
        final String name;
        final int repetition;
        final int type;
        final int typeLength;
        final int converted;
        final ThriftStruct logical;
        final List<Node> children = new ArrayList<>();
        int definitionLevel;
        int repetitionLevel;
        int column = -1;
        String path;
        Node parent;
        /** The leaf columns under this node (the node itself for a leaf). */
        final List<Integer> leaves = new ArrayList<>();

        Node(String name, int repetition, int type, int typeLength, int converted, ThriftStruct logical) {
            this.name = name;
            this.repetition = repetition;
            this.type = type;
            this.typeLength = typeLength;
            this.converted = converted;
            this.logical = logical;
        }

        boolean isLeaf() {
            return type >= 0;
        }

        boolean hasLogical(int member) {
            return logical != null && logical.has(member);
        }

        boolean isList() {
            return converted == CONVERTED_LIST || hasLogical(LOGICAL_LIST);
        }

        boolean isMap() {
            return converted == CONVERTED_MAP || converted == CONVERTED_MAP_KEY_VALUE || hasLogical(LOGICAL_MAP);
        }

        boolean isText() {
            return converted == CONVERTED_UTF8 || converted == CONVERTED_ENUM || converted == CONVERTED_JSON
                    || hasLogical(LOGICAL_STRING) || hasLogical(LOGICAL_ENUM) || hasLogical(LOGICAL_JSON);
        }

        boolean isUnsigned() {
            if (converted == CONVERTED_UINT_32 || converted == CONVERTED_UINT_64 || (converted >= 11 && converted <= 14)) {
                return true;
            }
            ThriftStruct integer = logical == null ? null : logical.struct(LOGICAL_INTEGER);
            return integer != null && !integer.bool(2, true);
        }
    }

    final Node root;
    final List<Node> leaves = new ArrayList<>();

    private ParquetSchema(Node root) {
        this.root = root;
    }

    /** Builds the tree from FileMetaData.schema; malformed lists raise IllegalArgumentException. */
    static ParquetSchema of(List<Object> elements) {
        if (elements.isEmpty() || !(elements.get(0) instanceof ThriftStruct)) {
            throw new IllegalArgumentException("the footer has no schema");
        }
        int[] at = {0};
        Node root = node(elements, at, 0);
        if (at[0] != elements.size()) {
            throw new IllegalArgumentException("the schema lists " + elements.size() + " elements but its tree holds "
                    + at[0]);
        }
        ParquetSchema schema = new ParquetSchema(root);
        for (Node child : root.children) {
            schema.levels(child, 0, 0, child.name);
        }
        return schema;
    }

    private static Node node(List<Object> elements, int[] at, int depth) {
        if (at[0] >= elements.size() || depth > 100) {
            throw new IllegalArgumentException("the schema's num_children do not match its element list");
        }
        if (!(elements.get(at[0]++) instanceof ThriftStruct element)) {
            throw new IllegalArgumentException("the schema holds a non-struct element");
        }
        String name = element.string(4);
        int children = (int) element.integer(5, 0);
        Node node = new Node(name == null ? "" : name, (int) element.integer(3, REQUIRED),
                children > 0 || !element.has(1) ? -1 : (int) element.integer(1, -1), (int) element.integer(2, 0),
                (int) element.integer(6, -1), element.struct(10));
        for (int i = 0; i < children; i++) {
            Node child = node(elements, at, depth + 1);
            child.parent = node;
            node.children.add(child);
        }
        return node;
    }

    private void levels(Node node, int definition, int repetition, String path) {
        node.definitionLevel = definition + (node.repetition == REQUIRED ? 0 : 1);
        node.repetitionLevel = repetition + (node.repetition == REPEATED ? 1 : 0);
        node.path = path;
        if (node.isLeaf()) {
            node.column = leaves.size();
            leaves.add(node);
            node.leaves.add(node.column);
            return;
        }
        for (Node child : node.children) {
            levels(child, node.definitionLevel, node.repetitionLevel, path + "." + child.name);
            node.leaves.addAll(child.leaves);
        }
        if (node.leaves.isEmpty()) {
            throw new IllegalArgumentException("the group '" + path + "' has no columns");
        }
    }
}
