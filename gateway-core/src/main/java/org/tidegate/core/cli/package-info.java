/**
 * The command-line SPI: subcommands contributed by modules, declared with picocli annotations
 * ({@link org.tidegate.core.cli.PicocliCommand}), and {@link org.tidegate.core.cli.CommandLines}, which runs them with
 * one set of exit codes and error messages. Used on the launcher's class path only, never inside the OSGi framework.
 *
 * <p>2.0.0: the hand-parsed {@code Subcommand} SPI and {@code Args}' option parser are gone;
 * {@code CommandLines.of} and {@code execute} take a {@code PicocliCommand}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.tidegate.core.cli;
