package org.trainbench.dsl.ide.tests;

import org.eclipse.xtext.testing.IInjectorProvider;
import org.trainbench.dsl.ide.ConfigEditorServices;

import com.google.inject.Injector;

/** The IDE injector the editor uses ({@link ConfigEditorServices#injector()}), for Xtext's test extension. */
public class TrainbenchConfigIdeInjectorProvider implements IInjectorProvider {

	@Override
	public Injector getInjector() {
		return ConfigEditorServices.injector();
	}
}
