/** The gateway's core value types: devices, channels and samples. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.tidegate.core.model;
