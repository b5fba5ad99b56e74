package io.larder.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a value is written: its expiry, its client flags and its tags. Immutable; the common cases are
 * one short expression: {@code WriteOptions.expiring(Expiry.after(Duration.ofMinutes(5)))},
 * {@code WriteOptions.tagged("user:42", "post:7")}, or
 * {@code WriteOptions.expiring(e).withFlags(3).withTags(tags)}.
 *
 * <p><b>Tags</b> name what a value was built from, so that {@link StorageEngine#invalidateTag}
 * can invalidate every value built from one item without a scan. A write carries at most
 * {@value #MAX_TAGS} distinct tags, each {@value #MIN_TAG_BYTES}..{@value #MAX_TAG_BYTES} bytes of
 * UTF-8; tags are compared as exact strings. They are checked when the options are made, so a bad
 * tag never reaches an engine.
 */
public final class WriteOptions {

    /** The most tags one write may carry. */
    public static final int MAX_TAGS = 16;
    /** The fewest bytes of UTF-8 in a tag. */
    public static final int MIN_TAG_BYTES = 1;
    /** The most bytes of UTF-8 in a tag. */
    public static final int MAX_TAG_BYTES = 250;

    private static final WriteOptions NONE = new WriteOptions(Expiry.never(), 0, List.of());

    private final Expiry expiry;
    private final int flags;
    private final List<String> tags;

    private WriteOptions(Expiry expiry, int flags, List<String> tags) {
        this.expiry = expiry;
        this.flags = flags;
        this.tags = tags;
    }

    /** {@return no expiry, no flags, no tags} */
    public static WriteOptions none() {
        return NONE;
    }

    /**
     * Options with this expiry, no flags and no tags.
     *
     * @param expiry when the entry expires
     * @return the options
     * @throws NullPointerException if {@code expiry} is null
     */
    public static WriteOptions expiring(Expiry expiry) {
        return NONE.withExpiry(expiry);
    }

    /**
     * Options with these tags, no expiry and no flags.
     *
     * @param tags the tags
     * @return the options
     * @throws NullPointerException if {@code tags} or one of them is null
     * @throws IllegalArgumentException if there are more than {@value #MAX_TAGS} tags, a tag is
     *         repeated, or a tag is empty, longer than {@value #MAX_TAG_BYTES} bytes of UTF-8 or not
     *         valid Unicode
     */
    public static WriteOptions tagged(String... tags) {
        return NONE.withTags(tags);
    }

    /**
     * The same options with another expiry.
     *
     * @param expiry when the entry expires
     * @return the options
     * @throws NullPointerException if {@code expiry} is null
     */
    public WriteOptions withExpiry(Expiry expiry) {
        return new WriteOptions(Objects.requireNonNull(expiry, "expiry must not be null (use Expiry.never())"),
                flags, tags);
    }

    /**
     * The same options with other client flags.
     *
     * @param flags 32 opaque bits
     * @return the options
     */
    public WriteOptions withFlags(int flags) {
        return new WriteOptions(expiry, flags, tags);
    }

    /**
     * The same options with these tags instead of the current ones.
     *
     * @param tags the tags, in the order they are kept
     * @return the options
     * @throws NullPointerException if {@code tags} or one of them is null
     * @throws IllegalArgumentException if there are more than {@value #MAX_TAGS} tags, a tag is
     *         repeated, or a tag is empty, longer than {@value #MAX_TAG_BYTES} bytes of UTF-8 or not
     *         valid Unicode
     */
    public WriteOptions withTags(String... tags) {
        Objects.requireNonNull(tags, "tags must not be null");
        return withTags(Arrays.asList(tags));
    }

    /**
     * The same options with these tags instead of the current ones.
     *
     * @param tags the tags, in the order they are kept
     * @return the options
     * @throws NullPointerException if {@code tags} or one of them is null
     * @throws IllegalArgumentException if there are more than {@value #MAX_TAGS} tags, a tag is
     *         repeated, or a tag is empty, longer than {@value #MAX_TAG_BYTES} bytes of UTF-8 or not
     *         valid Unicode
     */
    public WriteOptions withTags(Collection<String> tags) {
        return new WriteOptions(expiry, flags, checkTags(tags));
    }

    /**
     * Checks a list of tags against the limits and returns an unmodifiable copy of it.
     *
     * @param tags the tags
     * @return the same tags, unmodifiable
     * @throws NullPointerException if {@code tags} or one of them is null
     * @throws IllegalArgumentException if there are more than {@value #MAX_TAGS} tags, a tag is
     *         repeated, or a tag is empty, longer than {@value #MAX_TAG_BYTES} bytes of UTF-8 or not
     *         valid Unicode
     */
    public static List<String> checkTags(Collection<String> tags) {
        Objects.requireNonNull(tags, "tags must not be null");
        if (tags.isEmpty()) {
            return List.of();
        }
        if (tags.size() > MAX_TAGS) {
            throw new IllegalArgumentException("a write carries at most " + MAX_TAGS + " tags, got " + tags.size());
        }
        List<String> copy = new ArrayList<>(tags.size());
        Set<String> seen = new HashSet<>();
        for (String tag : tags) {
            checkTag(tag);
            if (!seen.add(tag)) {
                throw new IllegalArgumentException("tag '" + tag + "' is given twice");
            }
            copy.add(tag);
        }
        return Collections.unmodifiableList(copy);
    }

    /**
     * Checks one tag against the limits and returns its UTF-8 bytes.
     *
     * @param tag the tag
     * @return its UTF-8 encoding
     * @throws NullPointerException if {@code tag} is null
     * @throws IllegalArgumentException if the tag is empty, longer than {@value #MAX_TAG_BYTES}
     *         bytes of UTF-8 or not valid Unicode
     */
    public static byte[] checkTag(String tag) {
        Objects.requireNonNull(tag, "tag must not be null");
        byte[] bytes = Utf8.encode(tag, "tag");
        if (bytes.length < MIN_TAG_BYTES || bytes.length > MAX_TAG_BYTES) {
            throw new IllegalArgumentException("a tag is " + MIN_TAG_BYTES + ".." + MAX_TAG_BYTES
                    + " bytes of UTF-8, got " + bytes.length + (bytes.length == 0 ? "" : " for '"
                    + tag.substring(0, Math.min(tag.length(), 40)) + (tag.length() > 40 ? "...'" : "'")));
        }
        return bytes;
    }

    /** {@return when the entry expires} */
    public Expiry expiry() {
        return expiry;
    }

    /** {@return the client flags} */
    public int flags() {
        return flags;
    }

    /** {@return the tags, unmodifiable, possibly empty} */
    public List<String> tags() {
        return tags;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WriteOptions)) {
            return false;
        }
        WriteOptions w = (WriteOptions) o;
        return flags == w.flags && expiry.equals(w.expiry) && tags.equals(w.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expiry, flags, tags);
    }

    @Override
    public String toString() {
        return "WriteOptions[" + expiry + ", flags=" + flags + (tags.isEmpty() ? "" : ", tags=" + tags) + "]";
    }
}
