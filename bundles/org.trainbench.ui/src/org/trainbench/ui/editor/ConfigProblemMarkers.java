package org.trainbench.ui.editor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IWorkspaceRunnable;
import org.eclipse.core.resources.WorkspaceJob;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.xtext.diagnostics.Severity;
import org.eclipse.xtext.validation.Issue;
import org.trainbench.dsl.ide.ConfigEditorServices;

/**
 * The config's problems as markers of type {@link #TYPE} (a problem marker, so the Problems view
 * lists them) on the edited workspace file: replaced after every re-parse while the editor is
 * open, so they follow the typing, and re-computed from the saved file when the editor closes, so
 * that what stays in the Problems view describes the file on disk rather than discarded edits.
 * Markers are not persistent (plugin.xml): they are computed again when the file is opened.
 *
 * <p>A file outside the workspace is edited through a link in {@link ExternalConfigFiles#PROJECT};
 * its markers carry the real path and line in {@link IMarker#LOCATION} and go with the link when
 * the editor closes.
 */
final class ConfigProblemMarkers {

	/** The marker type declared in plugin.xml. */
	static final String TYPE = "org.trainbench.ui.configProblem";
	/** The engine's issue code (IssueCodes) of the problem. */
	static final String CODE = "code";

	private ConfigProblemMarkers() {
	}

	/** Replaces the file's config markers by the snapshot's issues, in a job (one at a time per project, in order). */
	static void replace(IFile file, ConfigSnapshot snapshot) {
		schedule(file, "Update config problems of " + file.getName(), monitor -> write(file, snapshot.text(), snapshot.issues()));
	}

	/**
	 * After the editor closed: re-checks a workspace file as saved on disk and replaces its markers;
	 * removes the link of a file outside the workspace, and its markers with it.
	 */
	static void editorClosed(IFile file, Path location) {
		if (ExternalConfigFiles.isLink(file)) {
			schedule(file, "Remove the link of " + file.getName(), monitor -> ExternalConfigFiles.unlink(file));
			return;
		}
		// Read and validate without a scheduling rule (it may read a pretrained config.json and check the dataset
		// paths); only writing the markers takes the project's rule, so an editor opening meanwhile does not wait.
		Job check = Job.create("Check saved config " + file.getName(), monitor -> {
			if (location == null || !Files.isRegularFile(location)) {
				schedule(file, "Remove config problems of " + file.getName(),
						m -> file.deleteMarkers(TYPE, false, IResource.DEPTH_ZERO));
				return;
			}
			String text;
			try {
				text = Files.readString(location, StandardCharsets.UTF_8);
			} catch (IOException e) {
				throw new CoreException(Status.error("Cannot read " + location + ": " + e.getMessage(), e));
			}
			ConfigEditorServices services = ConfigEditorServices.create();
			List<Issue> issues = services.validate(services.parse(text, location));
			schedule(file, "Update config problems of " + file.getName(), m -> write(file, text, issues));
		});
		check.setSystem(true);
		check.schedule();
	}

	private static void schedule(IFile file, String name, IWorkspaceRunnable work) {
		WorkspaceJob job = new WorkspaceJob(name) {
			@Override
			public IStatus runInWorkspace(IProgressMonitor monitor) throws CoreException {
				if (file.exists()) {
					work.run(monitor);
				}
				return Status.OK_STATUS;
			}
		};
		// the project, not the file: closing an external file's editor deletes its link, which needs the parent's rule
		job.setRule(file.getProject());
		job.setSystem(true);
		job.schedule();
	}

	/** Deletes the old markers and creates one per issue; runs inside one workspace operation, so one delta. */
	static void write(IFile file, String text, List<Issue> issues) throws CoreException {
		file.deleteMarkers(TYPE, false, IResource.DEPTH_ZERO);
		boolean external = ExternalConfigFiles.isLink(file);
		for (Issue issue : issues) {
			int offset = issue.getOffset() == null ? 0 : Math.min(issue.getOffset(), text.length());
			int length = issue.getLength() == null ? 0 : Math.max(0, issue.getLength());
			int line = issue.getLineNumber() != null ? issue.getLineNumber() : lineOf(text, offset);
			Map<String, Object> attributes = new HashMap<>();
			attributes.put(IMarker.MESSAGE, issue.getMessage());
			attributes.put(IMarker.SEVERITY, severity(issue.getSeverity()));
			attributes.put(IMarker.LINE_NUMBER, line);
			attributes.put(IMarker.CHAR_START, offset);
			attributes.put(IMarker.CHAR_END, Math.min(offset + length, text.length()));
			if (issue.getCode() != null) {
				attributes.put(CODE, issue.getCode());
			}
			if (external && file.getLocation() != null) {
				attributes.put(IMarker.LOCATION, "line " + line + " of " + file.getLocation().toOSString());
			}
			// created with its attributes in one step: a reader never sees a marker without its message or line
			file.createMarker(TYPE, attributes);
		}
	}

	private static int severity(Severity severity) {
		return switch (severity) {
			case ERROR -> IMarker.SEVERITY_ERROR;
			case WARNING -> IMarker.SEVERITY_WARNING;
			default -> IMarker.SEVERITY_INFO;
		};
	}

	private static int lineOf(String text, int offset) {
		int line = 1;
		for (int i = 0; i < offset; i++) {
			if (text.charAt(i) == '\n') {
				line++;
			}
		}
		return line;
	}
}
