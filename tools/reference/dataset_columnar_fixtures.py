#!/usr/bin/env python3
"""Parquet and Arrow (Hugging Face save_to_disk) fixtures for Trainbench's own columnar readers.

Runs wherever pyarrow is installed (the device machine has it; on the CPU machines the pyarrow 25.0.1 wheel of the
local package mirror installs with `pip install --no-index --find-links /opt/pypi/files pyarrow`; `datasets` is
used when installed; no internet). With pyarrow 25.0.1 it reproduces the committed fixtures byte for byte:

    python3 tools/reference/dataset_columnar_fixtures.py --out "$OUT/fixtures"

It generates 200 deterministic records (text with accents, emoji sequences, CJK and RTL scripts; inclusive
character spans in code points; conversations as list<struct<role, content>>; nullable and typed scalar columns)
and writes the same records

  - as JSON Lines (records.jsonl, the reference the tests compare against; the DatasetDict's train split is its
    first 160 lines, validation the other 40);
  - as Parquet with pyarrow: SNAPPY, GZIP, ZSTD, LZ4 (LZ4_RAW) and no compression; dictionary encoding on, off, and falling back to PLAIN
    when the dictionary page is full; data pages v1 and v2; several row groups and several pages per column chunk;
    the legacy list element name ("item"); plus a small ZSTD file, and small BROTLI and DELTA_BINARY_PACKED files for
    the unsupported-feature errors;
  - as `datasets.Dataset.save_to_disk` (two shards) and `DatasetDict.save_to_disk` (train/validation), or, when
    `datasets` is missing, the same layout written with pyarrow's stream writer exactly as datasets' ArrowWriter does
    (data-*.arrow streams, state.json, dataset_info.json, dataset_dict.json); manifest.json says which;
  - as single Arrow IPC files: the streaming format with large_string/large_list types, the random-access file
    format (ARROW1), and both with compressed bodies (ZSTD stream, LZ4_FRAME file).

Every Parquet and Arrow file is read back with pyarrow and compared to the records before it is kept.
"""

import argparse
import json
import os
import random
import sys

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

ROWS = 200
TRAIN_ROWS = 160

PIECES = [
    "hello", "world", "training", "naïve café", "résumé", "Straße", "日本語", "中文分词", "한국어", "مرحبا", "שלום",
    "Привет", "Ελληνικά", "😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "e\u0301", "ﬁ", "ＡＢＣ", "tab\there", "x = [1, 2]",
    "def f():", "∑∫∂", "€ £ ¥", "tokens", "the", "model", "data", "\u00a0nbsp",
]
SOURCES = ["web", "books", "code", "wiki", "chat"]


def make_records(seed=20261125):
    rng = random.Random(seed)
    records = []
    for i in range(ROWS):
        words = [rng.choice(PIECES) for _ in range(rng.randint(1, 12))]
        text = " ".join(words)
        if i % 17 == 0:
            text += "\nsecond line"
        length = len(text)  # code points, as the spans count them
        spans = []
        position = 0
        while position < length and rng.random() < 0.6:
            begin = position + rng.randint(0, max(0, (length - position) // 2))
            if begin >= length:
                break
            end = begin + rng.randint(0, max(0, length - begin - 1))
            spans.append([begin, end])
            position = end + 1 + rng.randint(0, 2)
        conversation = []
        if rng.random() < 0.3:
            conversation.append({"role": "system", "content": "You are terse. " + rng.choice(PIECES)})
        for _ in range(rng.randint(1, 2)):
            conversation.append({"role": "user", "content": " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 4)))})
            conversation.append({"role": "assistant", "content": " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 5)))})
        records.append({
            "id": i,
            "text": text,
            "spans": None if i % 23 == 5 else spans,
            "conversations": conversation,
            "source": None if i % 7 == 3 else SOURCES[rng.randrange(len(SOURCES))],
            "score": None if i % 11 == 4 else round(rng.uniform(-5, 5), 6),
            "flag": rng.random() < 0.5,
            "n32": rng.randint(-2**31, 2**31 - 1),
            "weight": rng.randint(-40, 40) * 0.25,  # exact in float32
        })
    return records


SCHEMA = pa.schema([
    ("id", pa.int64()),
    ("text", pa.string()),
    ("spans", pa.list_(pa.list_(pa.int64()))),
    ("conversations", pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))),
    ("source", pa.string()),
    ("score", pa.float64()),
    ("flag", pa.bool_()),
    ("n32", pa.int32()),
    ("weight", pa.float32()),
])

LARGE_SCHEMA = pa.schema([
    ("id", pa.int64()),
    ("text", pa.large_string()),
    ("spans", pa.large_list(pa.large_list(pa.int64()))),
    ("conversations", pa.large_list(pa.struct([("role", pa.large_string()), ("content", pa.large_string())]))),
])


def table(records, schema=SCHEMA):
    return pa.Table.from_pylist([{name: r[name] for name in schema.names} for r in records], schema=schema)


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def check(records, read_table, what):
    names = read_table.schema.names
    got = read_table.to_pylist()
    want = [{name: r[name] for name in names} for r in records]
    if got != want:
        raise SystemExit(f"{what}: pyarrow reads back different records")


PARQUET_VARIANTS = {
    # name: write_table options
    "snappy_dict_v1_rowgroups": dict(compression="snappy", use_dictionary=True, data_page_version="1.0",
                                     row_group_size=64),
    "gzip_plain_v2": dict(compression="gzip", use_dictionary=False, data_page_version="2.0"),
    "uncompressed_dict_v2_pages": dict(compression="none", use_dictionary=True, data_page_version="2.0",
                                       row_group_size=80, data_page_size=512, write_batch_size=16),
    "snappy_plain_v1_pages": dict(compression="snappy", use_dictionary=False, data_page_version="1.0",
                                  data_page_size=256, write_batch_size=16),
    "gzip_dict_fallback_v1": dict(compression="gzip", use_dictionary=True, data_page_version="1.0",
                                  dictionary_pagesize_limit=256, write_batch_size=16),
    "snappy_legacy_list_names": dict(compression="snappy", use_compliant_nested_type=False),
    # zstd and lz4 (pyarrow writes LZ4_RAW), common on the Hugging Face hub
    "zstd_dict_v2_pages": dict(compression="zstd", use_dictionary=True, data_page_version="2.0",
                               row_group_size=80, data_page_size=512, write_batch_size=16),
    "zstd_plain_v1": dict(compression="zstd", compression_level=19, use_dictionary=False, data_page_version="1.0"),
    "lz4_raw_dict_v1_pages": dict(compression="lz4", use_dictionary=True, data_page_version="1.0",
                                  data_page_size=256, write_batch_size=16),
}


def write_parquet(out, records, manifest):
    os.makedirs(os.path.join(out, "parquet"), exist_ok=True)
    t = table(records)
    for name, options in PARQUET_VARIANTS.items():
        path = os.path.join(out, "parquet", name + ".parquet")
        pq.write_table(t, path, **options)
        check(records, pq.read_table(path), path)
        meta = pq.ParquetFile(path).metadata
        manifest["parquet"][name] = {
            "options": options,
            "row_groups": meta.num_row_groups,
            "encodings": sorted({e for g in range(meta.num_row_groups) for c in range(meta.num_columns)
                                 for e in meta.row_group(g).column(c).encodings}),
        }
    few = records[:10]
    path = os.path.join(out, "parquet", "zstd.parquet")
    pq.write_table(table(few), path, compression="zstd")
    check(few, pq.read_table(path), path)
    path = os.path.join(out, "parquet", "brotli.parquet")
    pq.write_table(table(few), path, compression="brotli")
    check(few, pq.read_table(path), path)
    path = os.path.join(out, "parquet", "delta_id.parquet")
    pq.write_table(table(few), path, compression="none", use_dictionary=False,
                   column_encoding={"id": "DELTA_BINARY_PACKED"})
    check(few, pq.read_table(path), path)
    manifest["parquet"]["zstd"] = {"rows": 10}
    manifest["parquet"]["brotli"] = {"rows": 10}
    manifest["parquet"]["delta_id"] = {"rows": 10}


def hf_features_json(schema):
    """datasets' JSON form of the features of our schema (what its ArrowWriter stores in the schema metadata)."""
    def feature(t):
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return {"feature": feature(t.value_type), "_type": "Sequence" if pa.types.is_list(t) else "LargeList"}
        if pa.types.is_struct(t):
            return {f.name: feature(f.type) for f in t}
        dtype = {pa.string(): "string", pa.int64(): "int64", pa.int32(): "int32", pa.float64(): "float64",
                 pa.float32(): "float32", pa.bool_(): "bool"}[t]
        return {"dtype": dtype, "_type": "Value"}
    return {f.name: feature(f.type) for f in schema}


def save_to_disk_emulated(directory, t, num_shards):
    """The layout datasets' save_to_disk writes: one Arrow stream per shard, batches of 1000 rows, state.json."""
    os.makedirs(directory, exist_ok=True)
    features = hf_features_json(t.schema)
    schema = t.schema.with_metadata({"huggingface": json.dumps({"info": {"features": features}})})
    files = []
    bounds = [len(t) * k // num_shards for k in range(num_shards + 1)]
    for k in range(num_shards):
        name = f"data-{k:05d}-of-{num_shards:05d}.arrow"
        with ipc.new_stream(os.path.join(directory, name), schema) as writer:
            shard = t.slice(bounds[k], bounds[k + 1] - bounds[k]).cast(schema)
            for batch in shard.to_batches(max_chunksize=1000):
                writer.write_batch(batch)
        files.append({"filename": name})
    with open(os.path.join(directory, "state.json"), "w") as f:
        json.dump({"_data_files": files, "_fingerprint": "trainbench-fixture", "_format_columns": None,
                   "_format_kwargs": {}, "_format_type": None, "_output_all_columns": False, "_split": None}, f,
                  indent=2)
    with open(os.path.join(directory, "dataset_info.json"), "w") as f:
        json.dump({"citation": "", "description": "", "features": features, "homepage": "", "license": ""}, f,
                  indent=2)


def write_arrow(out, records, manifest):
    arrow = os.path.join(out, "arrow")
    os.makedirs(arrow, exist_ok=True)
    t = table(records)
    train, validation = table(records[:TRAIN_ROWS]), table(records[TRAIN_ROWS:])
    try:
        import datasets
        features = datasets.Features.from_arrow_schema(SCHEMA)
        ds = datasets.Dataset.from_dict(t.to_pydict(), features=features)
        ds.save_to_disk(os.path.join(arrow, "single"), num_shards=2)
        dd = datasets.DatasetDict({
            "train": datasets.Dataset.from_dict(train.to_pydict(), features=features),
            "validation": datasets.Dataset.from_dict(validation.to_pydict(), features=features),
        })
        dd.save_to_disk(os.path.join(arrow, "dict"))
        manifest["save_to_disk"] = "datasets " + datasets.__version__
    except ImportError:
        save_to_disk_emulated(os.path.join(arrow, "single"), t, 2)
        save_to_disk_emulated(os.path.join(arrow, "dict", "train"), train, 1)
        save_to_disk_emulated(os.path.join(arrow, "dict", "validation"), validation, 1)
        with open(os.path.join(arrow, "dict", "dataset_dict.json"), "w") as f:
            json.dump({"splits": ["train", "validation"]}, f)
        manifest["save_to_disk"] = "emulated with pyarrow (datasets is not installed)"
    for directory, expected in (("single", records), ("dict/train", records[:TRAIN_ROWS]),
                                ("dict/validation", records[TRAIN_ROWS:])):
        state = json.load(open(os.path.join(arrow, directory, "state.json")))
        tables = [ipc.open_stream(os.path.join(arrow, directory, f["filename"])).read_all()
                  for f in state["_data_files"]]
        check(expected, pa.concat_tables(tables), directory)
    few = records[:50]
    path = os.path.join(arrow, "large_types.arrow")
    with ipc.new_stream(path, LARGE_SCHEMA) as writer:
        writer.write_table(table(few, LARGE_SCHEMA), max_chunksize=16)
    check(few, ipc.open_stream(path).read_all(), path)
    path = os.path.join(arrow, "ipc_file_format.arrow")
    with ipc.new_file(path, SCHEMA) as writer:
        writer.write_table(table(few), max_chunksize=20)
    check(few, ipc.open_file(path).read_all(), path)
    # IPC body compression, buffer by buffer: ZSTD in the streaming format, LZ4_FRAME in the file format
    path = os.path.join(arrow, "ipc_zstd.arrow")
    with ipc.new_stream(path, SCHEMA, options=ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(table(few), max_chunksize=16)
    check(few, ipc.open_stream(path).read_all(), path)
    path = os.path.join(arrow, "ipc_lz4_file_format.arrow")
    with ipc.new_file(path, SCHEMA, options=ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_table(table(few), max_chunksize=20)
    check(few, ipc.open_file(path).read_all(), path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    records = make_records()
    write_jsonl(os.path.join(args.out, "records.jsonl"), records)
    manifest = {"python": sys.version.split()[0], "pyarrow": pa.__version__, "rows": ROWS,
                "train_rows": TRAIN_ROWS, "parquet": {}}
    write_parquet(args.out, records, manifest)
    write_arrow(args.out, records, manifest)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
    print(json.dumps(manifest, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
