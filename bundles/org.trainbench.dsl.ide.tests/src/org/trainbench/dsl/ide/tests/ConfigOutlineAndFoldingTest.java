package org.trainbench.dsl.ide.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.trainbench.dsl.ide.tests.Configs.SERVICES;

import java.util.List;

import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.xtext.ide.editor.folding.FoldingRange;
import org.eclipse.xtext.ide.editor.folding.FoldingRangeKind;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.symbol.IDocumentSymbolService;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.util.CancelIndicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.trainbench.dsl.ide.outline.ConfigOutline.Kind;
import org.trainbench.dsl.ide.outline.ConfigOutline.OutlineNode;

import com.google.inject.Inject;

/** Outline (document symbols) and folding regions. */
@ExtendWith(InjectionExtension.class)
@InjectWith(TrainbenchConfigIdeInjectorProvider.class)
class ConfigOutlineAndFoldingTest {

	private static final String TEXT = """
			# a training config
			# in two sections
			batch:
			  batch_size: 32
			  cross_document_attention: no
			data:
			  split: [99, 1, 0]
			""";

	@Inject
	private IDocumentSymbolService symbols;

	@Test
	void theOutlineIsTheTreeOfKeysWithValuesAsDetail() {
		List<OutlineNode> outline = SERVICES.outline(SERVICES.parse(TEXT, null));
		assertEquals(List.of("batch", "data"), outline.stream().map(OutlineNode::name).toList());
		OutlineNode batch = outline.getFirst();
		assertEquals(Kind.SECTION, batch.kind());
		assertEquals("2 keys", batch.detail());
		assertEquals(TEXT.indexOf("batch:"), batch.selectionOffset());
		assertEquals(5, batch.selectionLength());
		assertEquals(TEXT.indexOf("\ndata:") - TEXT.indexOf("batch:"), batch.length());
		assertEquals(List.of("batch_size=32", "cross_document_attention=no"),
				batch.children().stream().map(n -> n.name() + "=" + n.detail()).toList());
		OutlineNode split = outline.get(1).children().getFirst();
		assertEquals(Kind.LIST, split.kind());
		assertEquals("[99, 1, 0]", split.detail());
	}

	@Test
	void theOutlineFollowsADocumentWithSyntaxErrors() {
		List<OutlineNode> outline = SERVICES.outline(SERVICES.parse("a: &x 1\nb:\n  c: 2\n", null));
		assertEquals(List.of("a", "b"), outline.stream().map(OutlineNode::name).toList());
		assertEquals("c", outline.get(1).children().getFirst().name());
	}

	@Test
	void theDocumentSymbolServiceGivesTheOutline() {
		XtextResource resource = SERVICES.parse(TEXT, null);
		List<DocumentSymbol> result = symbols.getSymbols(new Document(1, TEXT), resource,
				new DocumentSymbolParams(new TextDocumentIdentifier("inmemory:/config.yaml")), CancelIndicator.NullImpl);
		assertEquals(List.of("batch", "data"), result.stream().map(DocumentSymbol::getName).toList());
		assertEquals(2, result.getFirst().getSelectionRange().getStart().getLine());
		assertEquals(List.of("batch_size", "cross_document_attention"),
				result.getFirst().getChildren().stream().map(DocumentSymbol::getName).toList());
	}

	@Test
	void multiLineKeysAndCommentRunsFold() {
		List<FoldingRange> ranges = List.copyOf(SERVICES.folding(SERVICES.parse(TEXT, null)));
		FoldingRange comments = ranges.getFirst();
		assertEquals(FoldingRangeKind.COMMENT, comments.getKind());
		assertEquals(0, comments.getOffset());
		assertEquals("# a training config\n# in two sections".length(), comments.getLength());
		List<String> folded = ranges.stream().skip(1)
				.map(r -> TEXT.substring(r.getOffset(), r.getOffset() + r.getLength())).toList();
		assertEquals(List.of("batch:\n  batch_size: 32\n  cross_document_attention: no", "data:\n  split: [99, 1, 0]"), folded);
	}
}
