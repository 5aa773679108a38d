/* handlers.h - every API handler, one group per resource file. Each
 * returns 0 on success (commit) or -1 after writing an error (rollback). */
#ifndef TANDEM_API_HANDLERS_H
#define TANDEM_API_HANDLERS_H

#include "api/api.h"

/* system.c */
int h_healthz(api_ctx *c);
int h_metrics(api_ctx *c);
int h_openapi(api_ctx *c);

/* session.c */
int h_session_create(api_ctx *c);
int h_session_delete(api_ctx *c);
int h_me(api_ctx *c);
int h_tokens_list(api_ctx *c);
int h_token_create(api_ctx *c);
int h_token_delete(api_ctx *c);

/* people.c */
int h_people_create(api_ctx *c);
int h_people_list(api_ctx *c);

/* programs.c */
int h_programs_list(api_ctx *c);
int h_program_create(api_ctx *c);
int h_program_get(api_ctx *c);
int h_program_patch(api_ctx *c);
int h_phase_templates(api_ctx *c);

/* participants.c */
int h_participants_list(api_ctx *c);
int h_participants_create(api_ctx *c);
int h_participant_get(api_ctx *c);
int h_participant_patch(api_ctx *c);
int h_participants_bulk(api_ctx *c);

/* imports.c */
int h_program_import(api_ctx *c);
int h_outcome_import(api_ctx *c);
/* What the two imports share: the content type and ?dry_run (0, or -1
 * with the 415/400 written), the errors as JSON rows (a new array), and the
 * 422 carrying the report (taken over) with its errors. */
struct import_problem;
int api_import_dry_run(api_ctx *c, bool *dry_run);
json_t *api_import_errors(const struct import_problem *list, size_t n);
int api_import_invalid(api_ctx *c, const struct import_problem *errors, size_t nerrors,
                       size_t error_count, json_t *report);

/* invitations.c */
int h_invitation_get(api_ctx *c);
int h_invitation_accept(api_ctx *c);
/* accounts by mail (api/account.c) */
int h_password_reset(api_ctx *c);
int h_password_reset_complete(api_ctx *c);
int h_signup_settings_get(api_ctx *c);
int h_signup_settings_put(api_ctx *c);
int h_signup(api_ctx *c);
int h_signup_verify(api_ctx *c);

/* outbox.c */
int h_outbox_list(api_ctx *c);
int h_outbox_retry(api_ctx *c);
int h_mail_status(api_ctx *c);

/* time_zones.c */
int h_time_zones(api_ctx *c);

/* training.c */
int h_training_list(api_ctx *c);
int h_training_complete(api_ctx *c);

/* mentors.c */
int h_mentors_list(api_ctx *c);

/* relationships.c */
int h_relationship_create(api_ctx *c);
int h_relationships_list(api_ctx *c);
int h_relationship_get(api_ctx *c);
int h_relationship_patch(api_ctx *c);

/* matching.c */
int h_match_run_create(api_ctx *c);
int h_match_runs_list(api_ctx *c);
int h_match_run_get(api_ctx *c);
int h_match_run_pairs(api_ctx *c);
int h_match_run_compare(api_ctx *c);
int h_match_run_publish(api_ctx *c);

/* requests.c */
int h_recommendations(api_ctx *c);
int h_request_create(api_ctx *c);
int h_requests_list(api_ctx *c);
int h_request_patch(api_ctx *c);

/* phases.c */
int h_phase_get(api_ctx *c);
int h_phase_check(api_ctx *c);
int h_phase_advance(api_ctx *c);

/* agreement.c */
int h_agreement_get(api_ctx *c);
int h_agreement_put(api_ctx *c);
int h_agreement_sign(api_ctx *c);

/* goals.c */
int h_goals_list(api_ctx *c);
int h_goal_create(api_ctx *c);
int h_goal_patch(api_ctx *c);
int h_milestone_create(api_ctx *c);
int h_milestone_patch(api_ctx *c);

/* meetings.c */
int h_meetings_list(api_ctx *c);
int h_meeting_create(api_ctx *c);
int h_meeting_get(api_ctx *c);
int h_meeting_patch(api_ctx *c);

/* notes.c */
int h_notes_list(api_ctx *c);
int h_note_create(api_ctx *c);
int h_note_get(api_ctx *c);
int h_note_patch(api_ctx *c);
int h_note_delete(api_ctx *c);
int h_messages_list(api_ctx *c);
int h_message_create(api_ctx *c);

/* reflections.c */
int h_reflections_list(api_ctx *c);
int h_reflection_put(api_ctx *c);

/* calendar.c */
int h_calendar_feed_create(api_ctx *c);
int h_calendar_feed_get(api_ctx *c);
int h_calendar_feed_delete(api_ctx *c);
int h_calendar_get(api_ctx *c);
int h_meeting_ics(api_ctx *c);

/* reports.c */
int h_report(api_ctx *c);
int h_rollup(api_ctx *c); /* GET /reports/{name}: across programs */

/* resources.c */
int h_program_resources_list(api_ctx *c);
int h_program_resource_create(api_ctx *c);
int h_program_resource_hide(api_ctx *c);
int h_site_resources_list(api_ctx *c);
int h_site_resource_create(api_ctx *c);
int h_resource_get(api_ctx *c);
int h_resource_patch(api_ctx *c);
int h_resource_open(api_ctx *c);
int h_relationship_resources(api_ctx *c);

/* recognition.c */
int h_relationship_recognition(api_ctx *c);
int h_kudos_create(api_ctx *c);
int h_highlight_put(api_ctx *c);
int h_highlight_delete(api_ctx *c);
int h_program_highlights(api_ctx *c);
int h_participant_badges(api_ctx *c);
int h_certificate(api_ctx *c);

/* surveys.c */
int h_survey_templates(api_ctx *c);
int h_surveys_list(api_ctx *c);
int h_survey_create(api_ctx *c);
int h_survey_get(api_ctx *c);
int h_survey_patch(api_ctx *c);
int h_survey_send(api_ctx *c);
int h_survey_respond(api_ctx *c);
int h_survey_responses(api_ctx *c);
int h_survey_results(api_ctx *c);
int h_my_surveys(api_ctx *c);

/* health.c */
int h_health_list(api_ctx *c);
int h_health_create(api_ctx *c);
int h_health_share(api_ctx *c);

/* at_risk.c */
int h_at_risk(api_ctx *c);
int h_coord_notes_list(api_ctx *c);
int h_coord_note_create(api_ctx *c);
int h_nudge(api_ctx *c);
int h_reassign(api_ctx *c);
int h_rematch_agree(api_ctx *c);
int h_rematch_list(api_ctx *c);
int h_rematch_dismiss(api_ctx *c);

/* notifications.c */
int h_notifications_list(api_ctx *c);
int h_notifications_unread(api_ctx *c);
int h_notification_read(api_ctx *c);
int h_notifications_read_all(api_ctx *c);
int h_notification_settings_get(api_ctx *c);
int h_notification_settings_put(api_ctx *c);
int h_unsubscribe_get(api_ctx *c);
int h_unsubscribe_post(api_ctx *c);
int h_unsubscribe_page(api_ctx *c);

/* alerts.c */
int h_alerts_list(api_ctx *c);
int h_alert_test(api_ctx *c);

#endif
