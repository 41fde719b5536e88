package org.trainbench.dsl.ide.outline;

import java.util.List;

import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.symbol.IDocumentSymbolService;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;
import org.trainbench.dsl.ide.outline.ConfigOutline.OutlineNode;

/** {@link ConfigOutline} as Xtext's (language server) document symbol service. */
public class ConfigDocumentSymbolService implements IDocumentSymbolService {

	@Override
	public List<DocumentSymbol> getSymbols(Document document, XtextResource resource, DocumentSymbolParams params,
			CancelIndicator cancelIndicator) {
		return ConfigOutline.of(resource).stream().map(node -> symbol(document, node)).toList();
	}

	private static DocumentSymbol symbol(Document document, OutlineNode node) {
		SymbolKind kind = switch (node.kind()) {
			case SECTION -> SymbolKind.Module;
			case LIST -> SymbolKind.Array;
			case VALUE -> SymbolKind.Property;
			case ITEM -> SymbolKind.Object;
		};
		DocumentSymbol symbol = new DocumentSymbol(node.name(), kind, range(document, node.offset(), node.length()),
				range(document, node.selectionOffset(), node.selectionLength()), node.detail());
		symbol.setChildren(node.children().stream().map(child -> symbol(document, child)).toList());
		return symbol;
	}

	private static Range range(Document document, int offset, int length) {
		return new Range(document.getPosition(offset), document.getPosition(offset + length));
	}
}
