/*
 * routes.c - which page answers which path (ui.h, agent_ui_route). One
 * line per page; door.c has checked Host, session and CSRF before any of
 * them is called.
 */
#include "form.h"
#include "ui.h"

const agent_ui_route agent_ui_routes[] = {
	{ "/", agent_ui_home_page, NULL },
	{ "/import", agent_ui_import_page, agent_ui_import_post },
	{ "/import/bad", agent_ui_import_bad, NULL },
	{ "/import/template.csv", agent_ui_import_template, NULL },
	{ "/sync", agent_ui_sync_page, agent_ui_sync_start },
	{ "/export", agent_ui_export_page, agent_ui_export_post },
	{ "/household/", agent_ui_household_page, agent_ui_household_post },
	{ "/photo/", agent_ui_photo, NULL },
	{ "/households", agent_ui_households_page, NULL },
	{ "/js/households.js", agent_ui_households_js, NULL },
	{ "/household/new", agent_ui_household_new_page, agent_ui_household_new_save },
	{ "/edit/", agent_ui_household_edit_page, agent_ui_household_edit_save },
	{ "/milestone/new", agent_ui_milestone_new_page, agent_ui_milestone_new_save },
	{ "/js/photos.js", agent_ui_photos_js, NULL },
	{ "/contribution/new", agent_ui_contribution_new_page, agent_ui_contribution_new_save },
};
const size_t agent_ui_nroutes = sizeof(agent_ui_routes) / sizeof(agent_ui_routes[0]);
