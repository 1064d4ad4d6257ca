package io.switchboard;

import jakarta.enterprise.inject.Stereotype;
import jakarta.inject.Singleton;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A bean with one instance per application that is injected as itself, without a client proxy: for the
 * beans called several times per message. On Payara every call through an application-scoped proxy
 * looks the instance up (class-loader singleton, interception stack): 8% of a node's CPU in the closed
 * loop. A stereotype because {@code @Singleton} alone does not make a class a bean in "annotated"
 * discovery. Such a bean must not be part of an injection cycle (nothing would break it).
 */
@Stereotype
@Singleton
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Unproxied {
}
