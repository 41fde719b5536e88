package org.trainbench.dsl;

import org.eclipse.xtext.conversion.IValueConverterService;
import org.eclipse.xtext.parser.IParser;
import org.eclipse.xtext.parser.antlr.ISyntaxErrorMessageProvider;
import org.eclipse.xtext.parser.antlr.Lexer;
import org.eclipse.xtext.parser.antlr.LexerBindings;
import org.trainbench.dsl.parser.ScalarValueConverters;
import org.trainbench.dsl.parser.TrainbenchConfigSyntaxErrorMessages;
import org.trainbench.dsl.parser.antlr.ConfigParser;
import org.trainbench.dsl.parser.antlr.TrainbenchConfigLexer;

import com.google.inject.Binder;
import com.google.inject.name.Names;

/** Runtime services of the config language. */
public class TrainbenchConfigRuntimeModule extends AbstractTrainbenchConfigRuntimeModule {

	@Override
	public Class<? extends IParser> bindIParser() {
		return ConfigParser.class;
	}

	@Override
	public Class<? extends Lexer> bindLexer() {
		return TrainbenchConfigLexer.class;
	}

	@Override
	public void configureRuntimeLexer(Binder binder) {
		binder.bind(Lexer.class).annotatedWith(Names.named(LexerBindings.RUNTIME)).to(TrainbenchConfigLexer.class);
	}

	@Override
	public Class<? extends IValueConverterService> bindIValueConverterService() {
		return ScalarValueConverters.class;
	}

	public Class<? extends ISyntaxErrorMessageProvider> bindISyntaxErrorMessageProvider() {
		return TrainbenchConfigSyntaxErrorMessages.class;
	}
}
