#!/usr/bin/env python3
"""PyYAML's reading and writing of YAML 1.1 scalars, as JSON, for the engine's YAML tests.

Fast-LLM reads configs with PyYAML (yaml.safe_load), so the engine's one set of scalar rules
(org.trainbench.engine.config.yaml.ScalarResolution) is pinned to what PyYAML does, case by case:

    python3 tools/reference/yaml_scalar_fixtures.py \
        bundles/org.trainbench.engine.tests/resources/yaml/pyyaml-scalars.json

"plain": for each text, what `key: TEXT` loads to: {"text", "type", "value"} with type one of
null, bool, int, float, str, date, datetime, error (PyYAML raises while constructing); int values
are decimal strings (they may exceed 64 bits), float values are repr() strings ("inf", "nan").
"dumped_floats": for each float, the scalar yaml.safe_dump writes for it.
"""
import json
import math
import sys
import datetime

import yaml

PLAIN = [
    # booleans (y/n are booleans in the YAML 1.1 spec, but not in PyYAML)
    "yes", "Yes", "YES", "yEs", "no", "No", "NO", "true", "True", "TRUE", "tRUE", "false", "False", "FALSE",
    "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    # null
    "~", "null", "Null", "NULL", "nULL", "none", "None",
    # integers: decimal, octal, hexadecimal, binary, sexagesimal, underscores
    "0", "-0", "+0", "7", "+7", "-3", "4096", "100_000", "1_000_000_000_000", "9223372036854775807",
    "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
    "010", "012", "-010", "0_7", "00", "08", "09", "0o10", "0x1F", "0x1f", "-0x1F", "+0x_1F", "0X1F", "0b101",
    "-0b101", "0b1_0", "0B101", "1:30", "-1:30", "1:30:00", "190:20:30", "1:60", "1:5", "0:30", "12:30:45",
    "1_000:30",
    # floats
    "1.0", "1.", "-1.", ".5", "-.5", "+.5", "0.998", "1_0.5", "-13.122363377404328", "6.0e-04", "2.0e-05",
    "1.0e-5", "1.0e+5", "1.0E+5", "1.0e5", "1e-5", "1e+5", "1E5", "3e-4", "1.e-5", "1.e+5", ".5e+3", ".5e3",
    "1:30.5", "-1:30.5", "190:20:30.15", "1:30.", ".inf", ".Inf", ".INF", "-.inf", "+.inf", "-.Inf", ".iNf",
    ".nan", ".NaN", ".NAN", "-.nan", "inf", "nan", "NaN", "Infinity", "0.", "00.5", "1__2.5",
    # timestamps
    "2024-01-31", "2024-1-31", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z",
    "2001-12-14 21:59:43", "20240131",
    # strings that look like something else
    "llama", "./a/b.yaml", "1.2.3", "1,000", "0x", "0b", "0b2", "0xG", "+", "-", ".", "-.", "1e", "e5", "1.0e",
    "1.0e-", "v1.0", "12abc", "1_", "_1", "0.5.", "1:3x", "=", "<<", "~~", "1 000", "llama-3.1-8b", "C:/runs",
    # texts PyYAML's resolver types but cannot construct
    "0b_", "0x_", "._", "+._", "0_", "-_",
]

FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 0.998, 1e-5, 2e-5, 6e-4, 3e-4, 1e-3, 1e-4, 0.0001, 0.00001, 123.0, 1e7, 1e15,
          1e16, 1e17, 1.5e300, 5e-324, 2.5e-7, 0.1, 1 / 3, 500000.0, 1234567.125, 1e22, -2.5e-8, 6.02214076e23,
          float("inf"), float("-inf"), float("nan")]


def typed(value):
    if value is None:
        return "null", None
    if isinstance(value, bool):
        return "bool", value
    if isinstance(value, int):
        return "int", str(value)
    if isinstance(value, float):
        return "float", "nan" if math.isnan(value) else repr(value)
    if isinstance(value, datetime.datetime):
        return "datetime", value.isoformat()
    if isinstance(value, datetime.date):
        return "date", value.isoformat()
    if isinstance(value, str):
        return "str", value
    raise TypeError(type(value))


def main(out):
    plain = []
    for text in PLAIN:
        try:
            loaded = yaml.safe_load("key: " + text + "\n")["key"]
            kind, value = typed(loaded)
        except yaml.YAMLError as e:
            kind, value = "error", str(e).splitlines()[0]
        except ValueError as e:
            kind, value = "error", str(e).splitlines()[0]
        plain.append({"text": text, "type": kind, "value": value})
    dumped = []
    for f in FLOATS:
        text = yaml.safe_dump({"k": f})[len("k: "):].strip()
        back = yaml.safe_load("k: " + text)["k"]
        assert (math.isnan(f) and math.isnan(back)) or back == f, (f, text, back)
        dumped.append({"value": "nan" if math.isnan(f) else repr(f), "yaml": text})
    result = {"generator": "tools/reference/yaml_scalar_fixtures.py", "pyyaml": yaml.__version__,
              "plain": plain, "dumped_floats": dumped}
    with open(out, "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
