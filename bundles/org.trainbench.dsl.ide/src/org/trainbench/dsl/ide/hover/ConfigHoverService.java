package org.trainbench.dsl.ide.hover;

import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Range;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.hover.IHoverService;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;

/** {@link ConfigHover} as Xtext's (language server) hover service. */
public class ConfigHoverService implements IHoverService {

	@Override
	public Hover hover(Document document, XtextResource resource, HoverParams params, CancelIndicator cancelIndicator) {
		int offset = document.getOffSet(params.getPosition());
		return ConfigHover.at(resource, offset)
				.map(hover -> new Hover(new MarkupContent(MarkupKind.MARKDOWN, hover.markdown()),
						new Range(document.getPosition(hover.offset()), document.getPosition(hover.offset() + hover.length()))))
				.orElse(IHoverService.EMPTY_HOVER);
	}
}
