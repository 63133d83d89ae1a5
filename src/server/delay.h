/* SPDX-License-Identifier: MIT */
/*
 * server/delay.h -- the tarpit: a refusal of a rate limit (429) is sent late.
 *
 * A client over a limit (registrations per address, failed logins,
 * complaints, job posts) gets its 429 after a fixed delay, its connection
 * suspended meanwhile: it costs no thread, and a flooder that waits for each
 * reply (as scripts do) sends one request per delay per connection instead of
 * thousands a second, so its connections no longer take the cores legitimate
 * requests need.  A flooder that does not wait runs into the per-address
 * connection cap.  The held connections are a FIFO (every delay is the same,
 * so it is ordered by due time) of bounded length; when it is full the 429
 * goes at once.  One thread resumes each connection when it is due.
 */
#ifndef QUARTER_SERVER_DELAY_H
#define QUARTER_SERVER_DELAY_H

#include <microhttpd.h>

#include "quarter/status.h"

typedef struct qt__delay qt__delay;

/* Start the thread holding at most cap connections for ms milliseconds each.
 * OUT *out: stop with qt__delay_stop. */
qt_status qt__delay_start(qt__delay **out, unsigned cap, unsigned ms, qt_error *err);
/* Resume every held connection now and stop the thread; holds fail from then on (call it before
 * MHD_stop_daemon, which wants no connection suspended).  NULL is a no-op. */
void qt__delay_stop(qt__delay *d);
/* Free it, once no HTTP thread can call qt__delay_hold (after MHD_stop_daemon).  NULL is a no-op. */
void qt__delay_free(qt__delay *d);
/* Hold c (suspended already when suspended is 1, else suspended here: call it from the access handler then)
 * until it is due; libmicrohttpd then calls the handler again.  1 held, 0 not (full, stopped or NULL): reply
 * at once. */
int qt__delay_hold(qt__delay *d, struct MHD_Connection *c, int suspended);

#endif
