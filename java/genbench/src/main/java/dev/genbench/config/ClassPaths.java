package dev.genbench.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code class_path} values a component record answers to: the original's Python class paths first
 * (so its YAML files load unchanged), then our own short names. A record with {@link #unsupported} set
 * is accepted but not carried out: binding it warns once, naming the key and what happens instead.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ClassPaths {
    String[] value();

    /** Empty when supported; otherwise what genbench does instead, shown in the warning. */
    String unsupported() default "";

    /**
     * Whether any other Java class name is accepted too, bound to this record: a user's plug-in class,
     * resolved where the component is used (see extension.Plugins).
     */
    boolean plugins() default false;
}
