package org.trainbench.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.trainbench.engine.files.TextFiles;
import org.trainbench.engine.json.Json;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer written in plain Java: added tokens, normalizer, pre-tokenizer, BPE
 * model (byte-level as in GPT-2 and Llama 3, or SentencePiece-style with byte fallback as in Llama 2 and Mistral) and
 * post-processor, giving the same ids and code-point offsets as the {@code tokenizers} library's Python API.
 * <p>
 * Thread safe: one instance can encode from many threads.
 */
public final class Tokenizer {

    private final Path source;
    private final BpeModel model;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final PostProcessor postProcessor;
    private final Map<String, Object> decoder;
    private final List<AddedToken> addedTokens;
    private final Map<Integer, AddedToken> addedById = new HashMap<>();
    private final String[] idToToken;
    /** Added tokens by first code point, longest first. */
    private final Map<Integer, List<int[]>> addedByFirst = new HashMap<>();
    private final Map<int[], AddedToken> addedByCodePoints = new java.util.IdentityHashMap<>();
    private final BitSet addedFirstChars = new BitSet();

    private Tokenizer(Path source, BpeModel model, Normalizer normalizer, PreTokenizer preTokenizer,
            PostProcessor postProcessor, Map<String, Object> decoder, List<AddedToken> addedTokens) {
        this.source = source;
        this.model = model;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.addedTokens = List.copyOf(addedTokens);
        int[] size = {0};
        model.vocab().forEach((token, id) -> size[0] = Math.max(size[0], id + 1));
        for (AddedToken token : addedTokens) {
            size[0] = Math.max(size[0], token.id() + 1);
        }
        idToToken = new String[size[0]];
        model.vocab().forEach((token, id) -> idToToken[id] = token);
        for (AddedToken token : addedTokens) {
            idToToken[token.id()] = token.content();
            addedById.put(token.id(), token);
            int[] cps = token.content().codePoints().toArray();
            if (cps.length == 0) {
                continue;
            }
            addedByCodePoints.put(cps, token);
            addedByFirst.computeIfAbsent(cps[0], k -> new ArrayList<>()).add(cps);
            if (cps[0] < 0x110000) {
                addedFirstChars.set(cps[0]);
            }
        }
        addedByFirst.values().forEach(list -> list.sort((a, b) -> Integer.compare(b.length, a.length)));
    }

    /** Token ids index arrays of this size: a real vocabulary has at most a few hundred thousand. */
    static final int MAX_TOKEN_ID = (1 << 24) - 1;

    private static int tokenId(Object id, String what) {
        try {
            return Json.toInt(id, 0, MAX_TOKEN_ID);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": id " + e.getMessage());
        }
    }

    /**
     * Loads {@code tokenizer.json}, or the {@code tokenizer.json} inside a directory.
     *
     * @throws NoSuchFileException when there is no such file
     * @throws TokenizerFormatException when the file is not valid JSON, its model is not BPE, or it uses a component
     *         this implementation does not support; the message names the file and the component
     */
    public static Tokenizer load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, Files.isDirectory(path)
                    ? "the directory has no tokenizer.json (only the fast-tokenizer JSON format is supported; "
                            + "save it with transformers' save_pretrained)"
                    : "tokenizer file not found");
        }
        String text;
        try {
            text = TextFiles.readUtf8(file);
        } catch (IOException e) {
            throw new TokenizerFormatException(file, "cannot read the file: " + e.getMessage());
        }
        Map<String, Object> root;
        try {
            root = readRoot(text);
        } catch (Json.SyntaxException e) {
            throw new TokenizerFormatException(file, "not valid JSON: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(file, e.getMessage());
        }
        if (!(root != null && root.get("model") instanceof Map<?, ?> modelNode)) {
            throw new TokenizerFormatException(file, "not a Hugging Face tokenizer.json: there is no \"model\" object");
        }
        try {
            return fromTree(file, root, modelNode);
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new TokenizerFormatException(file, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /**
     * The tree of tokenizer.json as {@link Json#parse} gives it, except that {@code model.vocab} (an object of
     * token: id) is read straight into a {@link Vocabulary} and {@code model.merges} into a {@link MergeList}: for
     * Llama 3's 128,000 tokens and 280,147 merges, most of the load time went into maps of boxed values that were
     * copied once more. Null when the text is valid JSON but no object. Ids are range-checked in {@link #fromTree}.
     */
    private static Map<String, Object> readRoot(String text) {
        Json reader = Json.reader(text);
        if (reader.peek() != '{') {
            reader.readValue();
            reader.end();
            return null;
        }
        Map<String, Object> root = new LinkedHashMap<>();
        reader.beginObject();
        for (String key = reader.nextKey(); key != null; key = reader.nextKey()) {
            root.put(key, key.equals("model") && reader.peek() == '{' ? readModel(reader, text) : reader.readValue());
        }
        reader.end();
        return root;
    }

    /** The file's length sizes the vocabulary and merges once (Llama 3's file has about 80 characters per token). */
    private static Map<String, Object> readModel(Json reader, String text) {
        int fileLength = text.length();
        Map<String, Object> model = new LinkedHashMap<>();
        reader.beginObject();
        for (String key = reader.nextKey(); key != null; key = reader.nextKey()) {
            if (key.equals("vocab") && reader.peek() == '{') {
                Vocabulary vocab = new Vocabulary(Math.min(fileLength / 64, 1 << 17));
                reader.beginObject();
                for (String token = reader.nextKey(); token != null; token = reader.nextKey()) {
                    int id;
                    try {
                        id = reader.readInt(0, MAX_TOKEN_ID);
                    } catch (Json.SyntaxException e) {
                        throw e;
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("model.vocab \"" + token + "\": id " + e.getMessage());
                    }
                    vocab.put(token, id);
                }
                model.put(key, vocab);
            } else if (key.equals("merges") && reader.peek() == '[') {
                MergeList merges = new MergeList(text, Math.min(fileLength / 32, 1 << 19));
                reader.beginArray();
                while (reader.nextElement()) {
                    long range = reader.peek() == '"' ? reader.readStringRange() : -1;
                    if (range >= 0) {
                        merges.addRange((int) (range >>> 32), (int) range);
                    } else {
                        merges.addValue(reader.peek() == '"' ? reader.readString() : reader.readValue());
                    }
                }
                model.put(key, merges);
            } else {
                model.put(key, reader.readValue());
            }
        }
        return model;
    }

    @SuppressWarnings("unchecked")
    private static Tokenizer fromTree(Path file, Map<?, ?> root, Map<?, ?> modelNode) {
        Object type = modelNode.get("type");
        if (type == null && modelNode.containsKey("merges")) {
            type = "BPE"; // old files omit the type
        }
        if (!"BPE".equals(type)) {
            throw new IllegalArgumentException("model type '" + type + "' is not supported: only BPE models (GPT-2, "
                    + "Llama 3, Llama 2, Mistral and similar) can be used; WordPiece and Unigram are not implemented");
        }
        if (modelNode.get("continuing_subword_prefix") != null || modelNode.get("end_of_word_suffix") != null) {
            throw new IllegalArgumentException("BPE with continuing_subword_prefix or end_of_word_suffix is not supported");
        }
        if (modelNode.get("dropout") instanceof Number dropout && dropout.doubleValue() > 0) {
            throw new IllegalArgumentException("BPE dropout " + dropout + " is not supported (it makes encoding random)");
        }
        if (!(modelNode.get("vocab") instanceof Vocabulary vocab)) {
            throw new IllegalArgumentException("model.vocab is not an object of token: id");
        }
        if (!(modelNode.get("merges") instanceof MergeList merges)) {
            throw new IllegalArgumentException("model.merges is not a list");
        }
        BpeModel model = new BpeModel(vocab, merges, (String) modelNode.get("unk_token"),
                Boolean.TRUE.equals(modelNode.get("fuse_unk")), Boolean.TRUE.equals(modelNode.get("byte_fallback")),
                Boolean.TRUE.equals(modelNode.get("ignore_merges")));
        List<AddedToken> added = new ArrayList<>();
        Object addedNode = root.get("added_tokens");
        if (addedNode instanceof List<?> list) {
            for (Object item : list) {
                Map<?, ?> t = (Map<?, ?>) item;
                added.add(new AddedToken(tokenId(t.get("id"), "added_tokens \"" + t.get("content") + "\""), (String) t.get("content"),
                        Boolean.TRUE.equals(t.get("special")), Boolean.TRUE.equals(t.get("lstrip")),
                        Boolean.TRUE.equals(t.get("rstrip")), Boolean.TRUE.equals(t.get("single_word")),
                        !Boolean.FALSE.equals(t.get("normalized"))));
            }
        }
        String where = "tokenizer.json";
        return new Tokenizer(file, model, Normalizer.parse(root.get("normalizer"), where),
                PreTokenizer.parse(root.get("pre_tokenizer"), where),
                PostProcessor.parse(root.get("post_processor"), where),
                (Map<String, Object>) root.get("decoder"), added);
    }

    public Path source() {
        return source;
    }

    /** Number of ids: the vocabulary plus added tokens ({@code len(tokenizer)} in transformers). */
    public int vocabularySize() {
        return idToToken.length;
    }

    /** The token string of an id (byte-level tokens in their printable form), or null for an unused id. */
    public String token(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }

    public OptionalInt tokenId(String token) {
        for (AddedToken added : addedTokens) {
            if (added.content().equals(token)) {
                return OptionalInt.of(added.id());
            }
        }
        int id = model.vocab().get(token);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    public List<AddedToken> addedTokens() {
        return addedTokens;
    }

    boolean isAddedToken(int id) {
        return addedById.containsKey(id);
    }

    public boolean isSpecialToken(int id) {
        AddedToken token = addedById.get(id);
        return token != null && token.special();
    }

    /** Encodes with the post-processor's special tokens (BOS), like {@code tokenizer.encode(text)} in Python. */
    public Encoding encode(String text) {
        return encode(text, true);
    }

    public Encoding encode(String text, boolean addSpecialTokens) {
        TokenSink sink = new TokenSink(true);
        encodeInto(codePoints(text), sink);
        if (postProcessor != null) {
            postProcessor.process(sink, addSpecialTokens, this);
        }
        return sink.toEncoding();
    }

    /** The ids of {@link #encode(String, boolean)} without their offsets: a third of the memory on a long text. */
    public int[] encodeIds(String text, boolean addSpecialTokens) {
        TokenSink sink = new TokenSink(false);
        encodeInto(codePoints(text), sink);
        if (postProcessor != null) {
            postProcessor.process(sink, addSpecialTokens, this);
        }
        return sink.toIds();
    }

    /** The code points of a text, in an array of exactly their count (String.codePoints().toArray() buffers twice). */
    private static int[] codePoints(String text) {
        int[] cps = new int[text.codePointCount(0, text.length())];
        for (int i = 0, k = 0; k < cps.length; k++) {
            int cp = text.codePointAt(i);
            cps[k] = cp;
            i += Character.charCount(cp);
        }
        return cps;
    }

    /** Code points of {@code text}: what offsets count. */
    private void encodeInto(int[] cps, TokenSink sink) {
        int segmentStart = 0;
        int i = 0;
        while (i < cps.length) {
            int cp = cps[i];
            if (cp < 0x110000 && addedFirstChars.get(cp)) {
                int[] match = matchAdded(cps, i);
                if (match != null) {
                    AddedToken token = addedByCodePoints.get(match);
                    int matchStart = i;
                    int matchEnd = i + match.length;
                    if (token.lstrip()) {
                        while (matchStart > segmentStart && Character.isWhitespace(cps[matchStart - 1])) {
                            matchStart--;
                        }
                    }
                    if (token.rstrip()) {
                        while (matchEnd < cps.length && Character.isWhitespace(cps[matchEnd])) {
                            matchEnd++;
                        }
                    }
                    encodeSegment(Piece.identity(cps, segmentStart, matchStart), sink);
                    sink.add(token.id(), matchStart, matchEnd);
                    i = matchEnd;
                    segmentStart = matchEnd;
                    continue;
                }
            }
            i++;
        }
        encodeSegment(Piece.identity(cps, segmentStart, cps.length), sink);
    }

    /** The longest added token starting at {@code at} (leftmost-longest, as HF's Aho-Corasick matcher). */
    private int[] matchAdded(int[] cps, int at) {
        List<int[]> candidates = addedByFirst.get(cps[at]);
        if (candidates == null) {
            return null;
        }
        outer:
        for (int[] candidate : candidates) {
            if (at + candidate.length > cps.length) {
                continue;
            }
            for (int k = 1; k < candidate.length; k++) {
                if (cps[at + k] != candidate[k]) {
                    continue outer;
                }
            }
            if (addedByCodePoints.get(candidate).singleWord()) {
                boolean before = at > 0 && Character.isLetterOrDigit(cps[at - 1]);
                int after = at + candidate.length;
                if (before || (after < cps.length && Character.isLetterOrDigit(cps[after]))) {
                    continue;
                }
            }
            return candidate;
        }
        return null;
    }

    private void encodeSegment(Piece segment, TokenSink sink) {
        if (segment.isEmpty()) {
            return;
        }
        Piece normalized = normalizer == null ? segment : normalizer.normalize(segment);
        if (preTokenizer == null) {
            model.encode(normalized, sink);
            return;
        }
        preTokenizer.split(normalized, piece -> model.encode(piece, sink));
    }

    /** Decodes ids to text as the tokenizer's decoder does; {@code skipSpecialTokens} drops special added tokens. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>();
        for (int id : ids) {
            if (skipSpecialTokens && isSpecialToken(id)) {
                continue;
            }
            String token = token(id);
            if (token != null) {
                tokens.add(token);
            }
        }
        return TokenDecoder.decode(decoder, tokens, addedById.values().stream().map(AddedToken::content).toList());
    }

    @Override
    public String toString() {
        return "Tokenizer[" + source + ", " + vocabularySize() + " ids]";
    }

    /** Decodes byte-level character strings (GPT-2 alphabet) to UTF-8 text, with U+FFFD for invalid bytes. */
    static String byteLevelToText(String tokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(tokens.length());
        tokens.codePoints().forEach(cp -> {
            int b = cp < ByteLevelAlphabet.CHAR_TO_BYTE.length ? ByteLevelAlphabet.CHAR_TO_BYTE[cp] : -1;
            if (b >= 0) {
                bytes.write(b);
            } else {
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
        });
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
