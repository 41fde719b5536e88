package org.trainbench.engine.tokenizer;

import java.util.function.ObjIntConsumer;

/**
 * A BPE model's vocabulary, token string to id, in two arrays with open addressing: no boxed ids and no entry objects
 * for Llama 3's 128,000 tokens, and lookups of a range of a longer string (a merge's "left right" line) without
 * cutting it into new strings. Hashes are {@link String#hashCode()}'s, so a token's cached hash is reused.
 * A token put twice keeps its last id, as a JSON object's duplicate key does.
 */
final class Vocabulary {
    private String[] keys;
    /** The keys' hashes, compared before a key is read: a miss then costs no visit to the string. */
    private int[] hashes;
    private int[] ids;
    private int mask;
    private int size;

    Vocabulary(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
        keys = new String[capacity];
        hashes = new int[capacity];
        ids = new int[capacity];
        mask = capacity - 1;
    }

    int size() {
        return size;
    }

    void put(String token, int id) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int hash = token.hashCode();
        int i = spread(hash) & mask;
        while (keys[i] != null) {
            if (hashes[i] == hash && keys[i].equals(token)) {
                ids[i] = id;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = token;
        hashes[i] = hash;
        ids[i] = id;
        size++;
    }

    /** The id of {@code token}, or -1. */
    int get(String token) {
        int hash = token.hashCode();
        int i = spread(hash) & mask;
        while (true) {
            String key = keys[i];
            if (key == null) {
                return -1;
            }
            if (hashes[i] == hash && key.equals(token)) {
                return ids[i];
            }
            i = (i + 1) & mask;
        }
    }

    /** The id of {@code text[start, end)}, or -1. */
    int get(String text, int start, int end) {
        return find(hash(text, start, end, 0), text, start, end, end, end);
    }

    /** The id of {@code text[start, end) + text[start2, end2)}, the token a merge produces, or -1. */
    int getJoined(String text, int start, int end, int start2, int end2) {
        return find(hash(text, start2, end2, hash(text, start, end, 0)), text, start, end, start2, end2);
    }

    private int find(int hash, String text, int start, int end, int start2, int end2) {
        int length = end - start;
        int length2 = end2 - start2;
        int i = spread(hash) & mask;
        while (true) {
            String key = keys[i];
            if (key == null) {
                return -1;
            }
            if (hashes[i] == hash && key.length() == length + length2 && key.regionMatches(0, text, start, length)
                    && key.regionMatches(length, text, start2, length2)) {
                return ids[i];
            }
            i = (i + 1) & mask;
        }
    }

    /** Each token with its id, in no particular order. */
    void forEach(ObjIntConsumer<String> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                action.accept(keys[i], ids[i]);
            }
        }
    }

    /** {@link String#hashCode()} of {@code text[start, end)} continued from {@code h}. */
    private static int hash(String text, int start, int end, int h) {
        for (int k = start; k < end; k++) {
            h = 31 * h + text.charAt(k);
        }
        return h;
    }

    /** String hashes of similar tokens differ mostly in their low bits' neighbours: mix before masking. */
    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void grow() {
        String[] oldKeys = keys;
        int[] oldHashes = hashes;
        int[] oldIds = ids;
        keys = new String[oldKeys.length * 2];
        hashes = new int[keys.length];
        ids = new int[keys.length];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int j = spread(oldHashes[i]) & mask;
                while (keys[j] != null) {
                    j = (j + 1) & mask;
                }
                keys[j] = oldKeys[i];
                hashes[j] = oldHashes[i];
                ids[j] = oldIds[i];
                size++;
            }
        }
    }

    @Override
    public String toString() {
        return "Vocabulary[" + size + " tokens]";
    }
}
