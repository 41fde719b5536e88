package org.trainbench.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a chat template's source into tokens: literal text, {@code {{ output }}} and {@code {% statement %}} (comments
 * dropped), applying whitespace control ({@code -}) and, as transformers renders templates, trim_blocks and
 * lstrip_blocks.
 */
final class TemplateLexer {

    /** What a token is: literal text, an {@code {{ output }}} or a {@code {% statement %}}. */
    enum Kind {
        TEXT, OUTPUT, STATEMENT
    }

    /** A token and the line it starts on. */
    record Token(Kind kind, String content, int line) {
    }

    private final String s;

    TemplateLexer(String source) {
        this.s = source;
    }

    List<Token> tokens() {
        List<Token> tokens = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int textLine = 1;
        int i = 0;
        boolean stripNextLeading = false;
        boolean trimNextNewline = false;
        while (i < s.length()) {
            int open = nextTag(i);
            String chunk = s.substring(i, open < 0 ? s.length() : open);
            if (stripNextLeading) {
                chunk = stripLeading(chunk);
            } else if (trimNextNewline) {
                if (chunk.startsWith("\r\n")) {
                    chunk = chunk.substring(2);
                } else if (chunk.startsWith("\n")) {
                    chunk = chunk.substring(1);
                }
            }
            stripNextLeading = false;
            trimNextNewline = false;
            if (open < 0) {
                text.append(chunk);
                break;
            }
            char type = s.charAt(open + 1);
            boolean minus = open + 2 < s.length() && s.charAt(open + 2) == '-';
            boolean plus = open + 2 < s.length() && s.charAt(open + 2) == '+';
            if (minus) {
                chunk = stripTrailing(chunk);
            } else if (type != '{' && !plus) {
                // lstrip_blocks: a block or comment tag alone at the start of its line takes the indentation with it
                // (judged on the source: trim_blocks may already have removed the newline before it)
                int newline = chunk.lastIndexOf('\n');
                String tail = chunk.substring(newline + 1);
                int tailStart = open - tail.length();
                boolean lineStart = tailStart == 0 || s.charAt(tailStart - 1) == '\n';
                if (lineStart && tail.chars().allMatch(c -> c == ' ' || c == '\t')) {
                    chunk = chunk.substring(0, chunk.length() - tail.length());
                }
            }
            text.append(chunk);
            if (!text.isEmpty()) {
                tokens.add(new Token(Kind.TEXT, text.toString(), textLine));
                text.setLength(0);
            }
            int line = lineOf(open);
            String close = type == '{' ? "}}" : type == '%' ? "%}" : "#}";
            int contentStart = open + 2 + (minus || plus ? 1 : 0);
            int end = s.indexOf(close, contentStart);
            if (end < 0) {
                throw new ChatTemplateException("line " + line + ": unclosed '" + s.substring(open, open + 2) + "'");
            }
            int contentEnd = end;
            boolean closeMinus = end > contentStart && s.charAt(end - 1) == '-';
            if (closeMinus) {
                contentEnd--;
            }
            String content = s.substring(contentStart, contentEnd).strip();
            if (type == '{') {
                tokens.add(new Token(Kind.OUTPUT, content, line));
            } else if (type == '%') {
                tokens.add(new Token(Kind.STATEMENT, content, line));
            }
            i = end + 2;
            stripNextLeading = closeMinus;
            trimNextNewline = !closeMinus && type != '{';
            textLine = lineOf(i);
        }
        if (!text.isEmpty()) {
            tokens.add(new Token(Kind.TEXT, text.toString(), textLine));
        }
        return tokens;
    }

    private int nextTag(int from) {
        int i = s.indexOf('{', from);
        while (i >= 0 && i + 1 < s.length()) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i = s.indexOf('{', i + 1);
        }
        return -1;
    }

    private int lineOf(int offset) {
        int line = 1;
        for (int k = 0; k < offset && k < s.length(); k++) {
            if (s.charAt(k) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static String stripLeading(String text) {
        int k = 0;
        while (k < text.length() && Character.isWhitespace(text.charAt(k))) {
            k++;
        }
        return text.substring(k);
    }

    private static String stripTrailing(String text) {
        int k = text.length();
        while (k > 0 && Character.isWhitespace(text.charAt(k - 1))) {
            k--;
        }
        return text.substring(0, k);
    }
}
