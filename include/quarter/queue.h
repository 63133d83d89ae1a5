/* SPDX-License-Identifier: MIT */
/*
 * quarter/queue.h -- cities analysed on many machines: a queue of city jobs
 * in PostgreSQL, and each finished city's results in PostGIS tables.
 *
 * Everything lives in the schema quarter_queue of the database named by a
 * postgresql:// URL (libpq), created and migrated by qt_queue_open (versions
 * in quarter_queue.schema_migrations; a newer schema is refused untouched):
 *   jobs         one row per city: state queued | running | done | failed,
 *                attempts, the lease (owner, lease_until), error, completions
 *   cities       the province summary row of every finished city
 *   circles      MultiPolygon  city, name, grade, population, all_basic, basic_present, quality_present, reasons
 *   communities  MultiPolygon  city, name, circle, population, all_basic, covered
 *   blindspots   MultiPolygon  city, circle, category, zh, class, ring_min, unserved_population, cells
 *   sites        Point         city, id, rank, category, zh, circle, newly_served, near
 * Geometries are SRID 4326 with GiST indexes; every table has the city as a
 * column.  A worker claims a job with SELECT ... FOR UPDATE SKIP LOCKED and
 * holds it by a lease it renews (qt_queue_heartbeat); a job whose lease ran
 * out (its worker was killed) is claimed again; a job that failed
 * max_attempts times is marked failed with its last message.
 * qt_queue_finish writes a city's rows and marks its job done in one
 * transaction, replacing the rows of an earlier run: a city is never there
 * twice.
 * Ownership: a qt_queue is one connection, for one thread at a time; close
 * it with qt_queue_close.  Lists given out are freed with qt_queue_free.
 */
#ifndef QUARTER_QUEUE_H
#define QUARTER_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/province.h"
#include "quarter/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qt_queue qt_queue;

/** A claimed job. */
typedef struct qt_queue_job {
    int64_t id;
    char city[128];
    char path[1024]; /* the project file, as every worker must find it */
    int attempt;     /* 1 on the first claim */
} qt_queue_job;

/** One job as listed by qt_queue_list. */
typedef struct qt_queue_row {
    int64_t id;
    char city[128], path[1024], state[16], owner[128], error[512];
    int attempts, max_attempts, completions;
} qt_queue_row;

typedef struct qt_queue_counts {
    size_t queued, running, done, failed;
} qt_queue_counts;

/** Connect to url (postgresql://...) and create or migrate the schema.  Statuses: QT_EDB, QT_ECONFLICT
 *  (a newer schema), QT_ENOMEM.  OUT *q. */
QT_API qt_status qt_queue_open(const char *url, qt_queue **q, qt_error *err);
QT_API void qt_queue_close(qt_queue *q);
/** The schema version qt_queue_open left (the number of migrations applied). */
QT_API int qt_queue_schema_version(const qt_queue *q);

/** Queue city (project file path): a new job, or the city's job queued again from scratch. */
QT_API qt_status qt_queue_add(qt_queue *q, const char *city, const char *path, int max_attempts, qt_error *err);
/** Claim the oldest claimable job for owner with a lease of lease_s seconds; *got 0: none.  Jobs whose
 *  lease ran out after their last attempt are marked failed on the way. */
QT_API qt_status qt_queue_claim(qt_queue *q, const char *owner, double lease_s, qt_queue_job *job, int *got,
                                qt_error *err);
/** Renew the lease; *ours 0: the job is no longer this owner's (its lease ran out and it was taken). */
QT_API qt_status qt_queue_heartbeat(qt_queue *q, const qt_queue_job *job, const char *owner, double lease_s, int *ours,
                                    qt_error *err);
/** Give the job back unfinished (the worker stops): queued again, this attempt not counted. */
QT_API qt_status qt_queue_release(qt_queue *q, const qt_queue_job *job, const char *owner, qt_error *err);
/** The attempt failed with why: queued again, or failed for good after max_attempts (*final 1). */
QT_API qt_status qt_queue_fail(qt_queue *q, const qt_queue_job *job, const char *owner, const char *why, int *final,
                               qt_error *err);
/**
 * In one transaction: the job is still owner's (else QT_ECONFLICT, nothing
 * written), the city's rows of every results table are replaced by summary
 * s and the layers of the GeoPackage gpkg (analysis.gpkg of qt_report_make),
 * and the job is done.  Statuses also QT_EDB, QT_EIO (gpkg), QT_ENOMEM.
 */
QT_API qt_status qt_queue_finish(qt_queue *q, const qt_queue_job *job, const char *owner, const qt_city_summary *s,
                                 const char *gpkg, qt_error *err);

QT_API qt_status qt_queue_count(qt_queue *q, qt_queue_counts *c, qt_error *err);
/** Every job, oldest first.  OUT *rows (free with qt_queue_free). */
QT_API qt_status qt_queue_list(qt_queue *q, qt_queue_row **rows, size_t *n, qt_error *err);
/** The province summary from the tables: every job oldest first, a done city's row from cities, a failed
 *  one with its error, a queued or running one with error "queued" / "running".  OUT *rows (qt_queue_free). */
QT_API qt_status qt_queue_summaries(qt_queue *q, qt_city_summary **rows, size_t *n, qt_error *err);
QT_API void qt_queue_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
