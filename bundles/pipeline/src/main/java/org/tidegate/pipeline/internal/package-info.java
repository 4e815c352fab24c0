/** Pipeline implementation: OSGi components, body encoding, the hand-off between poll threads and the pipeline thread. */
package org.tidegate.pipeline.internal;
