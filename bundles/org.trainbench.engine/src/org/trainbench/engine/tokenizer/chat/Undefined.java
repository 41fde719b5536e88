package org.trainbench.engine.tokenizer.chat;

/** Jinja's undefined: renders as nothing, is false, and fails when used in arithmetic or attribute access. */
enum Undefined {
    INSTANCE
}
