package org.trainbench.dsl.ide;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.resource.ResourceSet;
import org.eclipse.xtext.formatting2.FormatterRequest;
import org.eclipse.xtext.formatting2.IFormatter2;
import org.eclipse.xtext.formatting2.regionaccess.ITextReplacement;
import org.eclipse.xtext.formatting2.regionaccess.TextRegionAccessBuilder;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalAcceptor;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.eclipse.xtext.ide.editor.folding.FoldingRange;
import org.eclipse.xtext.ide.editor.folding.IFoldingRangeProvider;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.util.CancelIndicator;
import org.eclipse.xtext.util.TextRegion;
import org.eclipse.xtext.validation.CheckMode;
import org.eclipse.xtext.validation.IResourceValidator;
import org.eclipse.xtext.validation.Issue;
import org.trainbench.dsl.ide.hover.ConfigHover;
import org.trainbench.dsl.ide.hover.ConfigHover.HoverText;
import org.trainbench.dsl.ide.outline.ConfigOutline;
import org.trainbench.dsl.ide.outline.ConfigOutline.OutlineNode;
import org.trainbench.dsl.ide.quickfix.ConfigFixes;
import org.trainbench.dsl.ide.quickfix.ConfigFixes.Fix;
import org.trainbench.dsl.validation.IssueData;

import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Provider;

/**
 * The config language for an editor in the same process (the workbench's JFace editor): parse,
 * diagnostics, completion, hover, quick fixes, outline, formatting and folding, all by offsets in
 * the document text. Each method goes through the Xtext service bound in
 * {@link TrainbenchConfigIdeModule}, so the editor and a language server behave alike.
 *
 * <p>Get it with {@link #create()} (one injector per process). A resource belongs to one editor:
 * call {@link #update} after each text change, from one thread at a time.
 */
public class ConfigEditorServices {

	private static volatile Injector injector;

	@Inject
	private Provider<ResourceSet> resourceSets;
	@Inject
	private IResourceValidator validator;
	@Inject
	private IdeContentProposalProvider proposals;
	@Inject
	private Provider<IdeContentProposalAcceptor> proposalAcceptors;
	@Inject
	private Provider<ContentAssistContext.Builder> contextBuilders;
	@Inject
	private IFoldingRangeProvider folding;
	@Inject
	private Provider<IFormatter2> formatters;
	@Inject
	private Provider<TextRegionAccessBuilder> regionAccessBuilders;

	/** The services, with the language's injector (created on first use, EMF registration included). */
	public static ConfigEditorServices create() {
		return injector().getInstance(ConfigEditorServices.class);
	}

	/** The language's IDE injector, for services this class does not wrap. */
	public static Injector injector() {
		if (injector == null) {
			synchronized (ConfigEditorServices.class) {
				if (injector == null) {
					injector = new TrainbenchConfigIdeSetup().createInjectorAndDoEMFRegistration();
				}
			}
		}
		return injector;
	}

	/**
	 * Parses a config. {@code file} is where it lives: referenced paths (file-not-found, path
	 * completion) resolve against its directory; null for text without a file.
	 */
	public XtextResource parse(String text, Path file) {
		URI uri = file != null ? URI.createFileURI(file.toAbsolutePath().toString()) : URI.createURI("inmemory:/config.yaml");
		XtextResource resource = (XtextResource) resourceSets.get().createResource(uri);
		try {
			resource.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
					Map.of(XtextResource.OPTION_ENCODING, StandardCharsets.UTF_8.name()));
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return resource;
	}

	/** Replaces the resource's text (a full reparse: indentation makes partial parsing unsafe). */
	public void update(XtextResource resource, String text) {
		try {
			resource.reparse(text);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The document's text as last parsed. */
	public static String text(XtextResource resource) {
		return resource.getParseResult().getRootNode().getText();
	}

	/**
	 * Syntax errors, or else the engine's diagnostics: code ({@code Issue.getCode()}, an engine
	 * IssueCodes value), severity, message, offset/length and 1-based line/column.
	 */
	public List<Issue> validate(XtextResource resource) {
		return validator.validate(resource, CheckMode.ALL, CancelIndicator.NullImpl);
	}

	/**
	 * Completion proposals at {@code offset}, best first. Apply one by replacing the
	 * {@link ContentAssistEntry#getPrefix()} before the offset with {@link ContentAssistEntry#getProposal()};
	 * label, description (type and default) and documentation (Markdown) are for the popup.
	 */
	public List<ContentAssistEntry> complete(XtextResource resource, int offset) {
		ContentAssistContext.Builder builder = contextBuilders.get();
		builder.setOffset(offset);
		builder.setResource(resource);
		builder.setRootNode(resource.getParseResult().getRootNode());
		builder.setRootModel(resource.getParseResult().getRootASTElement());
		builder.setReplaceRegion(new TextRegion(offset, 0));
		builder.setPrefix("");
		IdeContentProposalAcceptor acceptor = proposalAcceptors.get();
		proposals.createProposals(List.of(builder.toContext()), acceptor);
		List<ContentAssistEntry> entries = new ArrayList<>();
		acceptor.getEntries().forEach(entries::add);
		return entries;
	}

	/** Hover text (Markdown) for the key or value at {@code offset}, with the region it describes. */
	public Optional<HoverText> hover(XtextResource resource, int offset) {
		return ConfigHover.at(resource, offset);
	}

	/** The quick fixes of an issue from {@link #validate}: each a label and one text change. */
	public List<Fix> quickFixes(XtextResource resource, Issue issue) {
		if (issue.getCode() == null || issue.getOffset() == null) {
			return List.of();
		}
		Map<String, String> data = IssueData.decode(issue.getData());
		ConfigFixes.Problem problem = new ConfigFixes.Problem(issue.getCode(), issue.getOffset(), issue.getLength(),
				data.getOrDefault(IssueData.KEY_PATH, ""), data);
		return ConfigFixes.forProblem(text(resource), problem);
	}

	/** The outline: keys as a tree, with full and key regions. */
	public List<OutlineNode> outline(XtextResource resource) {
		return ConfigOutline.of(resource);
	}

	/** The changes that format the document (none while it has syntax errors); apply them from the last to the first. */
	public List<ITextReplacement> format(XtextResource resource) {
		FormatterRequest request = new FormatterRequest();
		request.setTextRegionAccess(regionAccessBuilders.get().forNodeModel(resource).create());
		return formatters.get().format(request);
	}

	/** The document formatted. */
	public String formatted(XtextResource resource) {
		String text = text(resource);
		List<ITextReplacement> changes = new ArrayList<>(format(resource));
		changes.sort((a, b) -> Integer.compare(b.getOffset(), a.getOffset()));
		StringBuilder out = new StringBuilder(text);
		for (ITextReplacement change : changes) {
			out.replace(change.getOffset(), change.getEndOffset(), change.getReplacementText());
		}
		return out.toString();
	}

	/** Folding regions: multi-line keys and items, runs of comment lines. */
	public SortedSet<FoldingRange> folding(XtextResource resource) {
		return folding.getFoldingRanges(resource, CancelIndicator.NullImpl);
	}
}
