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

	/**
	 * The language services' Markdown as the HTML the popups' presenter draws (JFace's HTMLTextPresenter): lines
	 * {@link #wrapped(String) wrapped}, {@code **bold**} in bold, {@code `code`} as its text, line breaks kept, and
	 * {@code <}, {@code >} and {@code &} written as text.
	 */
	static String html(String markdown) {
		if (markdown == null) {
			return null;
		}
		String text = wrapped(markdown).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
		StringBuilder out = new StringBuilder();
		boolean bold = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '*' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
				out.append(bold ? "</b>" : "<b>");
				bold = !bold;
				i++;
			} else if (c == '`') {
				// Code has no style of its own in the presenter: the backticks go, the text stays.
			} else if (c == '\n') {
				out.append("<br>");
			} else {
				out.append(c);
			}
		}
		if (bold) {
			out.append("</b>");
		}
		return out.toString();
	}
}
