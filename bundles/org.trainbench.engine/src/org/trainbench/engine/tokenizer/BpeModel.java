package org.trainbench.engine.tokenizer;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The BPE model of a tokenizer.json: a vocabulary and ranked merges. A piece starts as one symbol per unit (or, with
 * byte fallback, one {@code <0xXX>} symbol per UTF-8 byte of an unknown character); the adjacent pair with the lowest
 * merge rank, leftmost first, is merged until no pair has a merge. With {@code ignore_merges} (Llama 3) a piece that
 * is itself in the vocabulary is one token. Results are cached per piece, as HF does.
 */
final class BpeModel {
    private static final int CACHE_LIMIT = 200_000;
    private static final String HEX = "0123456789ABCDEF";

    private final Vocabulary vocab;
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

    BpeModel(Vocabulary vocab, MergeList merges, String unkToken, boolean fuseUnk, boolean byteFallback,
            boolean ignoreMerges) {
        this.vocab = vocab;
        Arrays.fill(charIds, -1);
        vocab.forEach((token, id) -> {
            if (token.length() == 1) {
                charIds[token.charAt(0)] = id;
            }
        });
        int count = merges.size();
        int[] resolved = resolve(vocab, merges);
        ranks = new PairRanks(count + 16); // a table of at least twice the merges
        mergeResult = new int[count];
        for (int rank = 0; rank < count; rank++) {
            int left = resolved[3 * rank];
            int right = resolved[3 * rank + 1];
            int merged = resolved[3 * rank + 2];
            if (left < 0 || right < 0 || merged < 0) {
                String[] pair = merges.tokens(rank);
                throw new IllegalArgumentException("merge " + rank + " (\"" + pair[0] + "\" \"" + pair[1]
                        + "\") uses a token that is not in the vocabulary");
            }
            ranks.putIfAbsent(left, right, rank);
            mergeResult[rank] = merged;
        }
        this.unkId = unkToken == null ? -1 : vocab.get(unkToken);
        this.fuseUnk = fuseUnk;
        if (byteFallback) {
            byteFallbackIds = new int[256];
            for (int b = 0; b < 256; b++) {
                byteFallbackIds[b] = vocab.get("<0x" + HEX.charAt(b >> 4) + HEX.charAt(b & 15) + ">");
            }
        } else {
            byteFallbackIds = null;
        }
        this.ignoreMerges = ignoreMerges;
    }

    /** Fewer merges than this are not worth another thread. */
    private static final int MERGES_PER_THREAD = 32_768;

    /**
     * The ids {left, right, merged} of each merge by rank, -1 for a token not in the vocabulary; Llama 3's 280,147
     * merges are looked up on several threads (the vocabulary is only read).
     */
    private static int[] resolve(Vocabulary vocab, MergeList merges) {
        int count = merges.size();
        int[] resolved = new int[3 * count];
        int threads = Math.clamp(count / MERGES_PER_THREAD, 1, Math.min(8, Runtime.getRuntime().availableProcessors()));
        int chunk = (count + threads - 1) / threads;
        Thread[] helpers = new Thread[threads - 1];
        RuntimeException[] failures = new RuntimeException[threads];
        for (int t = 1; t < threads; t++) {
            int index = t;
            helpers[t - 1] = Thread.ofPlatform().name("tokenizer-merges-" + t).start(() -> {
                try {
                    merges.resolve(vocab, index * chunk, Math.min(count, (index + 1) * chunk), resolved);
                } catch (RuntimeException e) {
                    failures[index] = e;
                }
            });
        }
        merges.resolve(vocab, 0, Math.min(count, chunk), resolved);
        boolean interrupted = false;
        for (Thread helper : helpers) {
            while (true) { // the arrays must be complete; an interrupt is kept for the caller
                try {
                    helper.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        for (RuntimeException failure : failures) {
            if (failure != null) {
                throw failure;
            }
        }
        return resolved;
    }

    Vocabulary vocab() {
        return vocab;
    }

    private int charId(int cp) {
        if (cp < 0x10000) {
            return charIds[cp];
        }
        return vocab.get(Character.toString(cp));
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
            int whole = vocab.get(key);
            if (whole >= 0) {
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
