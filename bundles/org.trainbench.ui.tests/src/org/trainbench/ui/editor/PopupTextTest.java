package org.trainbench.ui.editor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PopupTextTest {

	@Test
	void longLinesBreakAtTheLastSpaceBeforeTheWidthAndShortLinesStay() {
		String paragraph = "Sequences per micro-batch, i.e. per forward and backward pass on each data-parallel GPU.";
		String wrapped = PopupText.wrapped(paragraph + "\n\nType: integer >= 1\nDefault: 1");
		assertEquals("""
				Sequences per micro-batch, i.e. per forward and backward
				pass on each data-parallel GPU.

				Type: integer >= 1
				Default: 1""", wrapped);
		for (String line : wrapped.split("\n")) {
			assertTrue(line.length() <= PopupText.WIDTH, line);
		}
	}

	@Test
	void aWordLongerThanTheWidthStaysWhole() {
		String path = "/very/long/path/".repeat(6);
		assertEquals(path + "\nis missing", PopupText.wrapped(path + " is missing"));
	}

	@Test
	void markdownIsDrawnAsBoldAndLineBreaksWithCodeAsItsTextAndAnglesAsText() {
		assertEquals("<b>training.logs</b><br><br>Type: integer &gt;= 1 &amp; &lt;= 8<br>Write batch.micro_batch_size.",
				PopupText.html("**`training.logs`**\n\nType: integer >= 1 & <= 8\nWrite `batch.micro_batch_size`."));
	}
}
