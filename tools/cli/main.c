/* main.c - carelink-cli: the command-line client for municipal IT and
 * analytics consumers; wiring of the subcommands only */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} cli_commands[] = {
	{ "tail", cli_tail_main, "print the messages of a topic as JSON lines" },
	{ "topics", cli_topics_main, "list the topics with partition counts" },
	{ "schemas", cli_schemas_main, "list the event schemas: name, fingerprint, canonical form" },
};

#define CLI_N_COMMANDS (sizeof cli_commands / sizeof cli_commands[0])

static void cli_usage(FILE *f)
{
	fprintf(f, "usage: " CLI_NAME " COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < CLI_N_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", cli_commands[i].name, cli_commands[i].summary);
	fprintf(f,
		"\n"
		"Run '" CLI_NAME " COMMAND --help' for the options of a command.\n"
		"Configuration: --config PATH or $CARELINK_CONFIG (key = value lines), then\n"
		"CARELINK_* variables (CARELINK_KAFKA_BOOTSTRAP_SERVERS sets\n"
		"kafka.bootstrap.servers); every kafka.* key goes to librdkafka.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		cli_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		cli_usage(stdout);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < CLI_N_COMMANDS; i++)
		if (!strcmp(argv[1], cli_commands[i].name))
			return cli_commands[i].run(argc - 1, argv + 1);
	cli_error("unknown command \"%s\"", argv[1]);
	cli_usage(stderr);
	return CLI_EXIT_USAGE;
}
