package io.larder.engine.offheap;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per tag, the keys of the stored entries carrying it, so that reclaiming what a tag removal hid
 * costs the entries carrying that tag, never a scan of the store. Updated by the {@link Store} under
 * the key's segment lock whenever a tagged entry is written or removed; a tagged write adds its key
 * before it commits (holding the tag lock of {@link TagMarks}), so every entry a published mark hides
 * is indexed. The index may hold a key whose entry no longer carries the tag (an entry dropped on a
 * failed restore); the reclaim drops such keys when it meets them.
 *
 * <p><b>Bound.</b> On the heap: one set member per (tagged entry, tag), the key as a Latin-1 string,
 * and one set per tag carried by some stored entry. Untagged entries cost nothing.
 */
final class TagIndex {

    private final ConcurrentHashMap<String, Set<String>> keys = new ConcurrentHashMap<>();

    void add(List<String> tags, byte[] key, int keyLength) {
        String k = name(key, keyLength);
        for (int i = 0; i < tags.size(); i++) {
            keys.compute(tags.get(i), (t, set) -> {
                Set<String> s = set == null ? ConcurrentHashMap.newKeySet() : set;
                s.add(k);
                return s;
            });
        }
    }

    void remove(List<String> tags, byte[] key, int keyLength) {
        String k = name(key, keyLength);
        for (int i = 0; i < tags.size(); i++) {
            remove(tags.get(i), k);
        }
    }

    void remove(String tag, String key) {
        keys.computeIfPresent(tag, (t, set) -> {
            set.remove(key);
            return set.isEmpty() ? null : set;
        });
    }

    /** A snapshot of the keys carrying {@code tag}, as {@link #name} gives them. */
    List<String> keysOf(String tag) {
        Set<String> set = keys.get(tag);
        return set == null ? List.of() : List.copyOf(set);
    }

    /** Tags carried by some indexed entry. */
    int tags() {
        return keys.size();
    }

    static String name(byte[] key, int keyLength) {
        return new String(key, 0, keyLength, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }
}
