package dev.spool.storage;

import java.nio.file.Path;

/** Names of a log directory's files: segments are named by their base offset, 20 digits, zero-padded. */
final class LogFiles {
    private LogFiles() {}

    static final int OFFSET_DIGITS = 20;

    /** {@code 00000000000000000042.log} for base offset 42 and suffix {@code .log}. */
    static String fileName(long baseOffset, String suffix) {
        String digits = Long.toString(baseOffset);
        StringBuilder sb = new StringBuilder(OFFSET_DIGITS + suffix.length());
        for (int i = digits.length(); i < OFFSET_DIGITS; i++) {
            sb.append('0');
        }
        return sb.append(digits).append(suffix).toString();
    }

    /** The base offset a file is named for, or -1 if the name is not {@code <20 digits><suffix>}. */
    static long baseOffsetOf(Path file, String suffix) {
        String name = file.getFileName().toString();
        if (!name.endsWith(suffix) || name.length() != OFFSET_DIGITS + suffix.length()) {
            return -1;
        }
        for (int i = 0; i < OFFSET_DIGITS; i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return -1;
            }
        }
        try {
            return Long.parseLong(name.substring(0, OFFSET_DIGITS));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
