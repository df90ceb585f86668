// SPDX-License-Identifier: GPL-2.0
/*
 * xm-pattern MIB: a user process that holds MIB MiB of anonymous memory
 * filled with a known pattern while the balloon moves underneath it. It
 * touches /tmp/pattern.ready once the buffer is filled; on SIGUSR1 it
 * checks every word and prints "XM: pattern mb=N bad_words=K ok=yes|no".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t check_now;

static void on_usr1(int sig)
{
	(void)sig;
	check_now = 1;
}

static unsigned long word_at(unsigned long i)
{
	return (i * 0x9e3779b97f4a7c15UL) ^ 0x5a5aa5a5c3c3f00fUL;
}

int main(int argc, char **argv)
{
	unsigned long mb, n, i, bad = 0;
	unsigned long *buf;
	FILE *f;

	if (argc != 2)
		return 2;
	mb = strtoul(argv[1], NULL, 0);
	n = (mb << 20) / sizeof(*buf);
	buf = malloc(n * sizeof(*buf));
	if (!buf) {
		printf("XM: pattern mb=%lu error=no-memory\n", mb);
		return 1;
	}
	for (i = 0; i < n; i++)
		buf[i] = word_at(i);
	signal(SIGUSR1, on_usr1);
	f = fopen("/tmp/pattern.ready", "w");
	if (f)
		fclose(f);
	while (!check_now)
		pause();
	for (i = 0; i < n; i++)
		if (buf[i] != word_at(i))
			bad++;
	printf("XM: pattern mb=%lu bad_words=%lu ok=%s\n", mb, bad,
	       bad ? "no" : "yes");
	fflush(stdout);
	return bad != 0;
}
