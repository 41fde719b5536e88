package org.trainbench.engine.train.demo;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.trainbench.engine.model.LlamaModel;

/**
 * Asks a trained model questions of the chat task and checks its greedy answers: the demo's proof that the model
 * learned the task rather than just lowering a number. Reverse and sort questions are drawn among those that do not
 * occur in the training conversations; the 100 additions all occur there, so that part measures memorization.
 */
public final class AnswerCheck {
    static final int MAX_ANSWER_TOKENS = 16;

    /** One question, the expected answer and what the model said. */
    public record Answer(ChatTask.Kind kind, String question, String expected, String actual) {
        public boolean correct() {
            return expected.equals(actual);
        }
    }

    /** All answers and the share right per kind. */
    public record Report(List<Answer> answers, Map<ChatTask.Kind, Double> accuracy) {
        public double overall() {
            return answers.stream().filter(Answer::correct).count() / (double) answers.size();
        }
    }

    private AnswerCheck() {
    }

    /** The model's greedy answer to a question, up to its end marker. */
    public static String answer(LlamaModel model, String question) {
        int[] generated = model.generate(ChatTask.prompt(question), MAX_ANSWER_TOKENS, 0f, 0L, ChatVocabulary.END);
        int length = generated.length;
        if (length > 0 && generated[length - 1] == ChatVocabulary.END) {
            length--;
        }
        return ChatVocabulary.decode(java.util.Arrays.copyOf(generated, length));
    }

    /**
     * Checks {@code perKind} questions of each kind, drawn from {@code seed}.
     *
     * @param training the training conversations, whose reverse and sort questions are excluded
     */
    public static Report run(LlamaModel model, List<ChatTask.Conversation> training, int perKind, long seed) {
        Set<String> seen = new HashSet<>();
        for (ChatTask.Conversation conversation : training) {
            for (ChatTask.Exchange exchange : conversation.exchanges()) {
                seen.add(exchange.question());
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        Map<ChatTask.Kind, List<ChatTask.Exchange>> questions = new EnumMap<>(ChatTask.Kind.class);
        for (ChatTask.Kind kind : ChatTask.Kind.values()) {
            questions.put(kind, new ArrayList<>());
        }
        Set<String> asked = new HashSet<>();
        int attempts = 0;
        while (questions.values().stream().anyMatch(list -> list.size() < perKind) && attempts++ < 100_000) {
            ChatTask.Exchange exchange = ChatTask.exchange(random);
            List<ChatTask.Exchange> list = questions.get(exchange.kind());
            boolean fresh = exchange.kind() == ChatTask.Kind.ADD || !seen.contains(exchange.question());
            if (list.size() < perKind && fresh && asked.add(exchange.question())) {
                list.add(exchange);
            }
        }
        List<Answer> answers = new ArrayList<>();
        Map<ChatTask.Kind, Double> accuracy = new EnumMap<>(ChatTask.Kind.class);
        for (Map.Entry<ChatTask.Kind, List<ChatTask.Exchange>> entry : questions.entrySet()) {
            int right = 0;
            for (ChatTask.Exchange exchange : entry.getValue()) {
                Answer answer = new Answer(exchange.kind(), exchange.question(), exchange.answer(), answer(model, exchange.question()));
                answers.add(answer);
                right += answer.correct() ? 1 : 0;
            }
            accuracy.put(entry.getKey(), entry.getValue().isEmpty() ? 0.0 : right / (double) entry.getValue().size());
        }
        return new Report(answers, accuracy);
    }
}
