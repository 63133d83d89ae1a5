/* SPDX-License-Identifier: MIT */
/*
 * api_circles.c -- one living circle: grade, indicators, the survey of a
 * period (GET /circles/{id}).
 */
#include <math.h>

#include "server/api.h"
#include "server/reply.h"

#define MIN_SAMPLES 50 /* survey answers for a valid satisfaction rate */

typedef struct circle_json {
    json_t *j;
    const char *period;
} circle_json;

static qt_status circle_to_json(void *ud, const qt_store_circle *c, qt_error *err)
{
    circle_json *cj = ud;
    json_t *ind = NULL, *survey;
    int valid = c->survey_answers >= MIN_SAMPLES;
    (void)err;
    if (c->indicators_json)
        ind = json_loads(c->indicators_json, 0, NULL);
    survey = json_pack("{s:s, s:I, s:I, s:b, s:i}", "period", cj->period, "answers", (json_int_t)c->survey_answers,
                       "satisfied", (json_int_t)c->survey_satisfied, "valid", valid, "min_samples", MIN_SAMPLES);
    if (survey)
        json_object_set_new(survey, "satisfaction",
                            valid ? json_real((double)c->survey_satisfied / (double)c->survey_answers) : json_null());
    cj->j = json_pack("{s:I, s:s, s:s?, s:o, s:I, s:I, s:o}", "id", (json_int_t)c->id, "name", c->name, "grade",
                      c->grade, "indicators", ind ? ind : json_null(), "communities", (json_int_t)c->communities,
                      "outlets", (json_int_t)c->outlets, "survey", survey ? survey : json_null());
    if (cj->j && isfinite(c->investment))
        json_object_set_new(cj->j, "investment", json_real(c->investment));
    return QT_OK;
}

enum MHD_Result qt__api_circle_get(qt__req *r)
{
    char period[16];
    const char *p = qt__req_arg(r, "period");
    circle_json cj = {NULL, NULL};
    qt_error e = QT_ERROR_INIT;
    qt__period_now(r->s, period);
    cj.period = p && *p ? p : period;
    if (qt_store_circle_get(r->st, r->id, cj.period, circle_to_json, &cj, &e) != QT_OK)
        return qt__reply_status(r, &e);
    return qt__reply_json(r, 200, cj.j);
}
