package org.trainbench.engine.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.json.Json;

/** Renderings equal transformers 5.17's apply_chat_template on the recorded templates and conversations. */
class ChatTemplateTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fixture() throws IOException {
        return (Map<String, Object>) Json.parse(Files.readString(TestFixtures.path("tokenizer/chat_templates.json")));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> conversation(Map<String, Object> fixture, int index) {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (Object m : (List<?>) ((List<?>) fixture.get("conversations")).get(index)) {
            messages.add((Map<String, Object>) m);
        }
        return messages;
    }

    @Test
    @SuppressWarnings("unchecked")
    void rendersEveryRecordedConversationExactlyAsTransformers() throws IOException {
        Map<String, Object> fixture = fixture();
        Map<String, Object> templates = (Map<String, Object>) fixture.get("templates");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Object item : (List<?>) fixture.get("renderings")) {
            Map<String, Object> r = (Map<String, Object>) item;
            ChatTemplate template = ChatTemplate.parse((String) templates.get(r.get("template")));
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("bos_token", fixture.get("bos_token"));
            variables.put("eos_token", fixture.get("eos_token"));
            variables.put("add_generation_prompt", r.get("add_generation_prompt"));
            String label = r.get("template") + " #" + r.get("conversation") + " gen=" + r.get("add_generation_prompt");
            List<Map<String, Object>> messages = conversation(fixture, ((Number) r.get("conversation")).intValue());
            checked++;
            try {
                String text = template.render(messages, variables, List.of("<|eot_id|>")).text();
                if (r.containsKey("error")) {
                    failures.add(label + ": expected error " + r.get("error") + " but rendered " + Json.write(text));
                } else if (!text.equals(r.get("text"))) {
                    failures.add(label + ":\n  expected " + Json.write(r.get("text")) + "\n  actual   " + Json.write(text));
                }
            } catch (ChatTemplateException e) {
                if (!e.getMessage().equals(r.get("error"))) {
                    failures.add(label + ": " + e.getMessage());
                }
            }
        }
        assertEquals(80, checked);
        assertEquals(List.of(), failures);
    }

    @Test
    @SuppressWarnings("unchecked")
    void assistantSpansCoverTrimmedContentAndTheEndOfTurnToken() throws IOException {
        Map<String, Object> fixture = fixture();
        Map<String, Object> templates = (Map<String, Object>) fixture.get("templates");
        ChatTemplate llama3 = ChatTemplate.parse((String) templates.get("llama3"));
        ChatTemplate.Rendering rendering = llama3.render(conversation(fixture, 1),
                Map.of("bos_token", "<|begin_of_text|>"), List.of("<|eot_id|>"));
        List<String> covered = new ArrayList<>();
        int[] cps = rendering.text().codePoints().toArray();
        for (int[] span : rendering.assistantSpans()) {
            covered.add(new String(cps, span[0], span[1] - span[0] + 1));
        }
        // contents " 4 " and "6": the template trims them, then writes <|eot_id|>
        assertEquals(List.of("4<|eot_id|>", "6<|eot_id|>"), covered);
    }

    @Test
    @SuppressWarnings("unchecked")
    void assistantSpansCountCodePointsNotUtf16Units() throws IOException {
        Map<String, Object> fixture = fixture();
        ChatTemplate chatml = ChatTemplate.parse((String) ((Map<String, Object>) fixture.get("templates")).get("chatml"));
        ChatTemplate.Rendering rendering = chatml.render(conversation(fixture, 2), Map.of(), List.of("<|im_end|>"));
        int[] span = rendering.assistantSpans().getFirst();
        String text = rendering.text();
        int begin = text.codePointCount(0, text.indexOf("古池や"));
        assertEquals(begin, span[0]);
        String expected = "古池や\n蛙飛び込む\n水の音 🐸<|im_end|>";
        assertEquals(begin + expected.codePointCount(0, expected.length()) - 1, span[1]);
    }

    @Test
    void llamaTwoTemplateRaisesOnRolesThatDoNotAlternate() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> templates = (Map<String, Object>) fixture().get("templates");
        ChatTemplate llama2 = ChatTemplate.parse((String) templates.get("llama2"));
        List<Map<String, Object>> messages = List.of(Map.of("role", "user", "content", "a"),
                Map.of("role", "user", "content", "b"));
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> llama2.render(messages, Map.of("bos_token", "<s>", "eos_token", "</s>"), List.of("</s>")));
        assertTrue(e.getMessage().contains("must alternate"), e.getMessage());
    }

    @Test
    void unsupportedTagIsReportedWithItsLine() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> ChatTemplate.parse("hello\n{% macro greet() %}hi{% endmacro %}"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("macro"), e.getMessage());
    }
}
