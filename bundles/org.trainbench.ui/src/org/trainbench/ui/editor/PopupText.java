package org.trainbench.ui.editor;

/**
 * Documentation text for the editor's popups (completion details, hover). The language services
 * write one paragraph per line; the popups show text as it comes and clip what is wider than
 * they are, so long lines are broken at spaces here.
 */
final class PopupText {

	/** Characters per line: the completion details popup shows about this many at the default font. */
	static final int WIDTH = 56;

	private PopupText() {
	}

	/** {@code text} with every line longer than {@link #WIDTH} broken at its last space before the limit. */
	static String wrapped(String text) {
		if (text == null) {
			return null;
		}
		StringBuilder out = new StringBuilder();
		String[] lines = text.split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			if (i > 0) {
				out.append('\n');
			}
			String line = lines[i];
			while (line.length() > WIDTH) {
				int cut = line.lastIndexOf(' ', WIDTH);
				if (cut <= 0) {
					cut = line.indexOf(' ', WIDTH);
					if (cut < 0) {
						break;
					}
				}
				out.append(line, 0, cut).append('\n');
				line = line.substring(cut + 1);
			}
			out.append(line);
		}
		return out.toString();
	}
}
