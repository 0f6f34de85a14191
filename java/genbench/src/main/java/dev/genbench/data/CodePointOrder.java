package dev.genbench.data;

import java.util.Comparator;

/**
 * String order by Unicode code point, as Python's {@code sorted} orders strings. Java's
 * {@link String#compareTo} orders UTF-16 units, which differs for characters above U+FFFF; generator ids
 * depend on this order (SPEC §1.4).
 */
public final class CodePointOrder {
    public static final Comparator<String> INSTANCE = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private CodePointOrder() {}
}
