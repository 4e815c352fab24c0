/** The in-memory ring of the gateway's last log lines, as a service (exported by the system bundle). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.tidegate.log;
