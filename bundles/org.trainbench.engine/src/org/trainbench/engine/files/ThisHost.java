package org.trainbench.engine.files;

import java.io.IOException;

/**
 * This machine's name, as the marks Trainbench leaves on folders record it (a run directory's lock, prepare's work
 * folder): a mark of a process on another host cannot be checked from here, so it is never taken for a dead one.
 */
public final class ThisHost {
    private ThisHost() {
    }

    public static String name() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment != null ? fromEnvironment : "unknown";
        }
    }
}
