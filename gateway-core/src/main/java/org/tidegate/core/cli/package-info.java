/** The command-line SPI: subcommands contributed by modules, and shared option parsing. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.core.cli;
