package org.trainbench.ui.editor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.eclipse.jface.viewers.DelegatingStyledCellLabelProvider;
import org.eclipse.jface.viewers.DelegatingStyledCellLabelProvider.IStyledLabelProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.ITreeContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.SelectionChangedEvent;
import org.eclipse.jface.viewers.StyledString;
import org.eclipse.jface.viewers.TreePath;
import org.eclipse.jface.viewers.TreeSelection;
import org.eclipse.jface.viewers.TreeViewer;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.TreeItem;
import org.eclipse.ui.ISharedImages;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.views.contentoutline.ContentOutlinePage;
import org.trainbench.dsl.ide.outline.ConfigOutline.Kind;
import org.trainbench.dsl.ide.outline.ConfigOutline.OutlineNode;

/**
 * The Outline view's page for a config: its keys as a tree (sections with their key count,
 * values with their value), replaced after every re-parse with the expanded sections kept open.
 * Choosing a node selects its key in the editor; moving the caret selects the node it is in.
 */
final class ConfigOutlinePage extends ContentOutlinePage {

	private final ConfigEditor editor;
	private List<OutlineNode> nodes;
	/** Set while the tree is refilled, so that the selection it restores does not move the editor. */
	private boolean updating;

	ConfigOutlinePage(ConfigEditor editor, List<OutlineNode> nodes) {
		this.editor = editor;
		this.nodes = nodes;
	}

	@Override
	public void createControl(Composite parent) {
		super.createControl(parent);
		TreeViewer viewer = getTreeViewer();
		viewer.setContentProvider(new ITreeContentProvider() {
			@Override
			public Object[] getElements(Object input) {
				return ((List<?>) input).toArray();
			}

			@Override
			public Object[] getChildren(Object parent) {
				return ((OutlineNode) parent).children().toArray();
			}

			@Override
			public Object getParent(Object element) {
				return null;
			}

			@Override
			public boolean hasChildren(Object element) {
				return !((OutlineNode) element).children().isEmpty();
			}
		});
		viewer.setLabelProvider(new DelegatingStyledCellLabelProvider(new NodeLabels()));
		viewer.setUseHashlookup(false);
		viewer.setInput(nodes == null ? List.of() : nodes);
		viewer.expandToLevel(2);
	}

	/** Shows the outline of the latest parse; sections open before stay open. */
	void update(List<OutlineNode> next) {
		nodes = next;
		TreeViewer viewer = getTreeViewer();
		if (viewer == null || viewer.getControl().isDisposed()) {
			return;
		}
		Set<List<String>> expanded = new HashSet<>();
		for (TreePath path : viewer.getExpandedTreePaths()) {
			expanded.add(names(path));
		}
		updating = true;
		viewer.getControl().setRedraw(false);
		try {
			viewer.setInput(next);
			expand(viewer, next, new ArrayList<>(), expanded);
		} finally {
			viewer.getControl().setRedraw(true);
			updating = false;
		}
	}

	private static void expand(TreeViewer viewer, List<OutlineNode> level, List<Object> parents, Set<List<String>> expanded) {
		for (OutlineNode node : level) {
			if (node.children().isEmpty()) {
				continue;
			}
			List<Object> path = new ArrayList<>(parents);
			path.add(node);
			if (expanded.contains(names(new TreePath(path.toArray())))) {
				viewer.setExpandedState(new TreePath(path.toArray()), true);
				expand(viewer, node.children(), path, expanded);
			}
		}
	}

	private static List<String> names(TreePath path) {
		List<String> names = new ArrayList<>();
		for (int i = 0; i < path.getSegmentCount(); i++) {
			names.add(((OutlineNode) path.getSegment(i)).name());
		}
		return names;
	}

	/**
	 * Selects the innermost node whose entry contains {@code offset} (the caret), so that the
	 * outline follows the editor; the editor's selection is left as it is.
	 */
	void reveal(int offset) {
		TreeViewer viewer = getTreeViewer();
		if (viewer == null || viewer.getControl().isDisposed() || nodes == null) {
			return;
		}
		List<Object> path = new ArrayList<>();
		List<OutlineNode> level = nodes;
		while (level != null) {
			OutlineNode hit = null;
			for (OutlineNode node : level) {
				if (offset >= node.offset() && offset < node.offset() + Math.max(1, node.length())) {
					hit = node;
					break;
				}
			}
			if (hit == null) {
				break;
			}
			path.add(hit);
			level = hit.children();
		}
		if (path.isEmpty()) {
			return;
		}
		TreeSelection selection = new TreeSelection(new TreePath(path.toArray()));
		if (selection.equals(viewer.getSelection())) {
			return;
		}
		updating = true;
		try {
			viewer.setSelection(selection, true);
		} finally {
			updating = false;
		}
	}

	@Override
	public void selectionChanged(SelectionChangedEvent event) {
		super.selectionChanged(event);
		if (!updating && event.getSelection() instanceof IStructuredSelection selection
				&& selection.getFirstElement() instanceof OutlineNode node) {
			editor.selectAndReveal(node.selectionOffset(), node.selectionLength());
		}
	}

	/** The tree (for tests: the page's own accessor is protected). */
	TreeViewer viewer() {
		return getTreeViewer();
	}

	/** The tree's top-level labels, as shown (for tests and diagnostics). */
	List<String> topLevelLabels() {
		List<String> labels = new ArrayList<>();
		for (TreeItem item : getTreeViewer().getTree().getItems()) {
			labels.add(item.getText());
		}
		return labels;
	}

	/** "key" in the default colour and the detail ("3 keys", the value) in the decoration colour. */
	private static final class NodeLabels extends LabelProvider implements IStyledLabelProvider {
		@Override
		public StyledString getStyledText(Object element) {
			OutlineNode node = (OutlineNode) element;
			StyledString text = new StyledString(node.name());
			if (node.detail() != null && !node.detail().isEmpty()) {
				text.append(node.kind() == Kind.VALUE ? ": " + node.detail() : "  " + node.detail(),
						StyledString.DECORATIONS_STYLER);
			}
			return text;
		}

		@Override
		public String getText(Object element) {
			return getStyledText(element).getString();
		}

		@Override
		public Image getImage(Object element) {
			ISharedImages images = PlatformUI.getWorkbench().getSharedImages();
			return images.getImage(((OutlineNode) element).kind() == Kind.SECTION ? ISharedImages.IMG_OBJ_FOLDER
					: ISharedImages.IMG_OBJ_ELEMENT);
		}
	}
}
