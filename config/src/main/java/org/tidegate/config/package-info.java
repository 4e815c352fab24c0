/** Loading and validating a gateway home directory. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tidegate.config;
