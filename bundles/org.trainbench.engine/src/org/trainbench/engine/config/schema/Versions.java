package org.trainbench.engine.config.schema;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The Fast-LLM versions whose configs have this key (where it is declared). Keys without it exist in every form.
 * Completion proposes a key only in documents of its forms, and a config that writes keys of forms with no version
 * in common is reported once ({@code mixed-forms}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface Versions {
    FastLlmVersion[] value();
}
