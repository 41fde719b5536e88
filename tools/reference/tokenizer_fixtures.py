#!/usr/bin/env python3
"""Reference fixtures for Trainbench's own tokenizer and chat-template code.

Runs on the device machine (it has `tokenizers` and `transformers`, and no internet):

    python3 tools/reference/tokenizer_fixtures.py --out "$OUT"

It TRAINS small tokenizers on generated text (nothing is downloaded):
  - bytelevel: byte-level BPE in Llama 3's configuration (Split with Llama 3's regex + ByteLevel without regex,
    ignore_merges, BOS template), plus a GPT-2 flavour of the same model (ByteLevel with its own regex, no BOS);
  - sentencepiece: SentencePiece-style BPE with byte fallback in Llama 2's configuration (Prepend + Replace
    normalizer, "legacy") and Mistral's newer one (Metaspace pre-tokenizer, prepend_scheme first);
then records the ids and offsets Hugging Face produces for a few hundred varied strings, renders chat templates
with transformers, and times HF batch encoding on this machine's CPU.

`--corpus-only` writes just the benchmark corpus (pure Python, deterministic), so the same corpus can be rebuilt on
a machine without `tokenizers`.
"""

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time

LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

WORDS = (
    "the of and to in is was for on that with as by at from his her an be this are or not which have had one "
    "they you were but all she there their would we him been has when who will more no if out so said what up "
    "its about into than them can only other new some could time these two may then do first any my now such "
    "like our over man me even most made after also did many before must through back years where much your way "
    "well down should because each just those people Mr how too little state good very make world still own see "
    "men work long get here between both life being under never day same another know while last might us great "
    "old year off come since against go came right used take three training model tokenizer gradient dataset "
    "learning rate batch sequence attention transformer layer optimizer checkpoint Llama Fast-LLM Java Eclipse"
).split()

UNICODE_PHRASES = [
    "café naïve résumé façade", "Ünïcödé Straße Größe", "Ελληνικά γράμματα", "Привет, как дела?",
    "日本語のテキストです。", "中文分词测试，你好世界！", "한국어 문장입니다", "مرحبا بالعالم", "שלום עולם",
    "हिन्दी पाठ", "ไทย ภาษา", "emoji 😀😃😄 and 👍🏽 thumbs", "family 👨‍👩‍👧‍👦 zwj", "flags 🇫🇷🇯🇵",
    "math ∑∫∂√∞ ≤ ≥ ≠", "arrows → ← ↔ ⇒", "currency € £ ¥ ₹ ₿", "combining e\u0301 vs \u00e9", "ﬁ ligature",
    "full-width ＡＢＣ１２３", "tab\tseparated\tvalues", "nbsp\u00a0between", "zero\u200bwidth",
]

CODE_LINES = [
    "def forward(self, x):", "    return torch.matmul(x, self.weight.T) + self.bias",
    "for (int i = 0; i < n; i++) {", "        sum += a[i] * b[i];", "}",
    "public static void main(String[] args) throws IOException {", "if x != None and len(x) > 0:",
    "const result = items.map((item) => item.value * 2);", "SELECT id, name FROM users WHERE age >= 18;",
    "    # comment with    multiple   spaces", "x = [1, 2, 3]  # list", "print(f\"{name!r}: {value:.3f}\")",
    "#include <stdio.h>", "int main(void) { return 0; }", "let s: &str = \"héllo\";", "\t\tindented_with_tabs()",
    "<div class=\"container\">Hello</div>", "{\"key\": [1, 2.5, true, null]}", "a+=b**2//3%4",
    "    ", "",
]


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 14))]
    text = " ".join(words)
    if rng.random() < 0.3:
        text = text.capitalize()
    if rng.random() < 0.2:
        text += " " + str(rng.randint(0, 10 ** rng.randint(1, 8)))
    if rng.random() < 0.15:
        text += " I'm sure it's fine, they'll say we've DONE it, you'RE right"[: rng.randint(5, 60)]
    return text + rng.choice([".", ",", "!", "?", ";", ":", "", "..."])


def paragraph(rng):
    parts = []
    for _ in range(rng.randint(1, 6)):
        kind = rng.random()
        if kind < 0.55:
            parts.append(sentence(rng))
        elif kind < 0.75:
            parts.append(rng.choice(UNICODE_PHRASES))
        elif kind < 0.92:
            parts.append("\n".join(rng.choice(CODE_LINES) for _ in range(rng.randint(1, 4))))
        else:
            parts.append(rng.choice([" " * rng.randint(2, 9), "\n" * rng.randint(2, 4), "\t \n  ", " \n\n "]))
    return rng.choice([" ", "\n", "  ", "\n\n", " "]).join(parts)


def training_corpus():
    rng = random.Random(1234)
    return [paragraph(rng) for _ in range(6000)]


def benchmark_corpus():
    """About 4 MB of text, one document per line (newlines inside documents are escaped as spaces of code)."""
    rng = random.Random(20261125)
    lines = []
    size = 0
    while size < 4_000_000:
        text = paragraph(rng).replace("\n", "\\n")
        lines.append(text)
        size += len(text.encode("utf-8")) + 1
    return lines


def test_strings():
    rng = random.Random(99)
    cases = [
        "", " ", "  ", "   leading spaces", "trailing spaces   ", "\n", "\n\n\n", "\t", " \t \n ", "a", "A",
        "Hello world", "Hello  world", "Hello\nworld", "hello\r\nworld\r\n", "12345678901", "3.14159 and 2,718",
        "I'm you're we'VE they'LL she'd it's", "don't 's 'S", "UPPER lower MiXeD",
        "<|begin_of_text|>Hello<|eot_id|>", "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>",
        "text <tool> call <tool>", "<s>[INST] hi [/INST]</s>", "<|im_start|>user\nhey<|im_end|>",
        "emoji only 😀", "😀", "👨‍👩‍👧‍👦", "🇫🇷", "日本語", "中文，标点。", "مرحبا", "e\u0301", "\u00e9",
        "\u00a0", "\u200b", "\U0001F9D1\U0001F3FD\u200d\U0001F4BB coder", "\x00 null \x01 ctrl \x7f",
        "a" * 300, "ab " * 50, " " * 40, "\n" * 20 + "x", "x" + " " * 17 + "y", "!!!???...,,,", "$$$%%%^^^&&&",
        "    def f(x):\n        return x  # four spaces", "\tTabbed\ttext\t", "mixed\u3000ideographic space",
        "ß ẞ ǅ ǈ ǋ", "İstanbul ıi", "Ꭰ Cherokee", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math", "𐍈 gothic", "fooＢＡＲ", "123abc456def",
    ]
    for code in CODE_LINES:
        cases.append(code)
    for phrase in UNICODE_PHRASES:
        cases.append(phrase)
    while len(cases) < 320:
        cases.append(paragraph(rng)[:400])
    return cases


LLAMA3_CHAT = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + "
    "message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)

CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

LLAMA2_CHAT = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = "
    "messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
    "{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + "
    "'\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
)

# Llama 3.1 Instruct's template shape (tools, date, system extraction), whitespace-controlled and multi-line.
LLAMA31_CHAT = """{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message + builtin tools #}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if builtin_tools is defined or tools is not none %}
    {{- "Environment: ipython\\n" }}
{%- endif %}
{%- if builtin_tools is defined %}
    {{- "Tools: " + builtin_tools | reject('equalto', 'code_interpreter') | join(", ") + "\\n\\n"}}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\\n" }}
{{- "Today Date: " + date_string + "\\n\\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions." }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\\n\\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
        {{- '{"name": "' + tool_call.name + '", ' }}
        {{- '"parameters": ' }}
        {{- tool_call.arguments | tojson }}
        {{- "}" }}
        {{- "<|eot_id|>" }}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\\n\\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
"""

# Exercises the rest of the subset: loop variables, elif, filters, is-tests, namespace-free set, string methods,
# whitespace control and trim_blocks/lstrip_blocks, comparison chains, in/not in, ~ concatenation.
FEATURES_CHAT = """{% for message in messages %}
  {% if loop.first %}[{{ messages|length }} messages]{% endif %}
  {%- if message.role == 'system' -%}
SYS: {{ message.content | upper }}
  {%- elif message.role in ['user', 'human'] %}
U{{ loop.index }}/{{ loop.length }}: {{ message.content|trim|replace('  ', ' ') }}
  {%- else %}
A{{ loop.revindex }}: {{ message.content ~ ' ' ~ eos_token }}
  {%- endif %}
  {% if not loop.last %}|{% else %}.{% endif %}
{% endfor %}
{%- if add_generation_prompt %}A: {% endif %}"""

CONVERSATIONS = [
    [{"role": "user", "content": "Hello!"}, {"role": "assistant", "content": "Hi, how can I help?"}],
    [{"role": "system", "content": "  You are terse.  "}, {"role": "user", "content": "2+2?"},
     {"role": "assistant", "content": " 4 "}, {"role": "user", "content": "And 3+3?"},
     {"role": "assistant", "content": "6"}],
    [{"role": "user", "content": "Écris un haïku 🌸"}, {"role": "assistant", "content": "古池や\n蛙飛び込む\n水の音 🐸"}],
    [{"role": "user", "content": "Code?"},
     {"role": "assistant", "content": "```python\ndef f(x):\n    return x * 2\n```\n\nDone."}],
    [{"role": "user", "content": "empty answer"}, {"role": "assistant", "content": ""}],
    [{"role": "user", "content": "tabs\tand  double  spaces"}, {"role": "assistant", "content": "\n\nleading newlines"}],
    [{"role": "user", "content": "first"}, {"role": "user", "content": "second user turn in a row"}],
    [{"role": "user", "content": "Weather in Paris?"},
     {"role": "assistant", "content": "", "tool_calls": [
         {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "C"}}}]},
     {"role": "tool", "content": "{\"temp\": 21}"}, {"role": "assistant", "content": "It is 21°C."}],
]


def render_chat_fixtures(transformers_module, tokenizer_object):
    from transformers import PreTrainedTokenizerFast

    results = []
    templates = {"llama3": LLAMA3_CHAT, "llama31": LLAMA31_CHAT, "chatml": CHATML, "llama2": LLAMA2_CHAT,
                 "features": FEATURES_CHAT}
    for name, template in templates.items():
        hf = PreTrainedTokenizerFast(tokenizer_object=tokenizer_object, bos_token="<|begin_of_text|>",
                                     eos_token="<|eot_id|>", chat_template=template)
        for index, conversation in enumerate(CONVERSATIONS):
            for generation_prompt in (False, True):
                entry = {"template": name, "conversation": index, "add_generation_prompt": generation_prompt}
                try:
                    entry["text"] = hf.apply_chat_template(conversation, tokenize=False,
                                                           add_generation_prompt=generation_prompt)
                except Exception as error:  # raise_exception in a template
                    entry["error"] = str(error)
                results.append(entry)
    return {"templates": templates, "conversations": CONVERSATIONS, "renderings": results,
            "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}


def train_byte_level(corpus):
    from tokenizers import Tokenizer, models, pre_tokenizers, decoders, processors, trainers, Regex, AddedToken

    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=256 + 900, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), min_frequency=2)
    tokenizer.train_from_iterator(corpus, trainer=trainer)
    tokenizer.add_tokens([AddedToken("<tool>", normalized=False, special=False)])
    tokenizer.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(
            single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B:1",
            special_tokens=[("<|begin_of_text|>", tokenizer.token_to_id("<|begin_of_text|>"))]),
    ])
    data = json.loads(tokenizer.to_str())
    data["model"]["ignore_merges"] = True  # as in Llama 3's tokenizer.json
    llama3 = Tokenizer.from_str(json.dumps(data))

    gpt2 = json.loads(tokenizer.to_str())
    gpt2["model"]["ignore_merges"] = False
    gpt2["pre_tokenizer"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    gpt2["post_processor"] = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True}
    return {"llama3": llama3, "gpt2": Tokenizer.from_str(json.dumps(gpt2))}


def train_sentencepiece(corpus):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    # Train on Metaspace-split words as SentencePiece does (no merge across a word start), then rebuild the
    # vocabulary in Llama 2's layout: <unk>, <s>, </s>, the 256 byte tokens <0x00>..<0xFF>, then the pieces.
    trainer_tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    trainer_tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(vocab_size=900, special_tokens=["<unk>", "<s>", "</s>"], show_progress=False,
                                  limit_alphabet=120, min_frequency=2)
    trainer_tokenizer.train_from_iterator(corpus, trainer=trainer)
    trained = json.loads(trainer_tokenizer.to_str())
    pieces = sorted(trained["model"]["vocab"].items(), key=lambda item: item[1])
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for byte in range(256):
        vocab["<0x%02X>" % byte] = len(vocab)
    for piece, _ in pieces:
        if piece not in vocab:
            vocab[piece] = len(vocab)
    added = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for t in ("<unk>", "<s>", "</s>")]
    added.append({"id": len(vocab), "content": "[INST]", "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": False})
    model = {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
             "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
             "vocab": vocab, "merges": trained["model"]["merges"]}
    post = {"type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}}
    decoder = {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "}, {"type": "ByteFallback"},
        {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    llama2 = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
              "normalizer": {"type": "Sequence", "normalizers": [
                  {"type": "Prepend", "prepend": "\u2581"},
                  {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
              "pre_tokenizer": None, "post_processor": post, "decoder": decoder, "model": model}
    mistral = json.loads(json.dumps(llama2))
    mistral["normalizer"] = None
    mistral["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": False}
    mistral["decoder"] = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": False}
    return {"llama2": Tokenizer.from_str(json.dumps(llama2)), "mistral": Tokenizer.from_str(json.dumps(mistral))}


def encode_cases(tokenizer, cases):
    out = []
    for text in cases:
        encoding = tokenizer.encode(text)
        out.append({"text": text, "ids": encoding.ids, "offsets": [list(o) for o in encoding.offsets]})
    return out


def time_batches(tokenizer_json, lines, parallel):
    """Runs in a child process so TOKENIZERS_PARALLELISM takes effect before tokenizers starts its pool."""
    env = dict(os.environ, TOKENIZERS_PARALLELISM="true" if parallel else "false")
    if not parallel:
        env["RAYON_NUM_THREADS"] = "1"
        env["RAYON_RS_NUM_CPUS"] = "1"
    code = (
        "import json,sys,time\n"
        "from tokenizers import Tokenizer\n"
        "tok=Tokenizer.from_file(sys.argv[1]); lines=open(sys.argv[2],encoding='utf-8').read().split('\\n')\n"
        "tok.encode_batch(lines[:2000])\n"
        "best=None\n"
        "for _ in range(3):\n"
        "  t=time.perf_counter(); enc=tok.encode_batch(lines); dt=time.perf_counter()-t\n"
        "  n=sum(len(e.ids) for e in enc); best=dt if best is None else min(best,dt)\n"
        "print(json.dumps({'tokens':n,'seconds':best,'tokens_per_second':n/best}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, tokenizer_json, lines], env=env, capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--corpus-only", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    corpus_path = os.path.join(args.out, "benchmark_corpus.txt")
    bench = benchmark_corpus()
    with open(corpus_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(bench))
    with open(corpus_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    print("benchmark corpus", corpus_path, len(bench), "lines sha256", digest)
    if args.corpus_only:
        return

    import tokenizers
    import transformers

    corpus = training_corpus()
    cases = test_strings()
    trained = {}
    trained.update(train_byte_level(corpus))
    trained.update(train_sentencepiece(corpus))
    report = {"tokenizers_version": tokenizers.__version__, "transformers_version": transformers.__version__,
              "cpu_count": os.cpu_count(), "corpus_sha256": digest, "throughput": {}}
    try:
        report["cpu_model"] = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    for name, tokenizer in trained.items():
        path = os.path.join(args.out, f"{name}.tokenizer.json")
        tokenizer.save(path, pretty=False)
        with open(os.path.join(args.out, f"{name}.cases.json"), "w", encoding="utf-8") as f:
            json.dump({"tokenizer": f"{name}.tokenizer.json", "cases": encode_cases(tokenizer, cases)}, f,
                      ensure_ascii=False, separators=(",", ":"))
        report["throughput"][name] = {
            "single_thread": time_batches(path, corpus_path, parallel=False),
            "all_cores": time_batches(path, corpus_path, parallel=True),
        }
        print(name, "vocab", tokenizer.get_vocab_size(), json.dumps(report["throughput"][name]), flush=True)
    with open(os.path.join(args.out, "chat_templates.json"), "w", encoding="utf-8") as f:
        json.dump(render_chat_fixtures(transformers, trained["llama3"]), f, ensure_ascii=False, indent=1)
    with open(os.path.join(args.out, "hf_report.json"), "w") as f:
        json.dump(report, f, indent=1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
