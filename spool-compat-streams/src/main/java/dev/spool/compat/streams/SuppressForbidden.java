package dev.spool.compat.streams;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks code exempt from forbiddenapis (the build matches any annotation of this simple name). This
 * module depends on nothing but kafka-streams, so it carries its own copy of spool-common's.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface SuppressForbidden {
    /** Why the exemption is needed. */
    String reason();
}
