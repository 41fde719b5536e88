package org.trainbench.engine.config.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The migrated config as it is built: keys in the order they are first written, each with the comments that stood
 * above its source key and after its value; rendered as block YAML indented by two spaces.
 */
final class Output {

    /** Starts a value that is a block list: the original column of its items, then its source lines. */
    static final String BLOCK_MARK = "\u0000block:";

    private static final class Node {
        final Map<String, Node> children = new LinkedHashMap<>();
        String value;
        String trailing = "";
        List<String> comments = List.of();
    }

    private final Node root = new Node();
    private final List<String> pending = new ArrayList<>();

    /** Comments for the next key written. */
    void comments(List<String> comments) {
        pending.addAll(comments);
    }

    /** Writes {@code value} (YAML text) at a dotted path, unless a value is there already. */
    void put(String path, String value, String trailing) {
        place(path, value, trailing, true);
    }

    /** Writes a value that has no source key (so takes no comments), unless one is there already. */
    void putIfAbsent(String path, String value) {
        place(path, value, "", false);
    }

    private void place(String path, String value, String trailing, boolean takesComments) {
        Node node = root;
        Node firstCreated = null;
        String[] steps = path.split("\\.");
        for (String step : steps) {
            Node next = node.children.get(step);
            if (next == null) {
                next = new Node();
                node.children.put(step, next);
                if (firstCreated == null) {
                    firstCreated = next;
                }
            }
            node = next;
        }
        if (firstCreated == null) {
            return; // written already: the first value stays
        }
        node.value = value;
        node.trailing = trailing;
        if (takesComments && !pending.isEmpty()) {
            firstCreated.comments = List.copyOf(pending);
            pending.clear();
        }
    }

    String render() {
        StringBuilder out = new StringBuilder();
        render(root, 0, out);
        return out.toString();
    }

    private static void render(Node node, int indent, StringBuilder out) {
        String pad = " ".repeat(indent);
        for (Map.Entry<String, Node> child : node.children.entrySet()) {
            Node n = child.getValue();
            for (String comment : n.comments) {
                out.append(comment.isEmpty() ? "" : pad + comment).append('\n');
            }
            out.append(pad).append(child.getKey()).append(':');
            if (n.value == null) {
                out.append('\n');
                render(n, indent + 2, out);
                continue;
            }
            if (n.value.startsWith("\n" + BLOCK_MARK)) {
                String[] parts = n.value.split("\n", 3);
                int column = Integer.parseInt(parts[1].substring(BLOCK_MARK.length()));
                out.append('\n');
                for (String line : parts[2].split("\n", -1)) {
                    int strip = 0;
                    while (strip < column && strip < line.length() && line.charAt(strip) == ' ') {
                        strip++;
                    }
                    out.append(pad).append("  ").append(line.substring(strip)).append('\n');
                }
                continue;
            }
            if (!n.value.isEmpty()) {
                out.append(' ').append(n.value);
            }
            if (!n.trailing.isEmpty()) {
                out.append("  ").append(n.trailing);
            }
            out.append('\n');
        }
    }
}
