/* SPDX-License-Identifier: MIT */
/*
 * server/api.h -- the endpoint handlers, one family per file (the rows of the
 * table in router.c name them; see server/router.h for the pattern).
 * Every handler: enum MHD_Result qt__api_<name>(qt__req *r).
 */
#ifndef QUARTER_SERVER_API_H
#define QUARTER_SERVER_API_H

#include <microhttpd.h>

#include "server/request.h"

/* api_admin.c: the service's state, accounts made by the admin */
enum MHD_Result qt__api_health(qt__req *r);
enum MHD_Result qt__api_user_create(qt__req *r);
enum MHD_Result qt__api_user_link(qt__req *r);
enum MHD_Result qt__api_user_home(qt__req *r);
enum MHD_Result qt__api_index(qt__req *r);
enum MHD_Result qt__api_openapi(qt__req *r);

/* api_accounts.c: residents register, everybody logs in */
enum MHD_Result qt__api_register(qt__req *r);
enum MHD_Result qt__api_login(qt__req *r);

/* api_nearby.c: the k nearest outlets by walking */
enum MHD_Result qt__api_nearby(qt__req *r);

/* api_outlets.c: one outlet, edits */
enum MHD_Result qt__api_outlet_get(qt__req *r);
enum MHD_Result qt__api_my_outlets(qt__req *r);
enum MHD_Result qt__api_places(qt__req *r);
enum MHD_Result qt__api_outlet_patch(qt__req *r);

/* api_coupons.c */
enum MHD_Result qt__api_coupon_create(qt__req *r);
enum MHD_Result qt__api_coupon_claim(qt__req *r);
enum MHD_Result qt__api_redeem(qt__req *r);
enum MHD_Result qt__api_coupons_get(qt__req *r);
enum MHD_Result qt__api_my_coupons(qt__req *r);
enum MHD_Result qt__api_my_coupon_qr(qt__req *r);

/* api_goods.c: goods of a shop, search near a point */
enum MHD_Result qt__api_good_create(qt__req *r);
enum MHD_Result qt__api_good_put(qt__req *r);
enum MHD_Result qt__api_good_delete(qt__req *r);
enum MHD_Result qt__api_goods_of_outlet(qt__req *r);
enum MHD_Result qt__api_goods_search(qt__req *r);
enum MHD_Result qt__api_goods_upload(qt__req *r);

/* api_circles.c */
enum MHD_Result qt__api_circle_get(qt__req *r);

/* api_navigation.c: route, isochrone */
enum MHD_Result qt__api_route(qt__req *r);
enum MHD_Result qt__api_isochrone(qt__req *r);

/* api_jobs.c */
enum MHD_Result qt__api_jobs_get(qt__req *r);
enum MHD_Result qt__api_job_create(qt__req *r);
enum MHD_Result qt__api_job_apply(qt__req *r);
enum MHD_Result qt__api_job_put(qt__req *r);
enum MHD_Result qt__api_my_jobs(qt__req *r);
enum MHD_Result qt__api_applications_get(qt__req *r);

/* api_surveys.c: satisfaction surveys and complaints */
enum MHD_Result qt__api_survey_add(qt__req *r);
enum MHD_Result qt__api_complaint_add(qt__req *r);
enum MHD_Result qt__api_complaints_get(qt__req *r);
enum MHD_Result qt__api_complaint_answer(qt__req *r);
enum MHD_Result qt__api_complaint_resolve(qt__req *r);

/* api_web.c: the pages (from memory, with a CSP), the map's configuration, base-map tiles */
enum MHD_Result qt__api_web_page(qt__req *r);
enum MHD_Result qt__api_map(qt__req *r);
enum MHD_Result qt__api_tile(qt__req *r);

/* api_planner.c: the planner dashboard */
enum MHD_Result qt__api_planner_circles(qt__req *r);
enum MHD_Result qt__api_planner_circle_outlets(qt__req *r);
enum MHD_Result qt__api_planner_layer(qt__req *r);
enum MHD_Result qt__api_planner_whatif(qt__req *r);
enum MHD_Result qt__api_planner_trends(qt__req *r);

#endif
