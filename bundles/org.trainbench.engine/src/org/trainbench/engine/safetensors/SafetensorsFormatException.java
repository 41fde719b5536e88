package org.trainbench.engine.safetensors;

/** A safetensors file or Hugging Face model directory that does not have the expected form; the message says where. */
public class SafetensorsFormatException extends IllegalArgumentException {
    public SafetensorsFormatException(String message) {
        super(message);
    }
}
