package org.trainbench.dsl.formatting2;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.xtext.formatting2.FormatterRequest;
import org.eclipse.xtext.formatting2.IFormatter2;
import org.eclipse.xtext.formatting2.regionaccess.ITextRegionAccess;
import org.eclipse.xtext.formatting2.regionaccess.ITextReplacement;
import org.eclipse.xtext.util.ITextRegion;

/**
 * The formatter of configs as Xtext's {@link IFormatter2}: the {@link ConfigLayout} of the text,
 * as one replacement per line that changes (a line that goes takes its line break along). Text
 * with syntax errors is left alone: in YAML, indentation is structure, and a broken structure must
 * not be re-indented. Regions of the request limit the lines that change.
 *
 * <p>Not built on AbstractFormatter2: its hidden-region model does not know that whitespace before
 * a line's first token is block structure in this language.
 */
public class TrainbenchConfigFormatter implements IFormatter2 {

	@Override
	public List<ITextReplacement> format(FormatterRequest request) {
		ITextRegionAccess access = request.getTextRegionAccess();
		if (access.hasSyntaxError()) {
			return List.of();
		}
		String text = access.regionForDocument().getText();
		List<ITextReplacement> replacements = new ArrayList<>();
		for (ConfigLayout.Line line : ConfigLayout.lines(text)) {
			if (line.start() == text.length() || !selected(request, line)) {
				continue; // nothing after the last line break
			}
			if (line.formatted() == null) {
				int end = line.end() < text.length() ? text.indexOf('\n', line.end()) + 1 : line.end();
				replacements.add(access.getRewriter().createReplacement(line.start(), end - line.start(), ""));
			} else {
				// the last line gets the line break a text ends with
				String formatted = line.end() == text.length() ? line.formatted() + "\n" : line.formatted();
				if (!formatted.equals(text.substring(line.start(), line.end()))) {
					replacements.add(access.getRewriter().createReplacement(line.start(), line.end() - line.start(),
							formatted));
				}
			}
		}
		return replacements;
	}

	private static boolean selected(FormatterRequest request, ConfigLayout.Line line) {
		if (request.getRegions().isEmpty()) {
			return true;
		}
		for (ITextRegion region : request.getRegions()) {
			if (region.getOffset() <= line.end() && line.start() <= region.getOffset() + region.getLength()) {
				return true;
			}
		}
		return false;
	}
}
