/*
 * cmd.h - the commands of maiam-hub (cmd_*.c), called by main.c: they parse
 * their options, call the hub's parts and map results to exit codes.
 */
#ifndef HUB_CMD_H
#define HUB_CMD_H


int hub_cmd_init(int argc, char **argv);
int hub_cmd_serve(int argc, char **argv);
int hub_cmd_agent(int argc, char **argv);
int hub_cmd_import(int argc, char **argv);
int hub_cmd_household(int argc, char **argv);
int hub_cmd_audit(int argc, char **argv);

#endif
