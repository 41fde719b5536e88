package org.trainbench.dsl.parser;

import org.eclipse.xtext.conversion.IValueConverter;
import org.eclipse.xtext.conversion.ValueConverter;
import org.eclipse.xtext.conversion.impl.AbstractDeclarativeValueConverterService;

/** Plain scalars keep their text; quoted scalars are unquoted and unescaped. */
public class ScalarValueConverters extends AbstractDeclarativeValueConverterService {

	private final IValueConverter<String> quoted = new QuotedScalarConverter();

	@ValueConverter(rule = "SINGLE_QUOTED")
	public IValueConverter<String> singleQuoted() {
		return quoted;
	}

	@ValueConverter(rule = "DOUBLE_QUOTED")
	public IValueConverter<String> doubleQuoted() {
		return quoted;
	}
}
