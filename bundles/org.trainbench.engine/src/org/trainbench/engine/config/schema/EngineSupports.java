package org.trainbench.engine.config.schema;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The subset of a key's Fast-LLM values that Trainbench's engine can run (it implements Llama-family models). The
 * config language accepts every Fast-LLM value; the checker warns about the others before a GPU is allocated.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface EngineSupports {
    /** Supported values, as written in YAML ({@code "silu"}, {@code "false"}). */
    String[] value();
}
