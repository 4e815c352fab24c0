/**
 * The command-line SPI: subcommands contributed by modules, declared with picocli annotations
 * ({@link org.tidegate.core.cli.PicocliCommand}) or hand-parsed ({@link org.tidegate.core.cli.Subcommand} with
 * {@link org.tidegate.core.cli.Args}), and {@link org.tidegate.core.cli.CommandLines}, which runs both with one set of
 * exit codes and error messages; and {@link org.tidegate.core.cli.ProvisioningWait}, what {@code tidegate run} does
 * on a home without an identity. Used on the launcher's class path only, never inside the OSGi framework.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.tidegate.core.cli;
