/*
 * system.grp: every function used from capability mode and compared with
 * the C library; the limits on commands, fields and groups enforced and
 * only narrowed; clients that send what they should not.
 *
 * Each test opens the service before the program makes any lookup of
 * its own, so that the service loads the name service modules itself,
 * confined, and takes its snapshot of the C library's answers before
 * cap_enter().  The system must have a group with members (Debian's
 * ssl-cert has postgres, for one): the members' layout is tested on it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <casper/cap_grp.h>
#include <libcasper.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "casper_test.h"
#include "harness.h"

/* ---- snapshots of the C library's answers ---- */

struct gr {
	char *name, *passwd;
	gid_t gid;
	size_t nmem;
	char **mem;
};

/* Fields compared; the others must come back blank. */
enum { M_NAME = 1, M_PASSWD = 2, M_GID = 4, M_MEM = 8, M_ALL = 15 };

#define MAXENT 4096

struct db {
	size_t n;
	struct gr ent[MAXENT];    /* getgrent's order */
	struct gr byname[MAXENT]; /* getgrnam(ent[i].name) */
	struct gr bygid[MAXENT];  /* getgrgid(ent[i].gid) */
};

static char *dup_or_null(const char *s)
{
	char *d = s != NULL ? strdup(s) : NULL;

	ck_assert(s == NULL || d != NULL);
	return d;
}

static struct gr gr_copy(const struct group *g)
{
	struct gr c = {0};

	ck_assert_ptr_nonnull(g);
	c.name = dup_or_null(g->gr_name);
	c.passwd = dup_or_null(g->gr_passwd);
	c.gid = g->gr_gid;
	ck_assert_ptr_nonnull(g->gr_mem);
	while (g->gr_mem[c.nmem] != NULL)
		c.nmem++;
	c.mem = calloc(c.nmem + 1, sizeof(char *));
	ck_assert_ptr_nonnull(c.mem);
	for (size_t i = 0; i < c.nmem; i++)
		c.mem[i] = dup_or_null(g->gr_mem[i]);
	return c;
}

static void gr_free(struct gr *c)
{
	free(c->name);
	free(c->passwd);
	for (size_t i = 0; i < c->nmem; i++)
		free(c->mem[i]);
	free(c->mem);
}

/* The C library's enumeration and lookups, taken before cap_enter(). */
static struct db *snapshot(void)
{
	struct db *db = calloc(1, sizeof(*db));
	struct group *g;

	ck_assert_ptr_nonnull(db);
	setgrent();
	while ((g = getgrent()) != NULL) {
		ck_assert_uint_lt(db->n, MAXENT);
		db->ent[db->n++] = gr_copy(g);
	}
	endgrent();
	ck_assert_uint_ge(db->n, 3);
	for (size_t i = 0; i < db->n; i++) {
		db->byname[i] = gr_copy(getgrnam(db->ent[i].name));
		db->bygid[i] = gr_copy(getgrgid(db->ent[i].gid));
	}
	return db;
}

static void db_free(struct db *db)
{
	for (size_t i = 0; i < db->n; i++) {
		gr_free(&db->ent[i]);
		gr_free(&db->byname[i]);
		gr_free(&db->bygid[i]);
	}
	free(db);
}

static const struct gr *db_find(const struct db *db, const char *name)
{
	for (size_t i = 0; i < db->n; i++)
		if (strcmp(db->ent[i].name, name) == 0)
			return &db->ent[i];
	ck_abort_msg("%s is not in the C library's enumeration", name);
	return NULL;
}

/* A group with members. */
static const struct gr *db_with_members(const struct db *db)
{
	for (size_t i = 0; i < db->n; i++)
		if (db->ent[i].nmem > 0)
			return &db->ent[i];
	ck_abort_msg("no group has members: the members' layout cannot be tested");
	return NULL;
}

/* Bytes a _r call needs for g at an aligned buffer: member pointers, strings. */
static size_t gr_need(const struct gr *g)
{
	size_t n = (g->nmem + 1) * sizeof(char *) + strlen(g->name) + strlen(g->passwd) + 2;

	for (size_t i = 0; i < g->nmem; i++)
		n += strlen(g->mem[i]) + 1;
	return n;
}

static void check_str(const char *got, const char *want, const char *who, const char *field)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: %s is \"%s\", should be blank", who, field, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
		              "%s: %s is \"%s\", want \"%s\"", who, field, got ? got : "(null)",
		              want);
}

static void check_gr(const struct group *got, const struct gr *want, int mask)
{
	const char *who = want->name;

	ck_assert_msg(got != NULL, "%s: not found", who);
	check_str(got->gr_name, mask & M_NAME ? want->name : NULL, who, "gr_name");
	check_str(got->gr_passwd, mask & M_PASSWD ? want->passwd : NULL, who, "gr_passwd");
	ck_assert_msg(got->gr_gid == (mask & M_GID ? want->gid : 0), "%s: gr_gid %u", who,
	              (unsigned)got->gr_gid);
	if (!(mask & M_MEM)) {
		ck_assert_msg(got->gr_mem == NULL, "%s: gr_mem should be blank", who);
		return;
	}
	ck_assert_msg(got->gr_mem != NULL, "%s: gr_mem is blank", who);
	ck_assert_msg((uintptr_t)got->gr_mem % alignof(char *) == 0, "%s: gr_mem unaligned", who);
	for (size_t i = 0; i < want->nmem; i++)
		check_str(got->gr_mem[i], want->mem[i], who, "a member");
	ck_assert_msg(got->gr_mem[want->nmem] == NULL, "%s: too many members", who);
}

/* ---- lookups that find nothing ---- */

/* errno must come through a not-found lookup unchanged. */
#define SENTINEL EDOM

static void not_found_nam(cap_channel_t *chan, const char *name)
{
	struct group gr, *res = &gr;
	char buf[1024];

	errno = SENTINEL;
	ck_assert_ptr_null(cap_getgrnam(chan, name));
	ck_assert_int_eq(errno, SENTINEL);
	ck_assert_int_eq(cap_getgrnam_r(chan, name, &gr, buf, sizeof(buf), &res), 0);
	ck_assert_ptr_null(res);
}

static void not_found_gid(cap_channel_t *chan, gid_t gid)
{
	struct group gr, *res = &gr;
	char buf[1024];

	errno = SENTINEL;
	ck_assert_ptr_null(cap_getgrgid(chan, gid));
	ck_assert_int_eq(errno, SENTINEL);
	ck_assert_int_eq(cap_getgrgid_r(chan, gid, &gr, buf, sizeof(buf), &res), 0);
	ck_assert_ptr_null(res);
}

/* ---- every function, compared with the C library ---- */

START_TEST(enumeration_matches_libc)
{
	cap_channel_t *chan = open_service("system.grp");
	struct db *db = snapshot();

	(void)db_with_members(db);
	enter_capmode();
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < db->n; i++)
			check_gr(cap_getgrent(chan), &db->ent[i], M_ALL);
		errno = SENTINEL;
		ck_assert_ptr_null(cap_getgrent(chan));
		ck_assert_int_eq(errno, SENTINEL);
		ck_assert_ptr_null(cap_getgrent(chan));
		ck_assert_int_eq(cap_setgrent(chan), 1);
	}
	/* setgroupent() rewinds, and so does endgrent() (the next one starts over). */
	check_gr(cap_getgrent(chan), &db->ent[0], M_ALL);
	ck_assert_int_eq(cap_setgroupent(chan, 1), 1);
	check_gr(cap_getgrent(chan), &db->ent[0], M_ALL);
	check_gr(cap_getgrent(chan), &db->ent[1], M_ALL);
	ck_assert_int_eq(cap_setgroupent(chan, 0), 1);
	check_gr(cap_getgrent(chan), &db->ent[0], M_ALL);
	cap_endgrent(chan);
	check_gr(cap_getgrent(chan), &db->ent[0], M_ALL);
	db_free(db);
	cap_close(chan);
}
END_TEST

START_TEST(enumeration_r_matches_libc)
{
	cap_channel_t *chan = open_service("system.grp");
	struct db *db = snapshot();
	struct group gr, *res;
	char buf[8192];

	enter_capmode();
	for (size_t i = 0; i < db->n; i++) {
		res = NULL;
		/* At every alignment. */
		ck_assert_int_eq(cap_getgrent_r(chan, &gr, buf + i % 8, sizeof(buf) - 8, &res), 0);
		ck_assert_ptr_eq(res, &gr);
		check_gr(res, &db->ent[i], M_ALL);
		ck_assert(gr.gr_name >= buf && gr.gr_name < buf + sizeof(buf));
		ck_assert((char *)gr.gr_mem >= buf && (char *)gr.gr_mem < buf + sizeof(buf));
	}
	/* The end: 0 and no entry, as on FreeBSD (glibc's getgrent_r says ENOENT). */
	res = &gr;
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, buf, sizeof(buf), &res), 0);
	ck_assert_ptr_null(res);
	ck_assert_int_eq(cap_setgrent(chan), 1);
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, buf, sizeof(buf), &res), 0);
	check_gr(res, &db->ent[0], M_ALL);
	/* The calls with and without _r share the one enumeration. */
	check_gr(cap_getgrent(chan), &db->ent[1], M_ALL);
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, buf, sizeof(buf), &res), 0);
	check_gr(res, &db->ent[2], M_ALL);
	db_free(db);
	cap_close(chan);
}
END_TEST

START_TEST(lookups_match_libc)
{
	cap_channel_t *chan = open_service("system.grp");
	struct db *db = snapshot();
	struct group gr, *res, *g;
	struct gr want_root, want_nogroup;
	char buf[8192];

	ck_assert_ptr_nonnull(g = getgrnam("root"));
	want_root = gr_copy(g);
	ck_assert_ptr_nonnull(g = getgrgid(65534));
	want_nogroup = gr_copy(g);
	ck_assert_ptr_null(getgrnam("no-such-group.casper"));
	ck_assert_ptr_null(getgrgid(3999999999u));
	enter_capmode();
	check_gr(cap_getgrnam(chan, "root"), &want_root, M_ALL);
	check_gr(cap_getgrgid(chan, 0), &want_root, M_ALL);
	check_gr(cap_getgrnam(chan, want_nogroup.name), &want_nogroup, M_ALL);
	check_gr(cap_getgrgid(chan, 65534), &want_nogroup, M_ALL);
	for (size_t i = 0; i < db->n; i++) {
		check_gr(cap_getgrnam(chan, db->ent[i].name), &db->byname[i], M_ALL);
		check_gr(cap_getgrgid(chan, db->ent[i].gid), &db->bygid[i], M_ALL);
		res = NULL;
		ck_assert_int_eq(cap_getgrnam_r(chan, db->ent[i].name, &gr, buf, sizeof(buf), &res),
		                 0);
		ck_assert_ptr_eq(res, &gr);
		check_gr(res, &db->byname[i], M_ALL);
		res = NULL;
		ck_assert_int_eq(cap_getgrgid_r(chan, db->ent[i].gid, &gr, buf + 3, 4096, &res), 0);
		check_gr(res, &db->bygid[i], M_ALL);
	}
	not_found_nam(chan, "no-such-group.casper");
	not_found_nam(chan, "");
	/* No name at all: a request the service does not understand. */
	errno = 0;
	ck_assert_ptr_null(cap_getgrnam(chan, NULL));
	ck_assert_int_eq(errno, EINVAL);
	res = &gr;
	ck_assert_int_eq(cap_getgrnam_r(chan, NULL, &gr, buf, sizeof(buf), &res), EINVAL);
	ck_assert_ptr_null(res);
	not_found_gid(chan, 3999999999u);
	gr_free(&want_root);
	gr_free(&want_nogroup);
	db_free(db);
	cap_close(chan);
}
END_TEST

/* The calls without _r return storage of the library, reused by the next call. */
START_TEST(static_storage)
{
	cap_channel_t *chan = open_service("system.grp");
	struct group *a, *b;

	enter_capmode();
	a = cap_getgrnam(chan, "root");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->gr_name, "root");
	b = cap_getgrgid(chan, 65534);
	ck_assert_ptr_eq(a, b);
	ck_assert_uint_eq(a->gr_gid, 65534);
	ck_assert_ptr_eq(cap_getgrent(chan), a);
	cap_close(chan);
}
END_TEST

/* The caller's buffer, at every alignment: what fits works, a byte less is ERANGE. */
START_TEST(r_buffer_too_small)
{
	cap_channel_t *chan = open_service("system.grp");
	struct db *db = snapshot();
	const struct gr *m = db_with_members(db);
	size_t need = gr_need(m);
	struct group gr, *res;
	char *buf = malloc(need + 16), big[8192], one[1];

	ck_assert_ptr_nonnull(buf);
	/* glibc: ERANGE with no room, and getgrent_r keeps the entry for the next call. */
	ck_assert_int_eq(getgrnam_r(m->name, &gr, one, sizeof(one), &res), ERANGE);
	ck_assert_ptr_null(res);
	setgrent();
	ck_assert_int_eq(getgrent_r(&gr, one, sizeof(one), &res), ERANGE);
	ck_assert_int_eq(getgrent_r(&gr, big, sizeof(big), &res), 0);
	ck_assert_str_eq(res->gr_name, db->ent[0].name);
	endgrent();

	enter_capmode();
	for (size_t off = 0; off < 8; off++) {
		char *at = buf + off;
		size_t pad = (alignof(char *) - (uintptr_t)at % alignof(char *)) % alignof(char *);

		res = &gr;
		ck_assert_int_eq(cap_getgrnam_r(chan, m->name, &gr, at, pad + need - 1, &res),
		                 ERANGE);
		ck_assert_ptr_null(res);
		ck_assert_int_eq(cap_getgrgid_r(chan, m->gid, &gr, at, pad + need, &res), 0);
		check_gr(res, m, M_ALL);
		ck_assert((char *)gr.gr_mem >= at &&
		          gr.gr_mem[0] + strlen(gr.gr_mem[0]) < at + pad + need);
	}
	ck_assert_int_eq(cap_getgrnam_r(chan, "root", &gr, NULL, 0, &res), ERANGE);

	/* An entry that did not fit is the next one again. */
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, one, sizeof(one), &res), ERANGE);
	ck_assert_ptr_null(res);
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, one, sizeof(one), &res), ERANGE);
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, big, sizeof(big), &res), 0);
	check_gr(res, &db->ent[0], M_ALL);
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, one, sizeof(one), &res), ERANGE);
	check_gr(cap_getgrent(chan), &db->ent[1], M_ALL); /* without _r, it fits */
	check_gr(cap_getgrent(chan), &db->ent[2], M_ALL);
	/* Rewinding forgets it. */
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, one, sizeof(one), &res), ERANGE);
	ck_assert_int_eq(cap_setgrent(chan), 1);
	check_gr(cap_getgrent(chan), &db->ent[0], M_ALL);
	free(buf);
	db_free(db);
	cap_close(chan);
}
END_TEST

/* ---- limits ---- */

static const char *const all_cmds[] = {"getgrent",    "getgrnam",   "getgrgid",
                                       "getgrent_r",  "getgrnam_r", "getgrgid_r",
                                       "setgroupent", "setgrent",   "endgrent"};
static const char *const all_fields[] = {"gr_name", "gr_passwd", "gr_gid", "gr_mem"};

START_TEST(limit_cmds)
{
	static const char *const two[] = {"getgrnam", "getgrent"};
	static const char *const one[] = {"getgrnam"};
	static const char *const widen[] = {"getgrnam", "getgrgid"};
	static const char *const bogus[] = {"getgrnam", "getgrouplist"};
	cap_channel_t *chan = open_service("system.grp");
	struct group gr, *res;
	char buf[4096];

	enter_capmode();
	ck_assert_int_eq(cap_grp_limit_cmds(chan, all_cmds, ARRAY_LEN(all_cmds)), 0);
	ck_assert_ptr_nonnull(cap_getgrgid(chan, 0));
	ck_assert_int_eq(cap_grp_limit_cmds(chan, two, ARRAY_LEN(two)), 0);
	ck_assert_ptr_nonnull(cap_getgrnam(chan, "root"));
	ck_assert_ptr_nonnull(cap_getgrent(chan));
	errno = 0;
	ck_assert_ptr_null(cap_getgrgid(chan, 0));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	/* The calls with _r are commands of their own. */
	res = &gr;
	ck_assert_int_eq(cap_getgrnam_r(chan, "root", &gr, buf, sizeof(buf), &res), ENOTCAPABLE);
	ck_assert_ptr_null(res);
	ck_assert_int_eq(cap_getgrgid_r(chan, 0, &gr, buf, sizeof(buf), &res), ENOTCAPABLE);
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, buf, sizeof(buf), &res), ENOTCAPABLE);
	errno = 0;
	ck_assert_int_eq(cap_setgroupent(chan, 1), 0);
	ck_assert_int_eq(errno, ENOTCAPABLE);
	errno = 0;
	ck_assert_int_eq(cap_setgrent(chan), 0);
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_fails(cap_grp_limit_cmds(chan, widen, ARRAY_LEN(widen)), ENOTCAPABLE);
	ck_assert_fails(cap_grp_limit_cmds(chan, all_cmds, ARRAY_LEN(all_cmds)), ENOTCAPABLE);
	ck_assert_fails(cap_grp_limit_cmds(chan, bogus, ARRAY_LEN(bogus)), EINVAL);
	ck_assert_int_eq(cap_grp_limit_cmds(chan, one, ARRAY_LEN(one)), 0);
	errno = 0;
	ck_assert_ptr_null(cap_getgrent(chan));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_ptr_nonnull(cap_getgrnam(chan, "root"));
	ck_assert_int_eq(cap_grp_limit_cmds(chan, NULL, 0), 0);
	errno = 0;
	ck_assert_ptr_null(cap_getgrnam(chan, "root"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_fails(cap_grp_limit_cmds(chan, one, ARRAY_LEN(one)), ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

START_TEST(limit_fields)
{
	static const char *const some[] = {"gr_name", "gr_gid", "gr_mem"};
	static const char *const fewer[] = {"gr_gid"};
	static const char *const widen[] = {"gr_name", "gr_passwd"};
	static const char *const bogus[] = {"gr_name", "pw_name"};
	cap_channel_t *chan = open_service("system.grp");
	struct db *db = snapshot();
	const struct gr *m = db_with_members(db);
	struct group gr, *res;
	char buf[4096];

	enter_capmode();
	ck_assert_int_eq(cap_grp_limit_fields(chan, all_fields, ARRAY_LEN(all_fields)), 0);
	check_gr(cap_getgrnam(chan, m->name), m, M_ALL);
	ck_assert_int_eq(cap_grp_limit_fields(chan, some, ARRAY_LEN(some)), 0);
	check_gr(cap_getgrnam(chan, m->name), m, M_NAME | M_GID | M_MEM);
	check_gr(cap_getgrgid(chan, m->gid), m, M_NAME | M_GID | M_MEM);
	ck_assert_int_eq(cap_getgrnam_r(chan, m->name, &gr, buf, sizeof(buf), &res), 0);
	check_gr(res, m, M_NAME | M_GID | M_MEM);
	for (size_t i = 0; i < db->n; i++)
		check_gr(cap_getgrent(chan), &db->ent[i], M_NAME | M_GID | M_MEM);
	ck_assert_fails(cap_grp_limit_fields(chan, widen, ARRAY_LEN(widen)), ENOTCAPABLE);
	ck_assert_fails(cap_grp_limit_fields(chan, bogus, ARRAY_LEN(bogus)), EINVAL);
	ck_assert_int_eq(cap_grp_limit_fields(chan, fewer, ARRAY_LEN(fewer)), 0);
	check_gr(cap_getgrnam(chan, m->name), m, M_GID);
	/* Without members, no pointers: the buffer needs nothing at all. */
	res = NULL;
	ck_assert_int_eq(cap_getgrnam_r(chan, m->name, &gr, buf + 1, 0, &res), 0);
	check_gr(res, m, M_GID);
	ck_assert_int_eq(cap_grp_limit_fields(chan, NULL, 0), 0);
	check_gr(cap_getgrgid(chan, m->gid), m, 0);
	ck_assert_fails(cap_grp_limit_fields(chan, fewer, ARRAY_LEN(fewer)), ENOTCAPABLE);
	db_free(db);
	cap_close(chan);
}
END_TEST

START_TEST(limit_groups)
{
	static const char *const names[] = {"root"};
	static const char *const more[] = {"root", "daemon"};
	cap_channel_t *chan = open_service("system.grp");
	struct db *db = snapshot();
	const struct gr *root = db_find(db, "root"), *nogroup = db_find(db, "nogroup");
	gid_t gids[] = {nogroup->gid}, other[] = {1};
	struct group gr, *res;
	char buf[4096];
	size_t seen = 0;

	enter_capmode();
	ck_assert_int_eq(cap_grp_limit_groups(chan, names, 1, gids, 1), 0);
	check_gr(cap_getgrnam(chan, "root"), root, M_ALL);
	check_gr(cap_getgrgid(chan, 0), root, M_ALL);
	check_gr(cap_getgrnam(chan, "nogroup"), nogroup, M_ALL); /* by its gid */
	check_gr(cap_getgrgid(chan, nogroup->gid), nogroup, M_ALL);
	not_found_nam(chan, "daemon");
	not_found_gid(chan, 1);
	/* The enumeration skips the others: root and nogroup, in the C library's order. */
	for (size_t i = 0; i < db->n; i++) {
		if (strcmp(db->ent[i].name, "root") != 0 && db->ent[i].gid != nogroup->gid)
			continue;
		check_gr(cap_getgrent(chan), &db->ent[i], M_ALL);
		seen++;
	}
	ck_assert_uint_ge(seen, 2);
	errno = SENTINEL;
	ck_assert_ptr_null(cap_getgrent(chan));
	ck_assert_int_eq(errno, SENTINEL);
	ck_assert_int_eq(cap_setgrent(chan), 1);
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, buf, sizeof(buf), &res), 0);
	check_gr(res, &db->ent[0], M_ALL); /* root comes first */
	ck_assert_fails(cap_grp_limit_groups(chan, more, 2, gids, 1), ENOTCAPABLE);
	ck_assert_fails(cap_grp_limit_groups(chan, names, 1, other, 1), ENOTCAPABLE);
	ck_assert_fails(cap_grp_limit_groups(chan, NULL, 0, (gid_t[]){0}, 1), ENOTCAPABLE);
	ck_assert_int_eq(cap_grp_limit_groups(chan, names, 1, NULL, 0), 0);
	not_found_nam(chan, "nogroup");
	not_found_gid(chan, nogroup->gid);
	check_gr(cap_getgrgid(chan, 0), root, M_ALL);
	ck_assert_int_eq(cap_grp_limit_groups(chan, NULL, 0, NULL, 0), 0);
	not_found_nam(chan, "root");
	ck_assert_fails(cap_grp_limit_groups(chan, names, 1, NULL, 0), ENOTCAPABLE);
	db_free(db);
	cap_close(chan);
}
END_TEST

START_TEST(limit_categories_combine)
{
	static const char *const cmds[] = {"getgrnam", "getgrnam_r", "getgrgid"};
	static const char *const fields[] = {"gr_name", "gr_gid"};
	cap_channel_t *chan = open_service("system.grp");
	struct db *db = snapshot();
	const struct gr *root = db_find(db, "root");
	nvlist_t *limits;

	enter_capmode();
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	ck_assert_ptr_null(limits);
	ck_assert_int_eq(cap_grp_limit_groups(chan, NULL, 0, (gid_t[]){0}, 1), 0);
	ck_assert_int_eq(cap_grp_limit_cmds(chan, cmds, 3), 0);
	ck_assert_int_eq(cap_grp_limit_fields(chan, fields, 2), 0);
	check_gr(cap_getgrnam(chan, "root"), root, M_NAME | M_GID);
	not_found_nam(chan, "daemon");
	errno = 0;
	ck_assert_ptr_null(cap_getgrent(chan));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	ck_assert_ptr_nonnull(limits);
	ck_assert(nvlist_exists_null(nvlist_get_nvlist(limits, "cmds"), "getgrgid"));
	ck_assert(!nvlist_exists(nvlist_get_nvlist(limits, "cmds"), "getgrent"));
	ck_assert(nvlist_exists_null(nvlist_get_nvlist(limits, "fields"), "gr_gid"));
	ck_assert(nvlist_exists_number(nvlist_get_nvlist(limits, "groups"), "gid0"));
	ck_assert_uint_eq(nvlist_get_number(nvlist_get_nvlist(limits, "groups"), "gid0"), 0);
	nvlist_destroy(limits);
	db_free(db);
	cap_close(chan);
}
END_TEST

static nvlist_t *names_list(int n, const char *const *names)
{
	nvlist_t *nvl = nvlist_create(0);

	for (int i = 0; i < n; i++)
		nvlist_add_null(nvl, names[i]);
	return nvl;
}

START_TEST(limits_malformed_or_dropped)
{
	static const char *const cmds[] = {"getgrnam", "getgrnam_r"};
	cap_channel_t *chan = open_service("system.grp");
	nvlist_t *limits, *list;

	enter_capmode();
	limits = nvlist_create(0);
	nvlist_move_nvlist(limits, "users", nvlist_create(0)); /* pwd's, not ours */
	ck_assert_fails(cap_limit_set(chan, limits), EINVAL);
	limits = nvlist_create(0);
	nvlist_add_string(limits, "fields", "gr_name");
	ck_assert_fails(cap_limit_set(chan, limits), EINVAL);
	limits = nvlist_create(0);
	list = nvlist_create(0);
	nvlist_add_number(list, "getgrnam", 1);
	nvlist_move_nvlist(limits, "cmds", list);
	ck_assert_fails(cap_limit_set(chan, limits), EINVAL);
	limits = nvlist_create(0);
	list = nvlist_create(0);
	nvlist_add_null(list, "gid0");
	nvlist_move_nvlist(limits, "groups", list);
	ck_assert_fails(cap_limit_set(chan, limits), EINVAL);
	limits = nvlist_create(0);
	list = nvlist_create(0);
	nvlist_add_number(list, "gid0", UINT64_MAX);
	nvlist_move_nvlist(limits, "groups", list);
	ck_assert_fails(cap_limit_set(chan, limits), EINVAL);
	limits = nvlist_create(0);
	list = nvlist_create(0);
	nvlist_add_null(list, "pw_change"); /* a pwd field */
	nvlist_move_nvlist(limits, "fields", list);
	ck_assert_fails(cap_limit_set(chan, limits), EINVAL);
	ck_assert_ptr_nonnull(cap_getgrgid(chan, 0)); /* still unlimited */

	ck_assert_int_eq(cap_grp_limit_cmds(chan, cmds, 2), 0);
	ck_assert_int_eq(cap_grp_limit_groups(chan, (const char *[]){"root"}, 1, NULL, 0), 0);
	limits = nvlist_create(0);
	nvlist_move_nvlist(limits, "groups", nvlist_create(0));
	ck_assert_fails(cap_limit_set(chan, limits), ENOTCAPABLE);
	limits = nvlist_create(0);
	nvlist_move_nvlist(limits, "cmds", names_list(2, cmds));
	ck_assert_fails(cap_limit_set(chan, limits), ENOTCAPABLE);
	ck_assert_fails(cap_limit_set(chan, nvlist_create(0)), ENOTCAPABLE);
	ck_assert_fails(cap_limit_set(chan, NULL), ENOTCAPABLE);
	errno = 0;
	ck_assert_ptr_null(cap_getgrgid(chan, 0));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	not_found_nam(chan, "daemon");
	ck_assert_ptr_nonnull(cap_getgrnam(chan, "root"));
	cap_close(chan);
}
END_TEST

START_TEST(clone_and_leftover_entry)
{
	static const char *const fields[] = {"gr_name"};
	cap_channel_t *chan = open_service("system.grp"), *clone;
	struct db *db = snapshot();
	struct group gr, *res;
	char one[1];

	ck_assert_str_eq(db->ent[0].name, "root");
	enter_capmode();
	ck_assert_ptr_nonnull(clone = cap_clone(chan));
	ck_assert_int_eq(cap_grp_limit_groups(clone, (const char *[]){"root"}, 1, NULL, 0), 0);
	ck_assert_int_eq(cap_grp_limit_fields(clone, fields, 1), 0);
	check_gr(cap_getgrent(chan), &db->ent[0], M_ALL);
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, one, sizeof(one), &res), ERANGE);
	errno = SENTINEL;
	ck_assert_ptr_null(cap_getgrent(clone));
	ck_assert_int_eq(errno, SENTINEL);
	ck_assert_int_eq(cap_setgrent(clone), 1);
	ck_assert_int_eq(cap_getgrent_r(clone, &gr, one, sizeof(one), &res), ERANGE);
	check_gr(cap_getgrent(chan), &db->ent[0], M_ALL);
	ck_assert_int_eq(cap_setgrent(chan), 1);
	ck_assert_int_eq(cap_getgrent_r(chan, &gr, one, sizeof(one), &res), ERANGE);
	check_gr(cap_getgrent(clone), &db->ent[0], M_NAME);
	cap_close(clone);
	db_free(db);
	cap_close(chan);
}
END_TEST

/* ---- hostile clients ---- */

static const char *const hostile_cmds[] = {"getgrent",   "getgrnam",    "getgrgid", "getgrent_r",
                                           "getgrnam_r", "setgroupent", "setgrent", "endgrent"};

static void still_sane(cap_channel_t *chan)
{
	struct group gr, *res = &gr, *g;
	char buf[1024];

	g = cap_getgrnam(chan, "root");
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(g->gr_name, "root");
	ck_assert_ptr_null(g->gr_passwd);
	ck_assert_ptr_nonnull(g->gr_mem);
	not_found_nam(chan, "daemon");
	errno = SENTINEL;
	ck_assert_ptr_null(cap_getgrgid(chan, 1));
	ck_assert_int_eq(errno, SENTINEL);
	ck_assert_int_eq(cap_getgrgid_r(chan, 0, &gr, buf, sizeof(buf), &res), ENOTCAPABLE);
}

static int expect_found(cap_channel_t *chan, nvlist_t *nvl, int found)
{
	nvlist_t *reply;
	int err = raw_call(chan, nvl, &reply);

	ck_assert_int_ne(err, -1);
	if (err == 0)
		ck_assert_int_eq(nvlist_exists_nvlist(reply, "group"), found);
	nvlist_destroy(reply);
	return err;
}

START_TEST(hostile_requests)
{
	static const char *const fields[] = {"gr_name", "gr_gid", "gr_mem"};
	cap_channel_t *chan = open_service("system.grp");
	gid_t nogroup = 65534;
	size_t big = 1 << 20;
	char *huge = malloc(big + 1);
	nvlist_t *nvl, *reply;

	ck_assert_ptr_nonnull(huge);
	memset(huge, 'r', big);
	huge[big] = '\0';
	enter_capmode();
	ck_assert_int_eq(cap_grp_limit_cmds(chan, hostile_cmds, ARRAY_LEN(hostile_cmds)), 0);
	ck_assert_int_eq(cap_grp_limit_fields(chan, fields, ARRAY_LEN(fields)), 0);
	ck_assert_int_eq(cap_grp_limit_groups(chan, (const char *[]){"root"}, 1, &nogroup, 1), 0);
	still_sane(chan);

	ck_assert_int_eq(raw_call(chan, nvlist_create(0), NULL), EINVAL);
	still_sane(chan);
	nvl = nvlist_create(0);
	nvlist_add_bool(nvl, "cmd", true);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	still_sane(chan);
	ck_assert_int_eq(raw_call(chan, raw_request("getgrouplist"), NULL), ENOTCAPABLE);
	ck_assert_int_eq(raw_call(chan, raw_request("getgrgid_r"), NULL), ENOTCAPABLE);
	still_sane(chan);
	ck_assert_int_eq(raw_call(chan, raw_request("getgrnam"), NULL), EINVAL);
	nvl = raw_request("getgrnam");
	nvlist_add_number(nvl, "name", 0);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	still_sane(chan);
	nvl = raw_request("getgrnam");
	nvlist_add_string(nvl, "name", huge);
	ck_assert_int_eq(expect_found(chan, nvl, 0), 0);
	still_sane(chan);
	nvl = raw_request("getgrnam_r");
	nvlist_add_string(nvl, "name", "daemon");
	nvlist_add_number(nvl, "gid", 0);
	ck_assert_int_eq(expect_found(chan, nvl, 0), 0);
	still_sane(chan);
	ck_assert_int_eq(raw_call(chan, raw_request("getgrgid"), NULL), EINVAL);
	nvl = raw_request("getgrgid");
	nvlist_add_string(nvl, "gid", "0");
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	nvl = raw_request("getgrgid");
	nvlist_add_number(nvl, "gid", (uint64_t)1 << 32); /* not gid 0 */
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	still_sane(chan);
	ck_assert_int_eq(raw_call(chan, raw_request("setgroupent"), NULL), EINVAL);
	nvl = raw_request("setgroupent");
	nvlist_add_string(nvl, "stayopen", "yes");
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	still_sane(chan);
	nvl = raw_request("getgrent_r");
	nvlist_add_number(nvl, "bufsize", 0);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), ERANGE);
	nvl = raw_request("getgrent_r");
	nvlist_add_bool(nvl, "bufsize", true);
	ck_assert_int_eq(raw_call(chan, nvl, &reply), 0);
	ck_assert_str_eq(nvlist_get_string(nvlist_get_nvlist(reply, "group"), "gr_name"), "root");
	ck_assert(!nvlist_exists(nvlist_get_nvlist(reply, "group"), "gr_passwd"));
	nvlist_destroy(reply);
	nvl = raw_request("getgrent_r");
	nvlist_add_number(nvl, "bufsize", UINT64_MAX);
	ck_assert_int_eq(raw_call(chan, nvl, &reply), 0);
	ck_assert_uint_eq(nvlist_get_number(nvlist_get_nvlist(reply, "group"), "gr_gid"), 65534);
	nvlist_destroy(reply);
	still_sane(chan);
	nvl = nvlist_create(0);
	nvlist_move_nvlist(nvl, "cmds", names_list(ARRAY_LEN(all_cmds), all_cmds));
	nvlist_move_nvlist(nvl, "fields", names_list(3, fields));
	nvlist_move_nvlist(nvl, "groups", nvlist_create(0));
	ck_assert_fails(cap_limit_set(chan, nvl), ENOTCAPABLE);
	still_sane(chan);
	nvl = nvlist_create(0);
	for (int i = 0; i < 5000; i++) {
		char key[32];

		snprintf(key, sizeof(key), "gr_mem[%d]", i);
		nvlist_add_string(nvl, key, "x");
	}
	nvlist_add_string(nvl, "cmd", "getgrent");
	nvlist_add_number(nvl, "gr_nmem", UINT64_MAX);
	ck_assert_int_eq(cap_setgrent(chan), 1);
	ck_assert_int_eq(raw_call(chan, nvl, &reply), 0); /* all ignored: root, the first */
	ck_assert_str_eq(nvlist_get_string(nvlist_get_nvlist(reply, "group"), "gr_name"), "root");
	ck_assert_uint_eq(nvlist_get_number(nvlist_get_nvlist(reply, "group"), "gr_nmem"), 0);
	nvlist_destroy(reply);
	still_sane(chan);
	free(huge);
	cap_close(chan);
}
END_TEST

START_TEST(hostile_unlimited)
{
	cap_channel_t *chan = open_service("system.grp");
	nvlist_t *limits, *groups;
	gid_t *gids = malloc(20000 * sizeof(gid_t));

	ck_assert_ptr_nonnull(gids);
	enter_capmode();
	ck_assert_int_eq(raw_call(chan, raw_request("getgrouplist"), NULL), EINVAL);
	ck_assert_int_eq(raw_call(chan, raw_request(""), NULL), EINVAL);
	ck_assert_ptr_nonnull(cap_getgrgid(chan, 1));
	for (gid_t i = 0; i < 20000; i++)
		gids[i] = i + 1;
	ck_assert_int_eq(cap_grp_limit_groups(chan, NULL, 0, gids, 20000), 0);
	ck_assert_fails(cap_grp_limit_groups(chan, NULL, 0, (gid_t[]){0}, 1), ENOTCAPABLE);
	ck_assert_int_eq(cap_grp_limit_groups(chan, NULL, 0, gids, 10000), 0);
	ck_assert_ptr_nonnull(cap_getgrgid(chan, 1));
	not_found_gid(chan, 0);
	not_found_nam(chan, "nogroup");
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	groups = nvlist_take_nvlist(limits, "groups");
	nvlist_move_nvlist(groups, "nested", nvlist_create(0));
	nvlist_move_nvlist(limits, "groups", groups);
	ck_assert_fails(cap_limit_set(chan, limits), EINVAL);
	not_found_gid(chan, 0);
	ck_assert_ptr_nonnull(cap_getgrgid(chan, 1));
	free(gids);
	cap_close(chan);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cap_grp");
	TCase *tc = tcase_create("cap_grp");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, enumeration_matches_libc);
	tcase_add_test(tc, enumeration_r_matches_libc);
	tcase_add_test(tc, lookups_match_libc);
	tcase_add_test(tc, static_storage);
	tcase_add_test(tc, r_buffer_too_small);
	tcase_add_test(tc, limit_cmds);
	tcase_add_test(tc, limit_fields);
	tcase_add_test(tc, limit_groups);
	tcase_add_test(tc, limit_categories_combine);
	tcase_add_test(tc, limits_malformed_or_dropped);
	tcase_add_test(tc, clone_and_leftover_entry);
	tcase_add_test(tc, hostile_requests);
	tcase_add_test(tc, hostile_unlimited);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
