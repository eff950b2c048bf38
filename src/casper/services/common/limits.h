/*
 * The limits of the database services, system.pwd and system.grp, and
 * the commands they check against them; each service keeps its own
 * tables and entries (cap_pwd.c, cap_grp.c), these are the mechanics.
 *
 * The limits hold up to three categories, each an nvlist: "cmds" and
 * "fields", names known to the service (NULL values), and one of ids
 * (numbers) and names (strings) of the entries allowed ("users" for
 * system.pwd, "groups" for system.grp).  A category not there allows
 * all; a new set may not drop a category the old one had nor name
 * anything beyond it.
 *
 * Header only, static inline: each service is a library of its own.
 */
#ifndef CASPER_SERVICES_COMMON_LIMITS_H
#define CASPER_SERVICES_COMMON_LIMITS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libcasper.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

/* Is name one of the n names of table (the commands or fields a service knows)? */
static inline bool limits_in_table(const char *const *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i], name) == 0)
			return true;
	return false;
}

/* ---- the client ---- */

/* Replaces the category cat of the channel's limits with list (consumed). */
static inline int limits_replace(cap_channel_t *chan, const char *cat, nvlist_t *list)
{
	nvlist_t *limits;

	if (cap_limit_get(chan, &limits) < 0) {
		nvlist_destroy(list);
		return -1;
	}
	if (limits == NULL)
		limits = nvlist_create(0);
	else if (nvlist_exists_nvlist(limits, cat))
		nvlist_free_nvlist(limits, cat);
	nvlist_move_nvlist(limits, cat, list);
	return cap_limit_set(chan, limits);
}

/* The same with a list of the n names given, a "cmds" or "fields" list. */
static inline int limits_replace_names(cap_channel_t *chan, const char *cat,
                                       const char *const *names, size_t n)
{
	nvlist_t *list = nvlist_create(0);

	for (size_t i = 0; i < n; i++)
		nvlist_add_null(list, names[i]);
	return limits_replace(chan, cat, list);
}

/* ---- the service ---- */

/* The list cat of limits, or NULL when that category is not limited. */
static inline const nvlist_t *limits_category(const nvlist_t *limits, const char *cat)
{
	if (limits == NULL || !nvlist_exists_nvlist(limits, cat))
		return NULL;
	return nvlist_get_nvlist(limits, cat);
}

static inline bool limits_name_allowed(const nvlist_t *limits, const char *cat, const char *name)
{
	const nvlist_t *list = limits_category(limits, cat);

	return list == NULL || nvlist_exists_null(list, name);
}

/* Does list hold the id (a number)? */
static inline bool limits_list_holds_id(const nvlist_t *list, uint64_t id)
{
	const char *key;
	void *cookie = NULL;
	int type;

	while ((key = nvlist_next(list, &type, &cookie)) != NULL)
		if (type == NV_TYPE_NUMBER && nvlist_get_number(list, key) == id)
			return true;
	return false;
}

/* Does list hold the name (a string)? */
static inline bool limits_list_holds_name(const nvlist_t *list, const char *name)
{
	const char *key;
	void *cookie = NULL;
	int type;

	while ((key = nvlist_next(list, &type, &cookie)) != NULL)
		if (type == NV_TYPE_STRING && strcmp(nvlist_get_string(list, key), name) == 0)
			return true;
	return false;
}

/*
 * Is the entry allowed by the category cat of ids and names: its number
 * idfield or its string namefield listed (or the category not limited)?
 */
static inline bool limits_entry_allowed(const nvlist_t *limits, const char *cat,
                                        const nvlist_t *entry, const char *idfield,
                                        const char *namefield)
{
	const nvlist_t *list = limits_category(limits, cat);

	if (list == NULL)
		return true;
	if (nvlist_exists_number(entry, idfield) &&
	    limits_list_holds_id(list, nvlist_get_number(entry, idfield)))
		return true;
	return nvlist_exists_string(entry, namefield) &&
	       limits_list_holds_name(list, nvlist_get_string(entry, namefield));
}

/* A "cmds" or "fields" list: known names only, none beyond the old list. */
static inline int limits_check_names(const nvlist_t *old, const nvlist_t *list,
                                     bool (*known)(const char *))
{
	const char *name;
	void *cookie = NULL;
	int type;

	while ((name = nvlist_next(list, &type, &cookie)) != NULL) {
		if (type != NV_TYPE_NULL || !known(name))
			return EINVAL;
		if (old != NULL && !nvlist_exists_null(old, name))
			return ENOTCAPABLE;
	}
	return 0;
}

/* A list of ids (32-bit numbers) and names (strings), none beyond the old list. */
static inline int limits_check_ids(const nvlist_t *old, const nvlist_t *list)
{
	const char *key;
	void *cookie = NULL;
	int type;

	while ((key = nvlist_next(list, &type, &cookie)) != NULL) {
		if (type == NV_TYPE_NUMBER) {
			uint64_t id = nvlist_get_number(list, key);

			if (id > UINT32_MAX)
				return EINVAL;
			if (old != NULL && !limits_list_holds_id(old, id))
				return ENOTCAPABLE;
		} else if (type == NV_TYPE_STRING) {
			if (old != NULL &&
			    !limits_list_holds_name(old, nvlist_get_string(list, key)))
				return ENOTCAPABLE;
		} else {
			return EINVAL;
		}
	}
	return 0;
}

/*
 * The service's limit function: newlimits holds "cmds" of the commands
 * known_cmd knows, "fields" of the fields known_field knows, and the
 * category idcat of ids and names; nothing else, and nothing beyond
 * oldlimits.
 */
static inline int limits_check(const nvlist_t *oldlimits, const nvlist_t *newlimits,
                               bool (*known_cmd)(const char *), bool (*known_field)(const char *),
                               const char *idcat)
{
	const char *const cats[] = {"cmds", "fields", idcat};
	const char *name;
	void *cookie = NULL;
	int type, err;

	/* Dropping a category set before would widen. */
	for (size_t i = 0; i < sizeof(cats) / sizeof(cats[0]); i++)
		if (limits_category(oldlimits, cats[i]) != NULL &&
		    !nvlist_exists_nvlist(newlimits, cats[i]))
			return ENOTCAPABLE;
	while ((name = nvlist_next(newlimits, &type, &cookie)) != NULL) {
		const nvlist_t *list;

		if (type != NV_TYPE_NVLIST)
			return EINVAL;
		list = nvlist_get_nvlist(newlimits, name);
		if (strcmp(name, "cmds") == 0)
			err = limits_check_names(limits_category(oldlimits, name), list, known_cmd);
		else if (strcmp(name, "fields") == 0)
			err =
			    limits_check_names(limits_category(oldlimits, name), list, known_field);
		else if (strcmp(name, idcat) == 0)
			err = limits_check_ids(limits_category(oldlimits, name), list);
		else
			err = EINVAL;
		if (err != 0)
			return err;
	}
	return 0;
}

/* A command of the service, by the name the request's "cmd" gives. */
struct limits_command {
	const char *name;
	int (*fn)(const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout);
};

/*
 * The service's command function over the n commands of table:
 * ENOTCAPABLE for a command the limits' "cmds" leave out, EINVAL for one
 * not in the table.
 */
static inline int limits_command(const struct limits_command *table, size_t n, const char *cmd,
                                 const nvlist_t *limits, nvlist_t *nvlin, nvlist_t *nvlout)
{
	if (!limits_name_allowed(limits, "cmds", cmd))
		return ENOTCAPABLE;
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, cmd) == 0)
			return table[i].fn(limits, nvlin, nvlout);
	return EINVAL;
}

#endif /* !CASPER_SERVICES_COMMON_LIMITS_H */
