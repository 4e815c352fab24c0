/** A private PostgreSQL cluster per test or benchmark (initdb, pg_ctl; as a non-root user when run by root). */
package org.tidegate.lab.postgres;
