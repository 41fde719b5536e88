package org.trainbench.engine.tokenizer.chat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template (the {@code chat_template} of tokenizer_config.json): the subset of Jinja that Llama 2,
 * Llama 3/3.1, Mistral and ChatML templates use, interpreted as transformers' {@code apply_chat_template} renders it
 * (trim_blocks and lstrip_blocks on, loop controls on).
 * <p>
 * Supported: text, {@code {{ }}}, comments, whitespace control ({@code -}), {@code for} (with tuple targets, else,
 * {@code loop.index/index0/revindex/revindex0/first/last/length/previtem/nextitem}, break, continue), {@code if/elif/else},
 * {@code set} (also {@code set ns.attr}), {@code generation} blocks (rendered as their content); expressions with
 * literals, lists, dicts, attribute and item access, slices, calls, {@code + - * / // % ~}, comparisons, {@code in},
 * {@code not in}, {@code and/or/not}, conditional expressions, filters (trim, length, count, upper, lower, title,
 * capitalize, join, tojson, items, list, first, last, default, string, int, float, replace, reject, select,
 * rejectattr, selectattr, map, safe, e, escape, abs, round, sum, unique, reverse, sort, dictsort, indent, wordcount),
 * tests (defined, undefined, none, string, mapping, iterable, sequence, number, integer, float, boolean, true, false,
 * equalto/eq/==, ne, odd, even, in), string methods (strip, lstrip, rstrip, upper, lower, title, capitalize, startswith,
 * endswith, split, replace, format-free), dict methods (items, keys, values, get), and the globals
 * {@code raise_exception}, {@code namespace}, {@code range}, {@code strftime_now}.
 * <p>
 * Rendering also yields the assistant spans: the code points that came from assistant messages' content, followed
 * through concatenation, slicing and trimming (see {@link #render}).
 * <p>
 * The engine is this package: {@link TemplateLexer} cuts the source into tokens, {@link TemplateParser} and
 * {@link ExpressionParser} build the tree ({@link Node}, {@link Expr}), {@link Interpreter} runs it with Python's value
 * semantics ({@link Values}) and Jinja's filters ({@link Filters}), carrying assistant marks ({@link MarkedText}).
 */
public final class ChatTemplate {

    private final String source;
    private final List<Node> body;

    private ChatTemplate(String source, List<Node> body) {
        this.source = source;
        this.body = body;
    }

    /** Parses a template; {@link ChatTemplateException} names the line of a syntax error. */
    public static ChatTemplate parse(String source) {
        return new ChatTemplate(source, new TemplateParser(new TemplateLexer(source).tokens()).template());
    }

    public String source() {
        return source;
    }

    /**
     * A rendered conversation.
     *
     * @param text the rendered text
     * @param assistantSpans inclusive {@code [begin, end]} code-point ranges of assistant content, each extended over
     *        an end-of-turn token that the template writes right after it (only white space between)
     */
    public record Rendering(String text, List<int[]> assistantSpans) {
    }

    /**
     * Renders {@code messages} (role/content maps) with the given variables ({@code bos_token}, {@code eos_token},
     * {@code add_generation_prompt} and any others the template reads).
     *
     * @param endOfTurnTokens special tokens that close an assistant turn (e.g. {@code <|eot_id|>}, {@code <|im_end|>},
     *        {@code </s>}): an assistant span extends over one of them when the template writes it right after the
     *        content, so that the model learns to stop
     * @throws ChatTemplateException when the template raises an exception or fails (the message says why)
     */
    public Rendering render(List<Map<String, Object>> messages, Map<String, Object> variables, List<String> endOfTurnTokens) {
        List<Object> marked = new ArrayList<>();
        for (Map<String, Object> message : messages) {
            Map<String, Object> copy = new LinkedHashMap<>(message);
            if ("assistant".equals(message.get("role")) && message.get("content") instanceof String content) {
                copy.put("content", MarkedText.allMarked(content));
            }
            marked.add(copy);
        }
        Map<String, Object> globals = new LinkedHashMap<>();
        globals.put("messages", marked);
        globals.putAll(variables);
        globals.putIfAbsent("add_generation_prompt", false);
        Interpreter.Output out = Interpreter.run(body, globals);
        String text = out.text.toString();
        return new Rendering(text, spans(text, out.marks, endOfTurnTokens));
    }

    private static List<int[]> spans(String text, BitSet marks, List<String> endOfTurnTokens) {
        List<int[]> spans = new ArrayList<>();
        int i = marks.nextSetBit(0);
        while (i >= 0) {
            int end = marks.nextClearBit(i); // exclusive, UTF-16
            int after = end;
            while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
                after++;
            }
            for (String token : endOfTurnTokens) {
                if (!token.isEmpty() && text.startsWith(token, after)) {
                    end = after + token.length();
                    break;
                }
            }
            spans.add(new int[] {text.codePointCount(0, i), text.codePointCount(0, end) - 1});
            i = marks.nextSetBit(end);
        }
        return spans;
    }
}
