package org.trainbench.engine.train.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.data.MemmapDataset;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.train.sampling.BatchLayout;
import org.trainbench.engine.train.sampling.DocumentPacker;
import org.trainbench.engine.train.sampling.Shuffling;

class ChatTaskTest {
    @TempDir
    Path temp;

    @Test
    void aConversationIsUserQuestionAssistantAnswerEndWithSpansOverTheUserTurns() {
        ChatTask.Conversation conversation = new ChatTask.Conversation(List.of(
                new ChatTask.Exchange(ChatTask.Kind.REVERSE, "reverse 3 8 1", "1 8 3"),
                new ChatTask.Exchange(ChatTask.Kind.ADD, "add 7+5", "12")));
        assertEquals("<user>reverse 3 8 1<assistant>1 8 3<end><user>add 7+5<assistant>12<end>",
                ChatVocabulary.decode(conversation.tokens()));
        // Span 1: <user> at 0 through <assistant> at 14; span 2: <user> at 21 through <assistant> at 29.
        assertArrayEquals(new int[][] {{0, 14}, {21, 29}}, conversation.lossMaskingSpans());
    }

    @Test
    void answersAreComputedNotLookedUp() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            ChatTask.Exchange exchange = ChatTask.exchange(random);
            String[] words = exchange.question().split(" ");
            switch (exchange.kind()) {
                case ADD -> {
                    String[] operands = words[1].split("\\+");
                    assertEquals(Integer.parseInt(operands[0]) + Integer.parseInt(operands[1]), Integer.parseInt(exchange.answer()));
                }
                case SORT -> {
                    List<String> digits = new ArrayList<>(List.of(words).subList(1, words.length));
                    digits.sort(null);
                    assertEquals(String.join(" ", digits), exchange.answer());
                }
                case REVERSE -> {
                    List<String> digits = new ArrayList<>(List.of(words).subList(1, words.length));
                    java.util.Collections.reverse(digits);
                    assertEquals(String.join(" ", digits), exchange.answer());
                }
            }
        }
    }

    @Test
    void theWrittenDatasetTrainsOnlyOnTheAssistantAnswersAndTheirEndMarkers() throws IOException {
        DemoDataset.write(temp);
        try (MemmapDataset training = MemmapDataset.open(temp.resolve("training"))) {
            assertEquals(DemoDataset.TRAINING_CONVERSATIONS, training.documentCount());
            assertTrue(training.hasLossMaskingSpans());
            DocumentPacker packer = new DocumentPacker(training, 64, false, 1, Shuffling.DISABLED);
            SequenceBatch batch = new BatchLayout(false, true).toBatch(List.of(packer.next()));
            StringBuilder counted = new StringBuilder();
            for (int t = 0; t < batch.sequenceLength(); t++) {
                if (batch.lossMask()[0][t]) {
                    counted.append(ChatVocabulary.decode(new int[] {batch.targetTokens()[0][t]}));
                }
            }
            // The counted targets are exactly the answers, each followed by <end>, of the packed conversations.
            StringBuilder expected = new StringBuilder();
            List<ChatTask.Conversation> conversations = ChatTask.conversations(DemoDataset.TRAINING_SEED, 10);
            int used = 0;
            int length = 0;
            for (ChatTask.Conversation conversation : conversations) {
                if (conversation.tokens().length > 65) {
                    continue;
                }
                if (length + conversation.tokens().length > 65) {
                    break;
                }
                length += conversation.tokens().length;
                used++;
                for (ChatTask.Exchange exchange : conversation.exchanges()) {
                    expected.append(exchange.answer()).append("<end>");
                }
            }
            assertTrue(used >= 1);
            assertEquals(expected.toString(), counted.toString());
            assertFalse(counted.toString().contains("<user>") || counted.toString().contains("<assistant>"));
        }
    }
}
