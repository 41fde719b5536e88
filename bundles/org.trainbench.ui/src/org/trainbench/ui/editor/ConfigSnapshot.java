package org.trainbench.ui.editor;

import java.nio.file.Path;
import java.util.List;

import org.eclipse.xtext.ide.editor.folding.FoldingRange;
import org.eclipse.xtext.validation.Issue;
import org.trainbench.dsl.ide.outline.ConfigOutline.OutlineNode;

/**
 * What the language services computed from one version of the document: the diagnostics (for
 * annotations, markers and semantic colouring), the outline and the folding ranges. Offsets are in
 * {@link #text}; the editor applies a snapshot only while the document still reads that text.
 *
 * @param text    the document text the services parsed
 * @param file    the file whose directory relative paths were checked against
 * @param issues  syntax errors or the engine's diagnostics
 * @param outline the keys as a tree
 * @param folding the foldable ranges, by start offset
 */
public record ConfigSnapshot(String text, Path file, List<Issue> issues, List<OutlineNode> outline,
		List<FoldingRange> folding) {
}
