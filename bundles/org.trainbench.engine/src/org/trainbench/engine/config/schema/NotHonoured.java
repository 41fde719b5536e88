package org.trainbench.engine.config.schema;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A key Fast-LLM accepts but Trainbench's engine does not honour. Written with a value other than its default (or
 * the values in {@link #accepts()}), it is reported: a warning ({@code ignored-by-engine}) when a run computes the same
 * as Fast-LLM's anyway (logging, data loading, parallel layouts the engine runs as data parallel), an error
 * ({@code not-honoured-by-engine}) when the run would compute something different. The key's {@link Doc} says what it
 * does in Fast-LLM.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface NotHonoured {
    /** What Trainbench does instead, as a sentence ("Trainbench trains data parallel on the same GPUs."). */
    String value();

    /** Whether a run would compute something different from Fast-LLM's with the key set (then it is an error). */
    boolean changesResults() default false;

    /** Values, as written in YAML, that the engine runs as Fast-LLM does besides the default. */
    String[] accepts() default {};
}
