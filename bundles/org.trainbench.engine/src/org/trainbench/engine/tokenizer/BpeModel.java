package org.trainbench.engine.tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model of a tokenizer.json: a vocabulary and ranked merges. A piece starts as one symbol per unit (or, with
 * byte fallback, one {@code <0xXX>} symbol per UTF-8 byte of an unknown character); the adjacent pair with the lowest
 * merge rank, leftmost first, is merged until no pair has a merge. With {@code ignore_merges} (Llama 3) a piece that
 * is itself in the vocabulary is one token. Results are cached per piece, as HF does.
 */
final class BpeModel {
    private static final int CACHE_LIMIT = 200_000;

    private final Map<String, Integer> vocab;
    /** Id of each single code point below 0x10000, or -1. */
    private final int[] charIds = new int[0x10000];
    private final PairRanks ranks;
    /** The token id each merge (by rank) produces. */
    private final int[] mergeResult;
    private final int unkId;
    private final boolean fuseUnk;
    private final int[] byteFallbackIds;
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    BpeModel(Map<String, Integer> vocab, List<String[]> merges, String unkToken, boolean fuseUnk, boolean byteFallback,
            boolean ignoreMerges) {
        this.vocab = vocab;
        Arrays.fill(charIds, -1);
        for (Map.Entry<String, Integer> entry : vocab.entrySet()) {
            String token = entry.getKey();
            if (token.length() == 1) {
                charIds[token.charAt(0)] = entry.getValue();
            }
        }
        ranks = new PairRanks(merges.size() * 2 + 16);
        mergeResult = new int[merges.size()];
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = merges.get(rank);
            Integer left = vocab.get(pair[0]);
            Integer right = vocab.get(pair[1]);
            Integer merged = vocab.get(pair[0] + pair[1]);
            if (left == null || right == null || merged == null) {
                throw new IllegalArgumentException("merge " + rank + " (\"" + pair[0] + "\" \"" + pair[1]
                        + "\") uses a token that is not in the vocabulary");
            }
            ranks.putIfAbsent(left, right, rank);
            mergeResult[rank] = merged;
        }
        Integer unk = unkToken == null ? null : vocab.get(unkToken);
        this.unkId = unk == null ? -1 : unk;
        this.fuseUnk = fuseUnk;
        if (byteFallback) {
            byteFallbackIds = new int[256];
            for (int b = 0; b < 256; b++) {
                Integer id = vocab.get(String.format("<0x%02X>", b));
                byteFallbackIds[b] = id == null ? -1 : id;
            }
        } else {
            byteFallbackIds = null;
        }
        this.ignoreMerges = ignoreMerges;
    }

    Map<String, Integer> vocab() {
        return vocab;
    }

    private int charId(int cp) {
        if (cp < 0x10000) {
            return charIds[cp];
        }
        Integer id = vocab.get(new String(Character.toChars(cp)));
        return id == null ? -1 : id;
    }

    /** Encodes one piece, appending tokens with offsets taken from the piece's alignment. */
    void encode(Piece piece, TokenSink sink) {
        if (piece.isEmpty()) {
            return;
        }
        String key = piece.text();
        int[] result = cache.get(key);
        if (result == null) {
            result = merge(piece, key);
            if (cache.size() < CACHE_LIMIT) {
                cache.put(key, result);
            }
        }
        int count = result.length / 3;
        for (int t = 0; t < count; t++) {
            int unitStart = result[count + t];
            int unitEnd = result[2 * count + t];
            sink.add(result[t], piece.start(unitStart), piece.end(unitEnd - 1));
        }
    }

    /** Returns {ids..., unitStarts..., unitEnds...}. */
    private int[] merge(Piece piece, String key) {
        int n = piece.length();
        if (ignoreMerges) {
            Integer whole = vocab.get(key);
            if (whole != null) {
                return new int[] {whole, 0, n};
            }
        }
        int capacity = byteFallbackIds == null ? n : n * 4;
        int[] id = new int[capacity];
        int[] unitStart = new int[capacity];
        int[] unitEnd = new int[capacity];
        int count = 0;
        byte[] bytes = new byte[4];
        for (int u = 0; u < n; u++) {
            int cp = piece.unit(u);
            int tokenId = charId(cp);
            if (tokenId >= 0) {
                id[count] = tokenId;
                unitStart[count] = u;
                unitEnd[count] = u + 1;
                count++;
                continue;
            }
            if (byteFallbackIds != null) {
                int length = Utf8.encode(cp, bytes);
                boolean all = true;
                for (int b = 0; b < length; b++) {
                    all &= byteFallbackIds[bytes[b] & 0xFF] >= 0;
                }
                if (all) {
                    for (int b = 0; b < length; b++) {
                        id[count] = byteFallbackIds[bytes[b] & 0xFF];
                        unitStart[count] = u;
                        unitEnd[count] = u + 1;
                        count++;
                    }
                    continue;
                }
            }
            if (unkId >= 0) {
                if (fuseUnk && count > 0 && id[count - 1] == unkId) {
                    unitEnd[count - 1] = u + 1;
                } else {
                    id[count] = unkId;
                    unitStart[count] = u;
                    unitEnd[count] = u + 1;
                    count++;
                }
            }
            // no unk token: HF drops the character
        }
        count = mergePairs(id, unitStart, unitEnd, count);
        int[] result = new int[count * 3];
        System.arraycopy(id, 0, result, 0, count);
        System.arraycopy(unitStart, 0, result, count, count);
        System.arraycopy(unitEnd, 0, result, 2 * count, count);
        return result;
    }

    /** Applies merges in (rank, position) order; compacts the surviving symbols to the front; returns their count. */
    private int mergePairs(int[] id, int[] unitStart, int[] unitEnd, int count) {
        if (count < 2) {
            return count;
        }
        int[] next = new int[count];
        int[] prev = new int[count];
        for (int i = 0; i < count; i++) {
            next[i] = i + 1 < count ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // Each merge pushes at most two pairs, so 3 * count entries always suffice.
        long[] heap = new long[3 * count + 4];
        int heapSize = 0;
        for (int i = 0; i + 1 < count; i++) {
            int rank = ranks.get(id[i], id[i + 1]);
            if (rank >= 0) {
                heap[heapSize++] = ((long) rank << 32) | i;
            }
        }
        for (int i = heapSize / 2 - 1; i >= 0; i--) {
            siftDown(heap, heapSize, i);
        }
        while (heapSize > 0) {
            long top = heap[0];
            heap[0] = heap[--heapSize];
            siftDown(heap, heapSize, 0);
            int rank = (int) (top >>> 32);
            int pos = (int) top;
            if (id[pos] < 0) {
                continue;
            }
            int right = next[pos];
            if (right < 0 || ranks.get(id[pos], id[right]) != rank) {
                continue;
            }
            id[pos] = mergeResult[rank];
            unitEnd[pos] = unitEnd[right];
            id[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) {
                prev[after] = pos;
            }
            int before = prev[pos];
            if (before >= 0) {
                int r = ranks.get(id[before], id[pos]);
                if (r >= 0) {
                    heapSize = push(heap, heapSize, ((long) r << 32) | before);
                }
            }
            if (after >= 0) {
                int r = ranks.get(id[pos], id[after]);
                if (r >= 0) {
                    heapSize = push(heap, heapSize, ((long) r << 32) | pos);
                }
            }
        }
        int out = 0;
        for (int i = 0; i < count; i++) {
            if (id[i] >= 0) {
                id[out] = id[i];
                unitStart[out] = unitStart[i];
                unitEnd[out] = unitEnd[i];
                out++;
            }
        }
        return out;
    }

    private static int push(long[] heap, int size, long value) {
        heap[size] = value;
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= heap[i]) {
                break;
            }
            long t = heap[parent];
            heap[parent] = heap[i];
            heap[i] = t;
            i = parent;
        }
        return size + 1;
    }

    private static void siftDown(long[] heap, int size, int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int smallest = left + 1 < size && heap[left + 1] < heap[left] ? left + 1 : left;
            if (heap[i] <= heap[smallest]) {
                return;
            }
            long t = heap[i];
            heap[i] = heap[smallest];
            heap[smallest] = t;
            i = smallest;
        }
    }

    /** Open-addressing map from a token-id pair to its merge rank. */
    private static final class PairRanks {
        private final long[] keys;
        private final int[] values;
        private final int mask;

        PairRanks(int expected) {
            int capacity = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
            keys = new long[capacity];
            values = new int[capacity];
            Arrays.fill(keys, -1L);
            mask = capacity - 1;
        }

        private static int hash(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29));
        }

        void putIfAbsent(int left, int right, int rank) {
            long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
            int i = hash(key) & mask;
            while (keys[i] != -1L) {
                if (keys[i] == key) {
                    return; // a duplicate merge keeps its first (lowest) rank
                }
                i = (i + 1) & mask;
            }
            keys[i] = key;
            values[i] = rank;
        }

        int get(int left, int right) {
            long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
            int i = hash(key) & mask;
            while (true) {
                long k = keys[i];
                if (k == key) {
                    return values[i];
                }
                if (k == -1L) {
                    return -1;
                }
                i = (i + 1) & mask;
            }
        }
    }
}
