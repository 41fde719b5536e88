package org.trainbench.engine.config.schema;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The table of every declared config key for docs/CONFIG.md: which Fast-LLM versions write it, and what Trainbench
 * does with it (runs it, runs it read as another form's key, ignores it with a warning, refuses it with an error, or
 * reads it as a legacy form). Generated from the schema, so that the documentation cannot drift from it.
 */
public final class KeyTable {

    private KeyTable() {
    }

    /** The Markdown table of training then data-preparation keys. */
    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| Key | Fast-LLM | Trainbench |\n|-----|----------|------------|\n");
        for (SchemaKey root : List.of(ConfigSchema.training(), ConfigSchema.preparation())) {
            rows(root, EnumSet.allOf(FastLlmVersion.class), root == ConfigSchema.preparation() ? "(prepare) " : "", null, out);
        }
        return out.toString();
    }

    /** @param within the legacy or not-honoured section these keys are read or refused with; null when none */
    private static void rows(SchemaKey section, Set<FastLlmVersion> inherited, String prefix, SchemaKey within, StringBuilder out) {
        List<SchemaKey> children = new ArrayList<>(section.children());
        if (section.type() == ValueType.MAP || section.type() == ValueType.LIST) {
            children = section.element().type() == ValueType.SECTION ? section.element().children() : List.of();
        }
        for (SchemaKey key : children) {
            Set<FastLlmVersion> versions = EnumSet.copyOf(inherited);
            if (!key.versions().isEmpty()) {
                versions.retainAll(key.versions());
            }
            out.append("| `").append(prefix).append(key.path()).append("` | ").append(FastLlmVersion.describe(versions))
                    .append(" | ").append((within == null ? trainbench(key, versions) : "as its section, `" + prefix + within.path() + "`")
                            .replace("|", "\\|")).append(" |\n");
            if (key.type() == ValueType.SECTION || key.type() == ValueType.MAP || key.type() == ValueType.LIST) {
                rows(key, versions, prefix, within != null ? within
                        : key.isLegacy() || key.notHonoured().isPresent() ? key : null, out);
            }
        }
    }

    private static String trainbench(SchemaKey key, Set<FastLlmVersion> versions) {
        if (key.isLegacy()) {
            SchemaKey.LegacyInfo legacy = key.legacy().orElseThrow();
            return "legacy form, read with a warning as `" + legacy.replacedByPath() + "`"
                    + (legacy.note().isEmpty() ? "" : " (" + legacy.note() + ")");
        }
        Optional<SchemaKey.NotHonouredInfo> notHonoured = key.notHonoured();
        if (notHonoured.isPresent()) {
            SchemaKey.NotHonouredInfo info = notHonoured.get();
            List<String> fine = new ArrayList<>();
            key.defaultValue().ifPresent(fine::add);
            fine.addAll(info.accepts());
            String unless = fine.isEmpty() ? "unset" : String.join(" or ", fine);
            return (info.changesResults() ? "refused (error) unless " : "ignored (warning) unless ") + unless + ": "
                    + info.instead();
        }
        if (!versions.contains(FastLlmVersion.V0_2)) {
            for (FormMapping.Correspondence c : FormMapping.CORRESPONDENCES) {
                if (key.path().equals(c.later()) || key.path().startsWith(c.later() + ".")) {
                    return "runs, read as `" + c.seeds() + key.path().substring(c.later().length()) + "`";
                }
            }
        }
        if (!key.engineSupports().isEmpty()) {
            return "runs " + String.join(", ", key.engineSupports()) + "; other values: warning, refused at launch";
        }
        return "runs";
    }
}
