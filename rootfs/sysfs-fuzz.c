// SPDX-License-Identifier: GPL-2.0
/*
 * xm-sysfs-fuzz N: write N garbage strings to each writable file of the
 * balloon's sysfs directory and check that every write fails with EINVAL
 * and changes nothing that the balloon shows.
 *
 * The writable files are those of drivers/xen/xen-balloon.c (the table
 * below). Any other writable file found in the directory (bar the driver
 * core's uevent) is reported with writes=0, which the boot test counts as
 * a failure: a new writable file must be added here.
 *
 * Every string is invalid for every one of these files, whatever its
 * syntax: each holds at least one byte from the class BAD below (a control
 * byte other than '\n', DEL, or a byte >= 0x80, including NUL). The files
 * accept only printable ASCII (digits, 0x, a K/M/G/T/P/E suffix for
 * target, a boolean word for scrub_pages) and one trailing '\n', so a
 * string of digits, which could be a valid target, is never written on its
 * own. To reach past the first check of a parser, many strings start with
 * a valid value (the file's current one, or a typical one) and put the bad
 * byte after it; a NUL there tests that the kernel does not stop reading
 * at it.
 *
 * Before the first and after every write, every file of the directory,
 * of info/ and /sys/kernel/debug/xen_balloon is read; any difference is
 * counted as a change (and an accepted write is undone by writing back the
 * old value). Output, one line per file and one total:
 *   XM: sysfs-fuzz file=NAME writes=W refused=R changed=C
 *   XM: stat sysfs_writes=W
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef DIR_BALLOON
#define DIR_BALLOON	"/sys/devices/system/xen_memory/xen_memory0"
#endif
#define DEBUGFS_STATE	"/sys/kernel/debug/xen_balloon"
#define MAX_FILES	64
#define MAX_LEN		48
#define SNAP_SIZE	16384

struct target {
	const char *name;
	const char *valid[5];	/* typical valid values, as prefixes */
};

static const struct target targets[] = {
	{ "target_kb", { "1048576", "0", "0x400", "4096\n", NULL } },
	{ "target", { "1G", "512M", "1073741824", "0x1e", NULL } },
	{ "max_schedule_delay", { "32", "1", "0x20", NULL } },
	{ "max_retry_count", { "4", "0", "18446744073709551615", NULL } },
	{ "scrub_pages", { "1", "y", "on", "true", "no" } },
};

#define NR_TARGETS	(sizeof(targets) / sizeof(targets[0]))

static char *watched[MAX_FILES];
static int nr_watched;
static unsigned long long rng;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

/* A byte no file accepts anywhere: control (not '\n'), DEL, or >= 0x80. */
static unsigned char bad_byte(void)
{
	unsigned char c;

	do {
		c = (unsigned char)rnd(256);
	} while ((c >= 0x20 && c < 0x7f) || c == '\n');
	return c;
}

static int is_bad(unsigned char c)
{
	return !((c >= 0x20 && c < 0x7f) || c == '\n');
}

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return snprintf(buf, size, "<open errno %d>", errno);
	while ((size_t)got < size - 1) {
		n = read(fd, buf + got, size - 1 - got);
		if (n < 0) {
			got = snprintf(buf, size, "<read errno %d>", errno);
			break;
		}
		if (n == 0)
			break;
		got += n;
	}
	buf[got] = '\0';
	close(fd);
	return (int)got;
}

/* Everything the balloon shows, concatenated. */
static void snapshot(char *out)
{
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < nr_watched && used < SNAP_SIZE - 64; i++) {
		used += snprintf(out + used, SNAP_SIZE - used, "%s=", watched[i]);
		if (used >= SNAP_SIZE)
			break;
		used += read_file(watched[i], out + used, SNAP_SIZE - used);
	}
}

static const struct target *find_target(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_TARGETS; i++)
		if (!strcmp(targets[i].name, name))
			return &targets[i];
	return NULL;
}

/* Note every regular file of @dir; print the writable ones we do not know. */
static void scan(const char *dir, const char *prefix)
{
	char path[512];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) && nr_watched < MAX_FILES) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		watched[nr_watched++] = strdup(path);
		if ((st.st_mode & 0222) && strcmp(e->d_name, "uevent") &&
		    !find_target(e->d_name)) {
			printf("XM: sysfs-fuzz file=%s%s writes=0 refused=0 changed=0 unknown=yes\n",
			       prefix, e->d_name);
		}
	}
	closedir(d);
}

/* One garbage string for @t of 1..MAX_LEN bytes; returns its length. */
static size_t garbage(const struct target *t, const char *current,
		      unsigned char *s)
{
	size_t len = 1 + rnd(MAX_LEN), i, plen, pos;
	const char *prefix = NULL;
	unsigned int nvalid = 0, kind = rnd(4);

	while (nvalid < 5 && t->valid[nvalid])
		nvalid++;
	for (i = 0; i < len; i++)
		s[i] = (unsigned char)rnd(256);
	if (kind == 1 || kind == 2)
		prefix = rnd(2) ? current : t->valid[rnd(nvalid)];
	if (prefix) {
		/* A valid value, then the bad byte, then random bytes or "\n". */
		plen = strcspn(prefix, "\n");
		if (plen > MAX_LEN - 2)
			plen = MAX_LEN - 2;
		memcpy(s, prefix, plen);
		pos = plen;
		if (len < plen + 1)
			len = plen + 1;
		if (kind == 2) {
			len = plen + 2;
			s[plen + 1] = '\n';
		}
	} else if (kind == 3) {
		/* The bad byte first, a valid value after it. */
		pos = 0;
		plen = strlen(t->valid[0]);
		len = 1 + plen;
		memcpy(s + 1, t->valid[0], plen);
	} else {
		pos = rnd(len);
	}
	s[pos] = bad_byte();
	for (i = 0; i < len; i++)
		if (is_bad(s[i]))
			return len;
	abort();	/* cannot happen: s[pos] is bad */
}

static void hex(const unsigned char *s, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", s[i]);
	out[2 * len] = '\0';
}

static int write_once(const char *path, const void *s, size_t len, int *err)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0) {
		*err = errno;
		return -1;
	}
	n = write(fd, s, len);
	*err = n < 0 ? errno : 0;
	close(fd);
	return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static char before[SNAP_SIZE], after[SNAP_SIZE];
	unsigned long total = 0;
	char path[512], current[256], shown[2 * MAX_LEN + 1];
	unsigned char s[MAX_LEN + 2];
	unsigned int i, n, w, refused, changed, details = 0;
	int err;

	if (argc != 2)
		return 2;
	n = (unsigned int)strtoul(argv[1], NULL, 10);
	rng = ((unsigned long long)time(NULL) << 20) ^ (unsigned long long)getpid();
	rng |= 1;
	printf("XM: sysfs-fuzz-seed seed=%llu\n", rng);
	scan(DIR_BALLOON, "");
	scan(DIR_BALLOON "/info", "info/");
	if (nr_watched < MAX_FILES && !access(DEBUGFS_STATE, R_OK))
		watched[nr_watched++] = DEBUGFS_STATE;

	for (i = 0; i < NR_TARGETS; i++) {
		snprintf(path, sizeof(path), "%s/%s", DIR_BALLOON, targets[i].name);
		refused = 0;
		changed = 0;
		if (access(path, W_OK)) {
			printf("XM: sysfs-fuzz file=%s writes=0 refused=0 changed=0 missing=yes\n",
			       targets[i].name);
			continue;
		}
		for (w = 0; w < n; w++) {
			size_t len;

			read_file(path, current, sizeof(current));
			snapshot(before);
			len = garbage(&targets[i], current, s);
			if (write_once(path, s, len, &err) < 0 && err == EINVAL)
				refused++;
			snapshot(after);
			if (strcmp(before, after))
				changed++;
			if ((err != EINVAL || strcmp(before, after)) && details++ < 10) {
				hex(s, len, shown);
				printf("XM: sysfs-fuzz-bad file=%s input=%s errno=%d changed=%s\n",
				       targets[i].name, shown, err,
				       strcmp(before, after) ? "yes" : "no");
			}
			if (!err) {
				/* Accepted: put the old value back. */
				write_once(path, current, strlen(current), &err);
			}
		}
		total += n;
		printf("XM: sysfs-fuzz file=%s writes=%u refused=%u changed=%u\n",
		       targets[i].name, n, refused, changed);
		fflush(stdout);
	}
	printf("XM: stat sysfs_writes=%lu\n", total);
	fflush(stdout);
	return 0;
}
