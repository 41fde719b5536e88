package org.trainbench.engine.train.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's synthetic chat task, in the shape of an SFT dataset: conversations of one to three exchanges in which
 * the user asks to reverse or sort a few digits or to add two digits, and the assistant answers. Everything but the
 * assistant's answers (and its end marker) lies in loss-masking spans, as the Fast-LLM SFT guide prepares chat data.
 *
 * <pre>
 *   &lt;user&gt;reverse 3 8 1&lt;assistant&gt;1 8 3&lt;end&gt;&lt;user&gt;add 7+5&lt;assistant&gt;12&lt;end&gt;
 *   [-------- span --------]                 [------ span ------]
 * </pre>
 */
public final class ChatTask {

    /** What the user asks for. */
    public enum Kind {
        REVERSE, SORT, ADD
    }

    /** One question and its correct answer. */
    public record Exchange(Kind kind, String question, String answer) {
    }

    /** A conversation and its tokens. */
    public record Conversation(List<Exchange> exchanges) {

        /** {@code <user>question<assistant>answer<end>} for each exchange. */
        public int[] tokens() {
            List<Integer> tokens = new ArrayList<>();
            for (Exchange exchange : exchanges) {
                tokens.add(ChatVocabulary.USER);
                for (int t : ChatVocabulary.encode(exchange.question())) {
                    tokens.add(t);
                }
                tokens.add(ChatVocabulary.ASSISTANT);
                for (int t : ChatVocabulary.encode(exchange.answer())) {
                    tokens.add(t);
                }
                tokens.add(ChatVocabulary.END);
            }
            return tokens.stream().mapToInt(Integer::intValue).toArray();
        }

        /** Inclusive [begin, end] token spans of each user turn, from its marker through the assistant marker. */
        public int[][] lossMaskingSpans() {
            int[][] spans = new int[exchanges.size()][];
            int at = 0;
            for (int i = 0; i < exchanges.size(); i++) {
                Exchange exchange = exchanges.get(i);
                int assistantMarker = at + 1 + exchange.question().length();
                spans[i] = new int[] {at, assistantMarker};
                at = assistantMarker + 1 + exchange.answer().length() + 1;
            }
            return spans;
        }
    }

    private ChatTask() {
    }

    /** {@code count} conversations drawn from {@code seed}: the same seed always gives the same conversations. */
    public static List<Conversation> conversations(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Conversation> conversations = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            double roll = random.nextDouble();
            int exchanges = roll < 0.5 ? 1 : roll < 0.9 ? 2 : 3;
            List<Exchange> list = new ArrayList<>();
            for (int e = 0; e < exchanges; e++) {
                list.add(exchange(random));
            }
            conversations.add(new Conversation(list));
        }
        return conversations;
    }

    /** One random exchange. */
    public static Exchange exchange(SplittableRandom random) {
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        if (kind == Kind.ADD) {
            int a = random.nextInt(10);
            int b = random.nextInt(10);
            return new Exchange(kind, "add " + a + "+" + b, Integer.toString(a + b));
        }
        int[] digits = new int[3 + random.nextInt(3)];
        for (int i = 0; i < digits.length; i++) {
            digits[i] = random.nextInt(10);
        }
        String command = kind == Kind.REVERSE ? "reverse " : "sort ";
        return new Exchange(kind, command + spaced(digits), answer(kind, digits));
    }

    private static String answer(Kind kind, int[] digits) {
        int[] result = digits.clone();
        if (kind == Kind.SORT) {
            Arrays.sort(result);
        } else {
            for (int i = 0; i < result.length / 2; i++) {
                int swap = result[i];
                result[i] = result[result.length - 1 - i];
                result[result.length - 1 - i] = swap;
            }
        }
        return spaced(result);
    }

    private static String spaced(int[] digits) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < digits.length; i++) {
            text.append(i > 0 ? " " : "").append(digits[i]);
        }
        return text.toString();
    }

    /** The prompt the model completes for a question: {@code <user>question<assistant>}. */
    public static int[] prompt(String question) {
        int[] q = ChatVocabulary.encode(question);
        int[] prompt = new int[q.length + 2];
        prompt[0] = ChatVocabulary.USER;
        System.arraycopy(q, 0, prompt, 1, q.length);
        prompt[prompt.length - 1] = ChatVocabulary.ASSISTANT;
        return prompt;
    }
}
