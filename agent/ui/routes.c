/*
 * routes.c - which page answers which path (ui.h, agent_ui_route). One
 * line per page; door.c has checked Host, session and CSRF before any of
 * them is called.
 */
#include "ui.h"

const agent_ui_route agent_ui_routes[] = {
	{ "/", agent_ui_home_page, NULL },
	{ "/households", agent_ui_households_page, NULL },
	{ "/js/households.js", agent_ui_households_js, NULL },
};
const size_t agent_ui_nroutes = sizeof(agent_ui_routes) / sizeof(agent_ui_routes[0]);
