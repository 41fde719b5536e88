package org.trainbench.engine.config.schema;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A path the run reads, which should exist before launch (checked relative to the config file's directory). Outputs
 * such as {@code run.experiment_dir} are plain paths without this mark.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface InputPath {
    /**
     * The value may also name a Hugging Face Hub dataset or model ({@code org/name}); only values that look local
     * ({@code ./x}, {@code ../x}, {@code /x}, {@code ~/x}) are checked then.
     */
    boolean hubNameAllowed() default false;
}
