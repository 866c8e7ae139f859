/*
 * main.c - maiam-agent: the field worker's tool on the commune laptop.
 * Only this file decides the process exit; everything else returns codes
 * (cli.c) so the tests and the benchmark can run the same code in-process.
 */
#include "agent.h"

int main(int argc, char **argv)
{
	agent_ctx ctx;
	int rc;

	agent_i18n_init();
	agent_ctx_init(&ctx);
	rc = agent_run(&ctx, argc - 1, argv + 1);
	agent_ctx_release(&ctx);
	if (fflush(stdout) != 0 && rc == AGENT_OK) {
		agent_err(_("cannot write the output; check the disk or the pipe"));
		rc = AGENT_FAIL;
	}
	return rc;
}
