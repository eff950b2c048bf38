/*
 * system.pwd: every function used from capability mode and compared with
 * the C library; the limits on commands, fields and users enforced and
 * only narrowed; clients that send what they should not.
 *
 * Each test opens the service before the program makes any lookup of
 * its own, so that the service loads the name service modules itself,
 * confined, and takes its snapshot of the C library's answers before
 * cap_enter().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <casper/cap_pwd.h>
#include <libcasper.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

#include "casper_test.h"
#include "harness.h"

/* ---- snapshots of the C library's answers ---- */

struct pw {
	char *name, *passwd, *gecos, *dir, *shell;
	uid_t uid;
	gid_t gid;
};

/* Fields compared; the others must come back blank. */
enum {
	M_NAME = 1,
	M_PASSWD = 2,
	M_UID = 4,
	M_GID = 8,
	M_GECOS = 16,
	M_DIR = 32,
	M_SHELL = 64,
	M_ALL = 127
};

#define MAXENT 4096

struct db {
	size_t n;
	struct pw ent[MAXENT];    /* getpwent's order */
	struct pw byname[MAXENT]; /* getpwnam(ent[i].name) */
	struct pw byuid[MAXENT];  /* getpwuid(ent[i].uid) */
};

static char *dup_or_null(const char *s)
{
	char *d = s != NULL ? strdup(s) : NULL;

	ck_assert(s == NULL || d != NULL);
	return d;
}

static struct pw pw_copy(const struct passwd *p)
{
	struct pw c = {0};

	ck_assert_ptr_nonnull(p);
	c.name = dup_or_null(p->pw_name);
	c.passwd = dup_or_null(p->pw_passwd);
	c.gecos = dup_or_null(p->pw_gecos);
	c.dir = dup_or_null(p->pw_dir);
	c.shell = dup_or_null(p->pw_shell);
	c.uid = p->pw_uid;
	c.gid = p->pw_gid;
	return c;
}

static void pw_free(struct pw *c)
{
	free(c->name);
	free(c->passwd);
	free(c->gecos);
	free(c->dir);
	free(c->shell);
}

/* The C library's enumeration and lookups, taken before cap_enter(). */
static struct db *snapshot(void)
{
	struct db *db = calloc(1, sizeof(*db));
	struct passwd *p;

	ck_assert_ptr_nonnull(db);
	setpwent();
	while ((p = getpwent()) != NULL) {
		ck_assert_uint_lt(db->n, MAXENT);
		db->ent[db->n++] = pw_copy(p);
	}
	endpwent();
	ck_assert_uint_ge(db->n, 2);
	for (size_t i = 0; i < db->n; i++) {
		db->byname[i] = pw_copy(getpwnam(db->ent[i].name));
		db->byuid[i] = pw_copy(getpwuid(db->ent[i].uid));
	}
	return db;
}

static void db_free(struct db *db)
{
	for (size_t i = 0; i < db->n; i++) {
		pw_free(&db->ent[i]);
		pw_free(&db->byname[i]);
		pw_free(&db->byuid[i]);
	}
	free(db);
}

static const struct pw *db_find(const struct db *db, const char *name)
{
	for (size_t i = 0; i < db->n; i++)
		if (strcmp(db->ent[i].name, name) == 0)
			return &db->ent[i];
	ck_abort_msg("%s is not in the C library's enumeration", name);
	return NULL;
}

/* Bytes a _r call needs for p: its strings. */
static size_t pw_need(const struct pw *p)
{
	return strlen(p->name) + strlen(p->passwd) + strlen(p->gecos) + strlen(p->dir) +
	       strlen(p->shell) + 5;
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

static void check_pw(const struct passwd *got, const struct pw *want, int mask)
{
	const char *who = want->name;

	ck_assert_msg(got != NULL, "%s: not found", who);
	check_str(got->pw_name, mask & M_NAME ? want->name : NULL, who, "pw_name");
	check_str(got->pw_passwd, mask & M_PASSWD ? want->passwd : NULL, who, "pw_passwd");
	check_str(got->pw_gecos, mask & M_GECOS ? want->gecos : NULL, who, "pw_gecos");
	check_str(got->pw_dir, mask & M_DIR ? want->dir : NULL, who, "pw_dir");
	check_str(got->pw_shell, mask & M_SHELL ? want->shell : NULL, who, "pw_shell");
	ck_assert_msg(got->pw_uid == (mask & M_UID ? want->uid : 0), "%s: pw_uid %u", who,
	              (unsigned)got->pw_uid);
	ck_assert_msg(got->pw_gid == (mask & M_GID ? want->gid : 0), "%s: pw_gid %u", who,
	              (unsigned)got->pw_gid);
}

/* ---- lookups that find nothing ---- */

/* errno must come through a not-found lookup unchanged. */
#define SENTINEL EDOM

static void not_found_nam(cap_channel_t *chan, const char *name)
{
	struct passwd pw, *res = &pw;
	char buf[1024];

	errno = SENTINEL;
	ck_assert_ptr_null(cap_getpwnam(chan, name));
	ck_assert_int_eq(errno, SENTINEL);
	ck_assert_int_eq(cap_getpwnam_r(chan, name, &pw, buf, sizeof(buf), &res), 0);
	ck_assert_ptr_null(res);
}

static void not_found_uid(cap_channel_t *chan, uid_t uid)
{
	struct passwd pw, *res = &pw;
	char buf[1024];

	errno = SENTINEL;
	ck_assert_ptr_null(cap_getpwuid(chan, uid));
	ck_assert_int_eq(errno, SENTINEL);
	ck_assert_int_eq(cap_getpwuid_r(chan, uid, &pw, buf, sizeof(buf), &res), 0);
	ck_assert_ptr_null(res);
}

/* ---- every function, compared with the C library ---- */

START_TEST(enumeration_matches_libc)
{
	cap_channel_t *chan = open_service("system.pwd");
	struct db *db = snapshot();
	struct passwd *p;

	enter_capmode();
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < db->n; i++)
			check_pw(cap_getpwent(chan), &db->ent[i], M_ALL);
		errno = SENTINEL;
		ck_assert_ptr_null(cap_getpwent(chan));
		ck_assert_int_eq(errno, SENTINEL);
		ck_assert_ptr_null(cap_getpwent(chan));
		cap_setpwent(chan);
	}
	/* setpassent() rewinds, and so does endpwent() (the next one starts over). */
	check_pw(cap_getpwent(chan), &db->ent[0], M_ALL);
	ck_assert_int_eq(cap_setpassent(chan, 1), 1);
	check_pw(cap_getpwent(chan), &db->ent[0], M_ALL);
	check_pw(cap_getpwent(chan), &db->ent[1], M_ALL);
	ck_assert_int_eq(cap_setpassent(chan, 0), 1);
	check_pw(cap_getpwent(chan), &db->ent[0], M_ALL);
	cap_endpwent(chan);
	p = cap_getpwent(chan);
	check_pw(p, &db->ent[0], M_ALL);
	db_free(db);
	cap_close(chan);
}
END_TEST

START_TEST(enumeration_r_matches_libc)
{
	cap_channel_t *chan = open_service("system.pwd");
	struct db *db = snapshot();
	struct passwd pw, *res;
	char buf[4096];

	enter_capmode();
	for (size_t i = 0; i < db->n; i++) {
		res = NULL;
		ck_assert_int_eq(cap_getpwent_r(chan, &pw, buf, sizeof(buf), &res), 0);
		ck_assert_ptr_eq(res, &pw);
		check_pw(res, &db->ent[i], M_ALL);
		ck_assert(pw.pw_name >= buf && pw.pw_name < buf + sizeof(buf));
	}
	/* The end: 0 and no entry, as on FreeBSD (glibc's getpwent_r says ENOENT). */
	res = &pw;
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, buf, sizeof(buf), &res), 0);
	ck_assert_ptr_null(res);
	cap_setpwent(chan);
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, buf, sizeof(buf), &res), 0);
	check_pw(res, &db->ent[0], M_ALL);
	/* The calls with and without _r share the one enumeration. */
	check_pw(cap_getpwent(chan), &db->ent[1], M_ALL);
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, buf, sizeof(buf), &res), 0);
	check_pw(res, &db->ent[2], M_ALL);
	db_free(db);
	cap_close(chan);
}
END_TEST

START_TEST(lookups_match_libc)
{
	cap_channel_t *chan = open_service("system.pwd");
	struct db *db = snapshot();
	struct passwd *root = getpwnam("root"), *nobody;
	struct passwd pw, *res;
	struct pw want_root, want_nobody;
	char buf[4096];

	ck_assert_ptr_nonnull(root);
	want_root = pw_copy(root);
	ck_assert_ptr_nonnull(nobody = getpwnam("nobody"));
	want_nobody = pw_copy(nobody);
	ck_assert_ptr_null(getpwnam("no-such-user.casper"));
	ck_assert_ptr_null(getpwuid(3999999999u));
	enter_capmode();
	check_pw(cap_getpwnam(chan, "root"), &want_root, M_ALL);
	check_pw(cap_getpwuid(chan, 0), &want_root, M_ALL);
	check_pw(cap_getpwnam(chan, "nobody"), &want_nobody, M_ALL);
	check_pw(cap_getpwuid(chan, want_nobody.uid), &want_nobody, M_ALL);
	for (size_t i = 0; i < db->n; i++) {
		check_pw(cap_getpwnam(chan, db->ent[i].name), &db->byname[i], M_ALL);
		check_pw(cap_getpwuid(chan, db->ent[i].uid), &db->byuid[i], M_ALL);
		res = NULL;
		ck_assert_int_eq(cap_getpwnam_r(chan, db->ent[i].name, &pw, buf, sizeof(buf), &res),
		                 0);
		ck_assert_ptr_eq(res, &pw);
		check_pw(res, &db->byname[i], M_ALL);
		res = NULL;
		ck_assert_int_eq(cap_getpwuid_r(chan, db->ent[i].uid, &pw, buf, sizeof(buf), &res),
		                 0);
		check_pw(res, &db->byuid[i], M_ALL);
	}
	not_found_nam(chan, "no-such-user.casper");
	not_found_nam(chan, "");
	/* No name at all: a request the service does not understand. */
	errno = 0;
	ck_assert_ptr_null(cap_getpwnam(chan, NULL));
	ck_assert_int_eq(errno, EINVAL);
	res = &pw;
	ck_assert_int_eq(cap_getpwnam_r(chan, NULL, &pw, buf, sizeof(buf), &res), EINVAL);
	ck_assert_ptr_null(res);
	not_found_uid(chan, 3999999999u);
	pw_free(&want_root);
	pw_free(&want_nobody);
	db_free(db);
	cap_close(chan);
}
END_TEST

/* The calls without _r return storage of the library, reused by the next call. */
START_TEST(static_storage)
{
	cap_channel_t *chan = open_service("system.pwd");
	struct passwd *a, *b;

	enter_capmode();
	a = cap_getpwnam(chan, "root");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->pw_name, "root");
	b = cap_getpwnam(chan, "nobody");
	ck_assert_ptr_eq(a, b);
	ck_assert_str_eq(a->pw_name, "nobody");
	ck_assert_ptr_eq(cap_getpwuid(chan, 0), a);
	ck_assert_ptr_eq(cap_getpwent(chan), a);
	cap_close(chan);
}
END_TEST

/* The caller's buffer: what fits works, one byte less is ERANGE, as glibc's. */
START_TEST(r_buffer_too_small)
{
	cap_channel_t *chan = open_service("system.pwd");
	struct db *db = snapshot();
	const struct pw *root = db_find(db, "root");
	size_t need = pw_need(root);
	struct passwd pw, *res;
	char *exact = malloc(need), *small = malloc(need - 1), big[4096], one[1];

	ck_assert(exact != NULL && small != NULL);
	/* glibc: ERANGE with no room, and getpwent_r keeps the entry for the next call. */
	ck_assert_int_eq(getpwnam_r("root", &pw, one, sizeof(one), &res), ERANGE);
	ck_assert_ptr_null(res);
	setpwent();
	ck_assert_int_eq(getpwent_r(&pw, one, sizeof(one), &res), ERANGE);
	ck_assert_int_eq(getpwent_r(&pw, big, sizeof(big), &res), 0);
	ck_assert_str_eq(res->pw_name, db->ent[0].name);
	endpwent();

	enter_capmode();
	res = &pw;
	ck_assert_int_eq(cap_getpwnam_r(chan, "root", &pw, one, sizeof(one), &res), ERANGE);
	ck_assert_ptr_null(res);
	res = &pw;
	ck_assert_int_eq(cap_getpwuid_r(chan, 0, &pw, small, need - 1, &res), ERANGE);
	ck_assert_ptr_null(res);
	ck_assert_int_eq(cap_getpwuid_r(chan, 0, &pw, exact, need, &res), 0);
	check_pw(res, root, M_ALL);
	ck_assert_int_eq(cap_getpwnam_r(chan, "root", &pw, NULL, 0, &res), ERANGE);

	/* An entry that did not fit is the next one again. */
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, one, sizeof(one), &res), ERANGE);
	ck_assert_ptr_null(res);
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, one, sizeof(one), &res), ERANGE);
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, big, sizeof(big), &res), 0);
	check_pw(res, &db->ent[0], M_ALL);
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, one, sizeof(one), &res), ERANGE);
	check_pw(cap_getpwent(chan), &db->ent[1], M_ALL); /* without _r, it fits */
	check_pw(cap_getpwent(chan), &db->ent[2], M_ALL);
	/* Rewinding forgets it. */
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, one, sizeof(one), &res), ERANGE);
	cap_setpwent(chan);
	check_pw(cap_getpwent(chan), &db->ent[0], M_ALL);
	free(exact);
	free(small);
	db_free(db);
	cap_close(chan);
}
END_TEST

/* ---- limits ---- */

static const char *const all_cmds[] = {"getpwent",   "getpwnam",   "getpwuid",
                                       "getpwent_r", "getpwnam_r", "getpwuid_r",
                                       "setpassent", "setpwent",   "endpwent"};
static const char *const all_fields[] = {"pw_name",   "pw_passwd", "pw_uid",   "pw_gid",
                                         "pw_change", "pw_class",  "pw_gecos", "pw_dir",
                                         "pw_shell",  "pw_expire", "pw_fields"};

START_TEST(limit_cmds)
{
	static const char *const two[] = {"getpwnam", "getpwent"};
	static const char *const one[] = {"getpwnam"};
	static const char *const widen[] = {"getpwnam", "getpwuid"};
	static const char *const bogus[] = {"getpwnam", "getspnam"};
	cap_channel_t *chan = open_service("system.pwd");
	struct passwd pw, *res;
	char buf[4096];

	enter_capmode();
	ck_assert_int_eq(cap_pwd_limit_cmds(chan, all_cmds, ARRAY_LEN(all_cmds)), 0);
	ck_assert_ptr_nonnull(cap_getpwuid(chan, 0));
	ck_assert_int_eq(cap_pwd_limit_cmds(chan, two, ARRAY_LEN(two)), 0);
	ck_assert_ptr_nonnull(cap_getpwnam(chan, "root"));
	ck_assert_ptr_nonnull(cap_getpwent(chan));
	errno = 0;
	ck_assert_ptr_null(cap_getpwuid(chan, 0));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	/* The calls with _r are commands of their own. */
	res = &pw;
	ck_assert_int_eq(cap_getpwnam_r(chan, "root", &pw, buf, sizeof(buf), &res), ENOTCAPABLE);
	ck_assert_ptr_null(res);
	ck_assert_int_eq(cap_getpwuid_r(chan, 0, &pw, buf, sizeof(buf), &res), ENOTCAPABLE);
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, buf, sizeof(buf), &res), ENOTCAPABLE);
	errno = 0;
	ck_assert_int_eq(cap_setpassent(chan, 1), 0);
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_fails(cap_pwd_limit_cmds(chan, widen, ARRAY_LEN(widen)), ENOTCAPABLE);
	ck_assert_fails(cap_pwd_limit_cmds(chan, all_cmds, ARRAY_LEN(all_cmds)), ENOTCAPABLE);
	ck_assert_fails(cap_pwd_limit_cmds(chan, bogus, ARRAY_LEN(bogus)), EINVAL);
	ck_assert_int_eq(cap_pwd_limit_cmds(chan, one, ARRAY_LEN(one)), 0);
	errno = 0;
	ck_assert_ptr_null(cap_getpwent(chan));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_ptr_nonnull(cap_getpwnam(chan, "root"));
	/* No commands at all. */
	ck_assert_int_eq(cap_pwd_limit_cmds(chan, NULL, 0), 0);
	errno = 0;
	ck_assert_ptr_null(cap_getpwnam(chan, "root"));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	ck_assert_fails(cap_pwd_limit_cmds(chan, one, ARRAY_LEN(one)), ENOTCAPABLE);
	cap_close(chan);
}
END_TEST

START_TEST(limit_fields)
{
	static const char *const some[] = {"pw_name", "pw_uid", "pw_shell", "pw_class"};
	static const char *const fewer[] = {"pw_uid", "pw_class"};
	static const char *const widen[] = {"pw_name", "pw_dir"};
	static const char *const bogus[] = {"pw_name", "pw_age"};
	cap_channel_t *chan = open_service("system.pwd");
	struct db *db = snapshot();
	const struct pw *nobody = db_find(db, "nobody");
	struct passwd pw, *res;
	char buf[4096];

	enter_capmode();
	/* FreeBSD's fields that Linux lacks are accepted. */
	ck_assert_int_eq(cap_pwd_limit_fields(chan, all_fields, ARRAY_LEN(all_fields)), 0);
	check_pw(cap_getpwnam(chan, "nobody"), nobody, M_ALL);
	ck_assert_int_eq(cap_pwd_limit_fields(chan, some, ARRAY_LEN(some)), 0);
	check_pw(cap_getpwnam(chan, "nobody"), nobody, M_NAME | M_UID | M_SHELL);
	check_pw(cap_getpwuid(chan, nobody->uid), nobody, M_NAME | M_UID | M_SHELL);
	ck_assert_int_eq(cap_getpwnam_r(chan, "nobody", &pw, buf, sizeof(buf), &res), 0);
	check_pw(res, nobody, M_NAME | M_UID | M_SHELL);
	/* Only what goes out takes room in the buffer. */
	ck_assert_int_eq(cap_getpwnam_r(chan, "nobody", &pw, buf,
	                                strlen(nobody->name) + strlen(nobody->shell) + 2, &res),
	                 0);
	check_pw(res, nobody, M_NAME | M_UID | M_SHELL);
	for (size_t i = 0; i < db->n; i++)
		check_pw(cap_getpwent(chan), &db->ent[i], M_NAME | M_UID | M_SHELL);
	ck_assert_fails(cap_pwd_limit_fields(chan, widen, ARRAY_LEN(widen)), ENOTCAPABLE);
	ck_assert_fails(cap_pwd_limit_fields(chan, bogus, ARRAY_LEN(bogus)), EINVAL);
	ck_assert_int_eq(cap_pwd_limit_fields(chan, fewer, ARRAY_LEN(fewer)), 0);
	check_pw(cap_getpwnam(chan, "nobody"), nobody, M_UID);
	/* A lookup by name works without the name going out. */
	ck_assert_int_eq(cap_pwd_limit_fields(chan, NULL, 0), 0);
	res = NULL;
	ck_assert_int_eq(cap_getpwnam_r(chan, "nobody", &pw, buf, 0, &res), 0);
	check_pw(res, nobody, 0);
	ck_assert_fails(cap_pwd_limit_fields(chan, fewer, ARRAY_LEN(fewer)), ENOTCAPABLE);
	db_free(db);
	cap_close(chan);
}
END_TEST

START_TEST(limit_users)
{
	static const char *const names[] = {"root"};
	static const char *const more[] = {"root", "daemon"};
	cap_channel_t *chan = open_service("system.pwd");
	struct db *db = snapshot();
	const struct pw *root = db_find(db, "root"), *nobody = db_find(db, "nobody");
	uid_t uids[] = {nobody->uid}, other[] = {1};
	struct passwd pw, *res;
	char buf[4096];
	size_t seen = 0;

	enter_capmode();
	ck_assert_int_eq(cap_pwd_limit_users(chan, names, 1, uids, 1), 0);
	check_pw(cap_getpwnam(chan, "root"), root, M_ALL);
	check_pw(cap_getpwuid(chan, 0), root, M_ALL);
	check_pw(cap_getpwnam(chan, "nobody"), nobody, M_ALL); /* by its uid */
	check_pw(cap_getpwuid(chan, nobody->uid), nobody, M_ALL);
	not_found_nam(chan, "daemon");
	not_found_uid(chan, 1);
	/* The enumeration skips the others: root and nobody, in the C library's order. */
	for (size_t i = 0; i < db->n; i++) {
		if (strcmp(db->ent[i].name, "root") != 0 && db->ent[i].uid != nobody->uid)
			continue;
		check_pw(cap_getpwent(chan), &db->ent[i], M_ALL);
		seen++;
	}
	ck_assert_uint_ge(seen, 2);
	errno = SENTINEL;
	ck_assert_ptr_null(cap_getpwent(chan));
	ck_assert_int_eq(errno, SENTINEL);
	cap_setpwent(chan);
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, buf, sizeof(buf), &res), 0);
	check_pw(res, &db->ent[0], M_ALL); /* root comes first */
	/* Widening, by name or by id, is refused; narrowing is not. */
	ck_assert_fails(cap_pwd_limit_users(chan, more, 2, uids, 1), ENOTCAPABLE);
	ck_assert_fails(cap_pwd_limit_users(chan, names, 1, other, 1), ENOTCAPABLE);
	ck_assert_fails(cap_pwd_limit_users(chan, NULL, 0, (uid_t[]){0}, 1), ENOTCAPABLE);
	ck_assert_int_eq(cap_pwd_limit_users(chan, names, 1, NULL, 0), 0);
	not_found_nam(chan, "nobody");
	not_found_uid(chan, nobody->uid);
	check_pw(cap_getpwuid(chan, 0), root, M_ALL);
	ck_assert_int_eq(cap_pwd_limit_users(chan, NULL, 0, NULL, 0), 0);
	not_found_nam(chan, "root");
	ck_assert_fails(cap_pwd_limit_users(chan, names, 1, NULL, 0), ENOTCAPABLE);
	db_free(db);
	cap_close(chan);
}
END_TEST

/* Users by id alone; the categories stay apart. */
START_TEST(limit_categories_combine)
{
	static const char *const cmds[] = {"getpwnam", "getpwnam_r", "getpwuid"};
	static const char *const fields[] = {"pw_name", "pw_dir"};
	cap_channel_t *chan = open_service("system.pwd");
	struct db *db = snapshot();
	const struct pw *root = db_find(db, "root");
	nvlist_t *limits;

	enter_capmode();
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	ck_assert_ptr_null(limits);
	ck_assert_int_eq(cap_pwd_limit_users(chan, NULL, 0, (uid_t[]){0}, 1), 0);
	ck_assert_int_eq(cap_pwd_limit_cmds(chan, cmds, 3), 0);
	ck_assert_int_eq(cap_pwd_limit_fields(chan, fields, 2), 0);
	check_pw(cap_getpwnam(chan, "root"), root, M_NAME | M_DIR);
	not_found_nam(chan, "nobody");
	errno = 0;
	ck_assert_ptr_null(cap_getpwent(chan));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	/* What was set, as FreeBSD keeps it. */
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	ck_assert_ptr_nonnull(limits);
	ck_assert(nvlist_exists_nvlist(limits, "cmds"));
	ck_assert(nvlist_exists_null(nvlist_get_nvlist(limits, "cmds"), "getpwuid"));
	ck_assert(!nvlist_exists(nvlist_get_nvlist(limits, "cmds"), "getpwent"));
	ck_assert(nvlist_exists_null(nvlist_get_nvlist(limits, "fields"), "pw_dir"));
	ck_assert(nvlist_exists_number(nvlist_get_nvlist(limits, "users"), "uid0"));
	ck_assert_uint_eq(nvlist_get_number(nvlist_get_nvlist(limits, "users"), "uid0"), 0);
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

static int set_raw(cap_channel_t *chan, nvlist_t *limits)
{
	return cap_limit_set(chan, limits);
}

/* Malformed limits are EINVAL; dropping a category set before is ENOTCAPABLE. */
START_TEST(limits_malformed_or_dropped)
{
	static const char *const cmds[] = {"getpwnam", "getpwnam_r"};
	cap_channel_t *chan = open_service("system.pwd");
	nvlist_t *limits, *list;

	enter_capmode();
	limits = nvlist_create(0);
	nvlist_move_nvlist(limits, "groups", nvlist_create(0)); /* grp's, not ours */
	ck_assert_fails(set_raw(chan, limits), EINVAL);
	limits = nvlist_create(0);
	nvlist_add_number(limits, "cmds", 1);
	ck_assert_fails(set_raw(chan, limits), EINVAL);
	limits = nvlist_create(0);
	list = nvlist_create(0);
	nvlist_add_string(list, "getpwnam", "getpwnam"); /* names are NULL entries */
	nvlist_move_nvlist(limits, "cmds", list);
	ck_assert_fails(set_raw(chan, limits), EINVAL);
	limits = nvlist_create(0);
	list = nvlist_create(0);
	nvlist_add_bool(list, "uid0", true);
	nvlist_move_nvlist(limits, "users", list);
	ck_assert_fails(set_raw(chan, limits), EINVAL);
	limits = nvlist_create(0);
	list = nvlist_create(0);
	nvlist_add_number(list, "uid0", (uint64_t)1 << 32);
	nvlist_move_nvlist(limits, "users", list);
	ck_assert_fails(set_raw(chan, limits), EINVAL);
	limits = nvlist_create(0);
	list = nvlist_create(0);
	nvlist_add_null(list, "pw_name");
	nvlist_add_null(list, "gr_name");
	nvlist_move_nvlist(limits, "fields", list);
	ck_assert_fails(set_raw(chan, limits), EINVAL);
	/* Still unlimited. */
	ck_assert_ptr_nonnull(cap_getpwuid(chan, 0));

	ck_assert_int_eq(cap_pwd_limit_cmds(chan, cmds, 2), 0);
	ck_assert_int_eq(cap_pwd_limit_users(chan, (const char *[]){"root"}, 1, NULL, 0), 0);
	/* The whole set without "cmds", then without "users". */
	limits = nvlist_create(0);
	nvlist_move_nvlist(limits, "users", nvlist_create(0));
	ck_assert_fails(set_raw(chan, limits), ENOTCAPABLE);
	limits = nvlist_create(0);
	nvlist_move_nvlist(limits, "cmds", names_list(2, cmds));
	ck_assert_fails(set_raw(chan, limits), ENOTCAPABLE);
	ck_assert_fails(set_raw(chan, nvlist_create(0)), ENOTCAPABLE);
	ck_assert_fails(cap_limit_set(chan, NULL), ENOTCAPABLE);
	errno = 0;
	ck_assert_ptr_null(cap_getpwuid(chan, 0));
	ck_assert_int_eq(errno, ENOTCAPABLE);
	not_found_nam(chan, "daemon");
	ck_assert_ptr_nonnull(cap_getpwnam(chan, "root"));
	cap_close(chan);
}
END_TEST

/* A clone keeps the limits; an entry left over from ERANGE is filtered again. */
START_TEST(clone_and_leftover_entry)
{
	static const char *const fields[] = {"pw_name"};
	cap_channel_t *chan = open_service("system.pwd"), *clone;
	struct db *db = snapshot();
	struct passwd pw, *res;
	char one[1];

	ck_assert_str_eq(db->ent[0].name, "root");
	enter_capmode();
	ck_assert_ptr_nonnull(clone = cap_clone(chan));
	ck_assert_int_eq(cap_pwd_limit_users(clone, (const char *[]){"root"}, 1, NULL, 0), 0);
	ck_assert_int_eq(cap_pwd_limit_fields(clone, fields, 1), 0);
	/* The original's enumeration stops at its second entry ... */
	check_pw(cap_getpwent(chan), &db->ent[0], M_ALL);
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, one, sizeof(one), &res), ERANGE);
	/* ... which the clone, in the same process, may not see. */
	errno = SENTINEL;
	ck_assert_ptr_null(cap_getpwent(clone));
	ck_assert_int_eq(errno, SENTINEL);
	/* Left over by the clone, root goes to the original whole ... */
	cap_setpwent(clone);
	ck_assert_int_eq(cap_getpwent_r(clone, &pw, one, sizeof(one), &res), ERANGE);
	check_pw(cap_getpwent(chan), &db->ent[0], M_ALL);
	/* ... and left over by the original, to the clone filtered. */
	cap_setpwent(chan);
	ck_assert_int_eq(cap_getpwent_r(chan, &pw, one, sizeof(one), &res), ERANGE);
	check_pw(cap_getpwent(clone), &db->ent[0], M_NAME);
	cap_close(clone);
	db_free(db);
	cap_close(chan);
}
END_TEST

/* ---- hostile clients ---- */

static const char *const hostile_cmds[] = {"getpwent",   "getpwnam",   "getpwuid", "getpwent_r",
                                           "getpwnam_r", "setpassent", "setpwent", "endpwent"};

/* After each hostile request: an allowed lookup works, forbidden ones fail. */
static void still_sane(cap_channel_t *chan)
{
	struct passwd pw, *res = &pw, *p;
	char buf[1024];

	p = cap_getpwnam(chan, "root");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->pw_name, "root");
	ck_assert_ptr_nonnull(p->pw_shell);
	ck_assert_ptr_null(p->pw_gecos);
	not_found_nam(chan, "daemon");
	errno = SENTINEL;
	ck_assert_ptr_null(cap_getpwuid(chan, 1));
	ck_assert_int_eq(errno, SENTINEL);
	ck_assert_int_eq(cap_getpwuid_r(chan, 0, &pw, buf, sizeof(buf), &res), ENOTCAPABLE);
}

static int expect_found(cap_channel_t *chan, nvlist_t *nvl, int found)
{
	nvlist_t *reply;
	int err = raw_call(chan, nvl, &reply);

	ck_assert_int_ne(err, -1);
	if (err == 0)
		ck_assert_int_eq(nvlist_exists_nvlist(reply, "passwd"), found);
	nvlist_destroy(reply);
	return err;
}

START_TEST(hostile_requests)
{
	static const char *const fields[] = {"pw_name", "pw_uid", "pw_shell"};
	cap_channel_t *chan = open_service("system.pwd");
	uid_t nobody_uid = getpwnam("nobody")->pw_uid;
	size_t big = 1 << 20;
	char *huge = malloc(big + 1);
	nvlist_t *nvl, *reply;

	ck_assert_ptr_nonnull(huge);
	memset(huge, 'r', big);
	huge[big] = '\0';
	enter_capmode();
	ck_assert_int_eq(cap_pwd_limit_cmds(chan, hostile_cmds, ARRAY_LEN(hostile_cmds)), 0);
	ck_assert_int_eq(cap_pwd_limit_fields(chan, fields, ARRAY_LEN(fields)), 0);
	ck_assert_int_eq(cap_pwd_limit_users(chan, (const char *[]){"root"}, 1, &nobody_uid, 1), 0);
	still_sane(chan);

	ck_assert_int_eq(raw_call(chan, nvlist_create(0), NULL), EINVAL); /* no "cmd" */
	still_sane(chan);
	nvl = nvlist_create(0);
	nvlist_add_number(nvl, "cmd", 1);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	still_sane(chan);
	ck_assert_int_eq(raw_call(chan, raw_request("getspnam"), NULL),
	                 ENOTCAPABLE); /* not in "cmds" */
	ck_assert_int_eq(raw_call(chan, raw_request("getpwuid_r"), NULL), ENOTCAPABLE);
	still_sane(chan);
	ck_assert_int_eq(raw_call(chan, raw_request("getpwnam"), NULL), EINVAL); /* no "name" */
	still_sane(chan);
	nvl = raw_request("getpwnam");
	nvlist_add_number(nvl, "name", 0);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	still_sane(chan);
	nvl = raw_request("getpwnam");
	nvlist_add_string(nvl, "name", huge);
	ck_assert_int_eq(expect_found(chan, nvl, 0), 0);
	still_sane(chan);
	nvl = raw_request("getpwnam_r");
	nvlist_add_string(nvl, "name", "daemon"); /* outside the limit */
	nvlist_add_number(nvl, "uid", 0);
	ck_assert_int_eq(expect_found(chan, nvl, 0), 0);
	still_sane(chan);
	ck_assert_int_eq(raw_call(chan, raw_request("getpwuid"), NULL), EINVAL); /* no "uid" */
	nvl = raw_request("getpwuid");
	nvlist_add_string(nvl, "uid", "0");
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	nvl = raw_request("getpwuid");
	nvlist_add_number(nvl, "uid", ((uint64_t)1 << 32) | 1); /* not uid 1, nor 0 */
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	nvl = raw_request("getpwuid");
	nvlist_add_number(nvl, "uid", UINT64_MAX);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	still_sane(chan);
	ck_assert_int_eq(raw_call(chan, raw_request("setpassent"), NULL),
	                 EINVAL); /* no "stayopen" */
	nvl = raw_request("setpassent");
	nvlist_add_number(nvl, "stayopen", 1);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL);
	still_sane(chan);
	/* Sizes: none left, a string, the largest number. */
	nvl = raw_request("getpwent_r");
	nvlist_add_number(nvl, "bufsize", 0);
	ck_assert_int_eq(raw_call(chan, nvl, NULL), ERANGE);
	nvl = raw_request("getpwent_r");
	nvlist_add_string(nvl, "bufsize", "lots");
	ck_assert_int_eq(raw_call(chan, nvl, &reply), 0);
	ck_assert(nvlist_exists_nvlist(reply, "passwd"));
	ck_assert_str_eq(nvlist_get_string(nvlist_get_nvlist(reply, "passwd"), "pw_name"), "root");
	ck_assert(!nvlist_exists(nvlist_get_nvlist(reply, "passwd"), "pw_dir"));
	nvlist_destroy(reply);
	nvl = raw_request("getpwent_r");
	nvlist_add_number(nvl, "bufsize", UINT64_MAX);
	ck_assert_int_eq(raw_call(chan, nvl, &reply), 0);
	ck_assert_str_eq(nvlist_get_string(nvlist_get_nvlist(reply, "passwd"), "pw_name"),
	                 "nobody");
	nvlist_destroy(reply);
	still_sane(chan);
	/* Widening through a raw limit, and a huge one. */
	nvl = nvlist_create(0);
	nvlist_move_nvlist(nvl, "cmds", names_list(ARRAY_LEN(all_cmds), all_cmds));
	nvlist_move_nvlist(nvl, "fields", names_list(3, fields));
	nvlist_move_nvlist(nvl, "users", nvlist_create(0));
	ck_assert_fails(set_raw(chan, nvl), ENOTCAPABLE);
	still_sane(chan);
	nvl = nvlist_create(0);
	for (int i = 0; i < 5000; i++) {
		char key[32];

		snprintf(key, sizeof(key), "uid%d", i);
		nvlist_add_number(nvl, key, (uint64_t)i);
	}
	ck_assert_int_eq(raw_call(chan, nvl, NULL), EINVAL); /* not even a "cmd" */
	still_sane(chan);
	free(huge);
	cap_close(chan);
}
END_TEST

/* Without limits an unknown command is EINVAL; a big users list narrows in time. */
START_TEST(hostile_unlimited)
{
	cap_channel_t *chan = open_service("system.pwd");
	nvlist_t *limits, *users;
	uid_t *uids = malloc(20000 * sizeof(uid_t));

	ck_assert_ptr_nonnull(uids);
	enter_capmode();
	ck_assert_int_eq(raw_call(chan, raw_request("getspnam"), NULL), EINVAL);
	ck_assert_int_eq(raw_call(chan, raw_request(""), NULL), EINVAL);
	ck_assert_ptr_nonnull(cap_getpwuid(chan, 1));
	for (uid_t i = 0; i < 20000; i++)
		uids[i] = i + 1;
	ck_assert_int_eq(cap_pwd_limit_users(chan, NULL, 0, uids, 20000), 0);
	ck_assert_fails(cap_pwd_limit_users(chan, NULL, 0, (uid_t[]){0}, 1), ENOTCAPABLE);
	ck_assert_int_eq(cap_pwd_limit_users(chan, NULL, 0, uids, 10000), 0);
	ck_assert_ptr_nonnull(cap_getpwuid(chan, 1));
	not_found_uid(chan, 0);
	not_found_nam(chan, "nobody"); /* 65534: not within */
	/* A users list with a nested list in it. */
	ck_assert_int_eq(cap_limit_get(chan, &limits), 0);
	users = nvlist_take_nvlist(limits, "users");
	nvlist_move_nvlist(users, "nested", nvlist_create(0));
	nvlist_move_nvlist(limits, "users", users);
	ck_assert_fails(cap_limit_set(chan, limits), EINVAL);
	not_found_uid(chan, 0);
	ck_assert_ptr_nonnull(cap_getpwuid(chan, 1));
	free(uids);
	cap_close(chan);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("cap_pwd");
	TCase *tc = tcase_create("cap_pwd");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, enumeration_matches_libc);
	tcase_add_test(tc, enumeration_r_matches_libc);
	tcase_add_test(tc, lookups_match_libc);
	tcase_add_test(tc, static_storage);
	tcase_add_test(tc, r_buffer_too_small);
	tcase_add_test(tc, limit_cmds);
	tcase_add_test(tc, limit_fields);
	tcase_add_test(tc, limit_users);
	tcase_add_test(tc, limit_categories_combine);
	tcase_add_test(tc, limits_malformed_or_dropped);
	tcase_add_test(tc, clone_and_leftover_entry);
	tcase_add_test(tc, hostile_requests);
	tcase_add_test(tc, hostile_unlimited);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
