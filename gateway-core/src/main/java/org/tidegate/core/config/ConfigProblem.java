package org.tidegate.core.config;

/**
 * One thing wrong with a configuration file.
 *
 * @param file    path relative to the home directory, e.g. {@code devices/x.json}
 * @param path    JSON path of the offending value, e.g. {@code $.channels[2].address}; {@code $} for the whole file
 * @param message why it is wrong, in words a field technician can act on
 */
public record ConfigProblem(String file, String path, String message) {
    @Override
    public String toString() {
        return file + ": " + path + ": " + message;
    }
}
