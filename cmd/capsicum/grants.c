/*
 * Grants: what the user names, the rights each kind carries, and the
 * descriptors that hold them.
 *
 * A grant is a directory or a file and a set of kinds.  Its descriptor is
 * limited to the kinds' rights and entered into the supervisor's path
 * table under the name the user gave (and under its real path, when a
 * symbolic link makes that differ): the program's absolute names resolve
 * beneath it.  A file opened beneath a directory gets the directory's
 * rights, as on FreeBSD, so the rights below are also what the program
 * may do with the files it opens there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "../../src/lock.h"
#include "../../src/supervisor/client.h"
#include "../../src/rights/state.h"
#include "../../src/supervisor/ctl.h"
#include "../../src/supervisor/paths.h"
#include "capsicum.h"

static const struct {
	unsigned kind;
	const char *option;
} kinds[] = {
    {G_READ, "--read"}, {G_WRITE, "--write"}, {G_CREATE, "--create"},
    {G_EXEC, "--exec"}, {G_ALL, "--all"},
};

/*
 * The ioctls every grant allows on what is opened beneath it: close-on-exec
 * (Python sets it so), the bytes ready to read, and the terminal queries
 * isatty(3) and stdio make.  None changes the file.
 */
static const unsigned long grant_ioctls[] = {FIOCLEX, FIONCLEX, FIONREAD, TCGETS, TIOCGWINSZ};

/* The rights of each kind; every kind includes --read's. */
static void kind_rights(unsigned kind, cap_rights_t *r)
{
	cap_rights_set(r, CAP_LOOKUP, CAP_READ, CAP_SEEK, CAP_FSTAT, CAP_FSTATAT, CAP_FSTATFS,
	               CAP_FCNTL, CAP_EVENT, CAP_MMAP_R, CAP_FPATHCONF, CAP_IOCTL, CAP_EXTATTR_GET,
	               CAP_EXTATTR_LIST);
	if (kind & (G_WRITE | G_CREATE))
		cap_rights_set(r, CAP_WRITE, CAP_FTRUNCATE, CAP_FSYNC, CAP_FUTIMES, CAP_FUTIMESAT,
		               CAP_MMAP_RW, CAP_FLOCK);
	if (kind & G_CREATE)
		cap_rights_set(r, CAP_CREATE, CAP_MKDIRAT, CAP_MKFIFOAT, CAP_UNLINKAT,
		               CAP_SYMLINKAT, CAP_LINKAT_SOURCE, CAP_LINKAT_TARGET,
		               CAP_RENAMEAT_SOURCE, CAP_RENAMEAT_TARGET, CAP_FCHMOD, CAP_FCHMODAT,
		               CAP_FCHOWN, CAP_FCHOWNAT);
	if (kind & G_EXEC)
		cap_rights_set(r, CAP_MMAP_RX, CAP_FEXECVE);
	if (kind & G_ALL)
		CAP_ALL(r);
}

const char *grant_option(unsigned k)
{
	for (size_t i = ARRAY_SIZE_(kinds); i-- > 0;)
		if (k & kinds[i].kind)
			return kinds[i].option;
	return "--read";
}

unsigned grant_kind_of(const char *option)
{
	for (size_t i = 0; i < ARRAY_SIZE_(kinds); i++)
		if (strcmp(option, kinds[i].option) == 0)
			return kinds[i].kind;
	return 0;
}

bool path_normalise(const char *name, char *out)
{
	char abs[2 * PATH_MAX], cwd[PATH_MAX];

	if (name[0] == '/')
		snprintf(abs, sizeof(abs), "%s", name);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		return false;
	else
		snprintf(abs, sizeof(abs), "%s/%s", cwd, name);
	return strlen(abs) < PATH_MAX && paths_normalise(abs, out) == 0;
}

void grant_add(struct options *o, const char *path, unsigned k, bool system)
{
	char name[PATH_MAX];
	struct grant *g;

	if (path[0] == '\0')
		fail(EXIT_TOOL, "%s: an empty path", grant_option(k));
	if (!path_normalise(path, name))
		fail(EXIT_TOOL, "%s %s: the name is too long", grant_option(k), path);
	for (size_t i = 0; i < o->ngrants; i++)
		if (strcmp(o->grants[i].name, name) == 0) {
			o->grants[i].kinds |= k;
			o->grants[i].system &= system;
			return;
		}
	g = realloc(o->grants, (o->ngrants + 1) * sizeof(*g));
	if (g == NULL)
		fail(EXIT_TOOL, "out of memory");
	o->grants = g;
	if ((g[o->ngrants].name = strdup(name)) == NULL)
		fail(EXIT_TOOL, "out of memory");
	g[o->ngrants].kinds = k;
	g[o->ngrants].system = system;
	g[o->ngrants].fd = -1;
	o->ngrants++;
}

/*
 * What a dynamically linked program needs before its first instruction,
 * and what the C library reads for any program: the loader's cache and
 * the library directories, readable and mappable executable; message
 * catalogues, locale aliases and time zones, readable.  Those that exist.
 */
void grant_system_defaults(struct options *o)
{
	static const struct {
		const char *name;
		unsigned kind;
	} defaults[] = {
	    {"/lib", G_EXEC},
	    {"/lib64", G_EXEC},
	    {"/usr/lib", G_EXEC},
	    {"/usr/lib64", G_EXEC},
	    {"/usr/local/lib", G_EXEC},
	    {"/etc/ld.so.cache", G_READ},
	    {"/usr/share/locale", G_READ},
	    {"/usr/share/zoneinfo", G_READ},
	    {"/etc/localtime", G_READ},
	    {"/etc/locale.alias", G_READ},
	};
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE_(defaults); i++)
		if (stat(defaults[i].name, &st) == 0)
			grant_add(o, defaults[i].name, defaults[i].kind, true);
}

void grant_net_defaults(struct options *o)
{
	static const char *const files[] = {
	    "/etc/resolv.conf", "/etc/hosts",    "/etc/nsswitch.conf", "/etc/host.conf",
	    "/etc/gai.conf",    "/etc/services", "/etc/protocols"};
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE_(files); i++)
		if (stat(files[i], &st) == 0)
			grant_add(o, files[i], G_READ, true);
}

/* Whether name lies strictly beneath dir. */
static bool beneath(const char *name, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return strcmp(name, "/") != 0;
	return strncmp(name, dir, n) == 0 && name[n] == '/';
}

/*
 * A descriptor for a directory reaches everything beneath it with its
 * rights: a grant beneath another cannot narrow it.  The user is told so;
 * a default beneath (or above) a user's grant takes the wider rights.
 */
/*
 * Whether grant b lies beneath grant a: by the names given, or by where
 * they really are (a name through a symbolic link into another grant, or
 * two names of one directory).
 */
static bool nested(const struct grant *b, const char *breal, const struct grant *a,
                   const char *areal)
{
	return beneath(b->name, a->name) || beneath(breal, areal) ||
	       (strcmp(breal, areal) == 0 && strcmp(b->name, a->name) != 0);
}

void grants_settle(struct options *o)
{
	char(*real)[PATH_MAX] = calloc(o->ngrants ? o->ngrants : 1, PATH_MAX);

	if (real == NULL)
		fail(EXIT_TOOL, "out of memory");
	for (size_t i = 0; i < o->ngrants; i++) {
		cap_rights_init(&o->grants[i].rights);
		kind_rights(o->grants[i].kinds, &o->grants[i].rights);
		/* a grant that does not exist is reported when it is opened */
		if (realpath(o->grants[i].name, real[i]) == NULL)
			snprintf(real[i], PATH_MAX, "%s", o->grants[i].name);
	}
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < o->ngrants; i++)
			for (size_t j = 0; j < o->ngrants; j++) {
				struct grant *a = &o->grants[i], *b = &o->grants[j];

				if (i == j || !nested(b, real[j], a, real[i]) ||
				    cap_rights_contains(&b->rights, &a->rights))
					continue;
				if (!a->system && !b->system)
					fail(EXIT_TOOL,
					     "%s %s lies beneath %s %s, which grants more: a grant "
					     "beneath another cannot take rights away",
					     grant_option(b->kinds), b->name,
					     grant_option(a->kinds), a->name);
				cap_rights_merge(&b->rights, &a->rights);
				b->kinds |= a->kinds;
				changed = true;
			}
	}
	free(real);
}

/*
 * A grant's descriptor, limited.  The program rarely uses it itself (the
 * supervisor looks up beneath it): a limited copy on a slow number, whose
 * calls the supervisor judges, saves a kernel filter per grant.  Where the
 * slow range cannot be had, the descriptor is limited where it is.
 */
static int limit(int fd, const struct grant *g)
{
	struct fd_state st = {.rights = g->rights, .nioctls = (int)ARRAY_SIZE_(grant_ioctls)};
	int slow;

	st.fcntls = cap_rights_is_set(&g->rights, CAP_FCNTL) ? CAP_FCNTL_ALL : 0;
	for (int i = 0; i < st.nioctls; i++)
		st.ioctls[i] = (uint32_t)grant_ioctls[i];
	if ((slow = sup_place(fd, &st)) >= 0) {
		close(fd);
		return slow;
	}
	if (rights_limit_state(fd, &st) != 0)
		fail(EXIT_TOOL, "%s %s: cannot limit its descriptor: %s", grant_option(g->kinds),
		     g->name, strerror(errno));
	return fd;
}

static void enter(int fd, const char *name)
{
	if (sup_path_add(fd, name) != 0)
		fail(EXIT_TOOL, "cannot enter %s into the path table: %s", name, strerror(errno));
}

/*
 * Open every grant, and find its real name, before the supervisor starts:
 * once it runs, each name the command looks up is a round trip.
 */
void grants_open(struct options *o)
{
	for (size_t i = 0; i < o->ngrants; i++) {
		struct grant *g = &o->grants[i];
		char real[PATH_MAX];
		struct stat st;
		int fd = open(g->name, O_PATH);

		if (fd < 0)
			fail(EXIT_TOOL, "%s %s: %s", grant_option(g->kinds), g->name,
			     strerror(errno));
		/* A directory is opened for reading too: the program may list it. */
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			int dir = open(g->name, O_RDONLY | O_DIRECTORY);

			if (dir >= 0) {
				close(fd);
				fd = dir;
			}
		}
		g->fd = fd;
		g->real = NULL;
		if (realpath(g->name, real) != NULL && strcmp(real, g->name) != 0) {
			bool named = false;

			for (size_t j = 0; j < o->ngrants; j++)
				named |= strcmp(o->grants[j].name, real) == 0;
			if (!named && (g->real = strdup(real)) == NULL)
				fail(EXIT_TOOL, "out of memory");
		}
	}
}

void grants_install(struct options *o)
{
	for (size_t i = 0; i < o->ngrants; i++) {
		struct grant *g = &o->grants[i];

		/* --all limits nothing: what is opened beneath is unrestricted too. */
		if (!(g->kinds & G_ALL))
			g->fd = limit(g->fd, g);
		enter(g->fd, g->name);
		if (g->real != NULL)
			enter(g->fd, g->real);
	}
}
