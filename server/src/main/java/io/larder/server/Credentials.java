package io.larder.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The users allowed in, read once from a file of {@code user:password} lines (memcached's
 * {@code -Y} format; blank lines and lines starting with {@code #} are skipped). The file must be
 * readable by its owner only, as a password file should be.
 */
final class Credentials {
    private final Map<String, byte[]> passwords;

    private Credentials(Map<String, byte[]> passwords) {
        this.passwords = passwords;
    }

    /**
     * @throws IllegalArgumentException if the file is missing, unreadable, readable by its group or
     *         others, malformed, or names no user
     */
    static Credentials load(Path file) {
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (posix != null) {
                Set<PosixFilePermission> perms = posix.readAttributes().permissions();
                for (PosixFilePermission p : perms) {
                    if (!p.name().startsWith("OWNER_")) {
                        throw new IllegalArgumentException("credentials file " + file + " must be readable by its owner"
                                + " only (chmod 600), it has " + perms);
                    }
                }
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            Map<String, byte[]> users = new HashMap<>();
            int n = 0;
            for (String line : lines) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("credentials file " + file + " line " + n
                            + ": expected user:password");
                }
                users.put(line.substring(0, colon), line.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
            }
            if (users.isEmpty()) {
                throw new IllegalArgumentException("credentials file " + file + " names no user");
            }
            return new Credentials(Map.copyOf(users));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read credentials file " + file + ": " + e, e);
        }
    }

    /** Compares in time independent of where the password differs. */
    boolean check(String user, byte[] password) {
        byte[] expected = passwords.get(user);
        return expected != null && MessageDigest.isEqual(expected, password);
    }
}
