/* SPDX-License-Identifier: MIT */
/*
 * quarter.h -- the public API of quarter, the walking-accessibility engine for
 * 15-minute convenient living circles (一刻钟便民生活圈).
 *
 * Include this one header.  Every function that can fail returns qt_status
 * and fills a caller-provided qt_error; ownership of every pointer is stated
 * in the header that declares it.
 */
#ifndef QUARTER_H
#define QUARTER_H

#include "quarter/version.h" /* QT_VERSION_MAJOR, _MINOR, _PATCH, _STRING (from VERSION) */

#include "quarter/status.h"
#include "quarter/graph.h"
#include "quarter/search.h"
#include "quarter/snap.h"
#include "quarter/access.h"
#include "quarter/route.h"
#include "quarter/io.h"
#include "quarter/coords.h"
#include "quarter/profile.h"
#include "quarter/hours.h"
#include "quarter/plan.h"
#include "quarter/place.h"
#include "quarter/spot.h"
#include "quarter/nearby.h"
#include "quarter/inputs.h"
#include "quarter/analyze.h"
#include "quarter/site.h"
#include "quarter/project.h"
#include "quarter/province.h"
#include "quarter/queue.h"
#include "quarter/report.h"
#include "quarter/store.h"
#include "quarter/server.h"
#include "quarter/tiles.h"

/* qt_version(): quarter/status.h */

#endif
