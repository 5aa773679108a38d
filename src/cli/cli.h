/* cli.h - the tandem subcommands. Each takes the arguments after its own
 * name (argv[0] is the subcommand) and returns the process exit status:
 * 0 success, 1 failure at run time, 2 bad usage or bad input. */
#ifndef TANDEM_CLI_CLI_H
#define TANDEM_CLI_CLI_H

int cli_init(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_match(int argc, char **argv); /* cli/match_cmd.c: the engine's file contract */
int cli_import(int argc, char **argv);
int cli_jobs(int argc, char **argv);   /* cli/jobs.c: the time-driven jobs */
int cli_report(int argc, char **argv); /* cli/report.c: a program's report */
int cli_backup(int argc, char **argv); /* cli/backup.c: a copy of the database */
int cli_facts(int argc, char **argv);  /* cli/facts.c: the facts the reports read */

#endif
