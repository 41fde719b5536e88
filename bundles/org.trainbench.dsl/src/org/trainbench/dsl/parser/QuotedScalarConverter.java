package org.trainbench.dsl.parser;

import org.eclipse.xtext.conversion.IValueConverter;
import org.eclipse.xtext.conversion.ValueConverterException;
import org.eclipse.xtext.nodemodel.INode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * The value of a single- or double-quoted scalar. The engine's parser reads the token, so quote
 * doubling and escape sequences have one definition, and a bad escape gets the engine's message.
 */
public class QuotedScalarConverter implements IValueConverter<String> {

	@Override
	public String toValue(String string, INode node) throws ValueConverterException {
		if (string == null) {
			return null;
		}
		try {
			YamlNode parsed = YamlParser.parse(string);
			if (parsed instanceof ScalarNode scalar && scalar.style() != ScalarNode.Style.PLAIN) {
				return scalar.text();
			}
			throw new ValueConverterException("not a quoted scalar: " + string, node, null);
		} catch (YamlSyntaxException e) {
			// the reason without the engine's position prefix: Xtext places the error itself
			throw new ValueConverterException(e.reason(), node, null);
		}
	}

	@Override
	public String toString(String value) throws ValueConverterException {
		return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + '"';
	}
}
