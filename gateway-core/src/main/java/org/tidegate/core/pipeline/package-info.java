/** Seams between the device layer and the message pipeline: sample sinks, running devices and their connection restarts. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.tidegate.core.pipeline;
