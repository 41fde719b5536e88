package org.trainbench.engine.config.schema;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A key from an older Fast-LLM config form: still read (with a warning), and rewritten to its replacement when the
 * config is bound, so that engine code reads only the current key.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface Legacy {
    /** The current key, relative to the record that declares the legacy one (e.g. {@code rotary.theta}). */
    String replacedBy();

    /** How the value maps to the replacement, for the warning (e.g. {@code "theta = exp(-rotary_embedding_scale)"}). */
    String note() default "";
}
