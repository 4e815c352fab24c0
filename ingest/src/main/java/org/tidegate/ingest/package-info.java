/**
 * The ingest service: what gateways publish, verified as {@code tidegate receive} verifies it, stored exactly once
 * in PostgreSQL ({@link org.tidegate.ingest.IngestService}); docs/ingest.md describes the schema and the guarantees.
 */
package org.tidegate.ingest;
