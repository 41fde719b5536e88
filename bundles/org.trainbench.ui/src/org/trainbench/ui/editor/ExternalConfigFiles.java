package org.trainbench.ui.editor;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.core.resources.IContainer;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IFolder;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IWorkspace;
import org.eclipse.core.resources.IWorkspaceRunnable;
import org.eclipse.core.resources.IWorkspaceRoot;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.resources.WorkspaceJob;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IPersistableElement;
import org.eclipse.ui.IURIEditorInput;
import org.eclipse.ui.part.FileEditorInput;

/**
 * Gives a config file outside the workspace a workspace file, so that its problems can be
 * markers in the Problems view like any other file's. Experiments live in ordinary directories
 * (the New Experiment wizard writes them anywhere and opens them with
 * {@code IDE.openEditorOnFileStore}); such a file is linked into the project {@link #PROJECT}
 * and edited through the link. Because {@code IDE.openEditorOnFileStore} looks up workspace
 * files for a location first, opening the same file again finds the editor that is already
 * open, and double-clicking a marker opens the file at its line as for any workspace file.
 *
 * <p>The link lives as long as the editor: when it closes, the link and its markers go (nothing
 * re-checks a file outside the workspace while no editor has it open, and engines, the CLI and
 * the wizard change or delete such files, so markers left behind would soon be wrong).
 */
final class ExternalConfigFiles {

	/** The project that holds the links; its Path column in the Problems view shows it. */
	static final String PROJECT = "External Configs";

	private ExternalConfigFiles() {
	}

	/**
	 * The input to edit: a workspace file's input for a local file outside the workspace
	 * (linked on first use), {@code input} itself otherwise or when there is no workspace. An
	 * editor that gets a link is counted as editing it ({@link #closed} ends that) in the same
	 * workspace operation that finds or makes the link: the job that removes a link when its last
	 * editor closes ({@link #unlink}) holds the project's rule, so it either finishes before (and
	 * the link is made again) or sees this editor and keeps the link.
	 */
	static IEditorInput inWorkspace(IEditorInput input) {
		if (input == null) {
			return input;
		}
		IFile file = input.getAdapter(IFile.class);
		if (file != null) {
			if (isLink(file)) {
				try {
					ResourcesPlugin.getWorkspace().run((IWorkspaceRunnable) monitor -> opened(file), file.getProject(),
							IWorkspace.AVOID_UPDATE, null);
				} catch (CoreException e) {
					ILog.get().warn("Cannot count the editor of " + file + ": " + e.getMessage(), e);
				}
			}
			return input;
		}
		if (!(input instanceof IURIEditorInput uriInput)) {
			return input;
		}
		URI uri = uriInput.getURI();
		if (uri == null || !"file".equals(uri.getScheme())) {
			return input;
		}
		try {
			IWorkspaceRoot root = ResourcesPlugin.getWorkspace().getRoot();
			IEditorInput[] edited = new IEditorInput[1];
			// the project's rule (the link job's), or the root's while the project itself has to be created
			IProject project = root.getProject(PROJECT);
			ResourcesPlugin.getWorkspace().run((IWorkspaceRunnable) monitor -> edited[0] = findOrLink(root, uri, input),
					project.isOpen() ? project : root,
					IWorkspace.AVOID_UPDATE, null);
			return edited[0];
		} catch (CoreException | IllegalStateException e) {
			// no workspace (started without an instance area) or it cannot be written: edit the
			// file directly; its problems are then shown as annotations only.
			ILog.get().warn("Config problems of " + uri + " are shown in the editor only, not in the Problems view: "
					+ e.getMessage(), e);
			return input;
		}
	}

	private static IEditorInput findOrLink(IWorkspaceRoot root, URI uri, IEditorInput input) throws CoreException {
		for (IFile existing : root.findFilesForLocationURI(uri)) {
			if (existing.isAccessible()) {
				if (!isLink(existing)) {
					return new FileEditorInput(existing);
				}
				opened(existing);
				return new LinkedFileInput(existing, input);
			}
		}
		IFile link = link(root, uri);
		opened(link);
		return new LinkedFileInput(link, input);
	}

	/**
	 * The input of a linked file. It is saved with the workbench as the file it links to (the
	 * original input's persistable), not as the link: links go when their editor closes, and
	 * the workbench reopens a remembered editor before anything could re-create one.
	 */
	static final class LinkedFileInput extends FileEditorInput {
		private final IEditorInput original;

		LinkedFileInput(IFile link, IEditorInput original) {
			super(link);
			this.original = original;
		}

		@Override
		public IPersistableElement getPersistable() {
			return original.getPersistable();
		}
	}

	/** True for a link made by {@link #inWorkspace}: every file of {@link #PROJECT} is one. */
	static boolean isLink(IFile file) {
		return PROJECT.equals(file.getProject().getName());
	}

	/**
	 * The link for {@code uri}: {@code External Configs/<directory>/<file name>}, in a virtual folder
	 * named after the file's directory (the experiment's name, for a wizard's config), so that the
	 * file keeps its own name and the Problems view's Path column says which experiment it is.
	 * Two directories of the same name get folders "name" and "name (2)".
	 */
	private static IFile link(IWorkspaceRoot root, URI uri) throws CoreException {
		IProject project = root.getProject(PROJECT);
		if (!project.exists()) {
			project.create(null);
		}
		if (!project.isOpen()) {
			project.open(null);
		}
		Path path = Path.of(uri);
		String name = path.getFileName().toString();
		String directory = path.getParent() == null || path.getParent().getFileName() == null ? "root"
				: path.getParent().getFileName().toString();
		for (int n = 1;; n++) {
			IFolder folder = project.getFolder(n == 1 ? directory : directory + " (" + n + ")");
			if (!folder.exists()) {
				folder.create(IResource.VIRTUAL, true, null);
			}
			IFile candidate = folder.getFile(name);
			if (!candidate.exists()) {
				candidate.createLink(uri, IResource.NONE, null);
				return candidate;
			}
			if (uri.equals(candidate.getLocationURI())) {
				return candidate;
			}
		}
	}

	/** Editors open on each link: a link is removed only when the last one has closed. */
	private static final Map<IFile, Integer> EDITORS = new ConcurrentHashMap<>();

	/** An editor started editing {@code link}; called by {@link #inWorkspace} only. */
	private static void opened(IFile link) {
		EDITORS.merge(link, 1, Integer::sum);
	}

	/** An editor stopped editing {@code link}. */
	static void closed(IFile link) {
		EDITORS.computeIfPresent(link, (file, count) -> count > 1 ? count - 1 : null);
	}

	/**
	 * Removes a link made by {@link #inWorkspace} (its markers go with it), and its folder once
	 * empty; a link that an editor has (re)opened since is kept.
	 */
	static void unlink(IFile link) throws CoreException {
		if (!isLink(link) || !link.exists() || EDITORS.containsKey(link)) {
			return;
		}
		IContainer folder = link.getParent();
		link.delete(false, null);
		if (folder instanceof IFolder virtual && virtual.isVirtual() && virtual.members().length == 0) {
			virtual.delete(false, null);
		}
	}

	/**
	 * Removes every link no editor counts: links of editors that were open when the workbench last
	 * exited (their removal jobs may not have run before the workspace was saved). A restored editor
	 * re-links its file when it is first shown. Runs as a workspace job under the project's rule.
	 */
	static void removeUnusedLinks() {
		IProject project;
		try {
			project = ResourcesPlugin.getWorkspace().getRoot().getProject(PROJECT);
		} catch (IllegalStateException noWorkspace) {
			return;
		}
		if (!project.isOpen()) {
			return;
		}
		WorkspaceJob job = new WorkspaceJob("Remove unused links of outside configs") {
			@Override
			public IStatus runInWorkspace(IProgressMonitor monitor) throws CoreException {
				List<IFile> links = new ArrayList<>();
				project.accept(resource -> {
					if (resource instanceof IFile file) {
						links.add(file);
					}
					return true;
				});
				for (IFile link : links) {
					unlink(link);
				}
				return Status.OK_STATUS;
			}
		};
		job.setRule(project);
		job.setSystem(true);
		job.schedule();
	}
}
