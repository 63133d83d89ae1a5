/* SPDX-License-Identifier: MIT */
/*
 * domain/analyze_internal.h -- the parts of qt_analyze shared by analyze.c,
 * analyze_areas.c, analyze_indicators.c and analyze_grade.c (library
 * internal).  Each fills the qt_analysis it is given; nothing is kept.
 */
#ifndef QT_DOMAIN_ANALYZE_INTERNAL_H
#define QT_DOMAIN_ANALYZE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "quarter/analyze.h"
#include "quarter/inputs.h"

/* Communities of the residences, circles and their members into a (res_community, community, circle*). */
qt_status qt__analysis_areas(const qt_analysis_input *in, const qt_analysis_opts *o, qt_analysis *a, qt_error *err);

/* Community of each of the no outlets at olon/olat into home: the nearest residence within 500 m. */
qt_status qt__analysis_outlet_homes(const qt_analysis *a, const qt_residence_list *r, const double *olon,
                                    const double *olat, size_t no, uint32_t *home);

/* Indicators of every area into a, from the times and areas of sh (a itself, or the analysis a what-if
   baseline belongs to); the outlets used are osrc[i]'s outlet oidx[i], i < no. */
qt_status qt__analysis_indicators(qt_analysis *a, const qt_analysis *sh, const qt_analysis_input *in,
                                  const qt_outlet_list *const *osrc, const size_t *oidx, size_t no, qt_error *err);

/* The grade of s (a circle or the city) and its reasons.  Statuses: QT_ENOMEM. */
qt_status qt__analysis_grade(qt_area_stats *s, const qt_profile *p);

#endif
