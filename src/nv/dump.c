/*
 * nvlist_fdump() and nvlist_dump(): a readable listing for debugging, one
 * entry a line, nested lists indented.  Strings may come from a peer, so
 * bytes that are not printable ASCII are shown escaped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nv_impl.h"

__attribute__((format(printf, 2, 3))) static void out(FILE *fp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
}

static void dump_list(FILE *fp, const nvlist_t *nvl, int level);

static void dump_string(FILE *fp, const char *s)
{
	out(fp, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (isascii(*p) && isprint(*p) && *p != '"' && *p != '\\')
			out(fp, "%c", *p);
		else
			out(fp, "\\x%02x", *p);
	}
	out(fp, "\"");
}

static void dump_item(FILE *fp, int type, const void *items, size_t i)
{
	if (type == NV_TYPE_BOOL_ARRAY)
		out(fp, "%s", ((const bool *)items)[i] ? "true" : "false");
	else if (type == NV_TYPE_NUMBER_ARRAY)
		out(fp, "%ju", (uintmax_t)((const uint64_t *)items)[i]);
	else if (type == NV_TYPE_STRING_ARRAY)
		dump_string(fp, ((char *const *)items)[i]);
	else
		out(fp, "%d", ((const int *)items)[i]);
}

static void dump_array(FILE *fp, const nvpair_t *nvp, int level)
{
	const union nv_value *v = &nvp->nvp_v;

	if (nvp->nvp_type == NV_TYPE_NVLIST_ARRAY) {
		out(fp, " %zu lists\n", v->arr.nitems);
		for (size_t i = 0; i < v->arr.nitems; i++) {
			out(fp, "%*s[%zu]:\n", (level + 1) * 4, "", i);
			dump_list(fp, ((nvlist_t *const *)v->arr.items)[i], level + 2);
		}
		return;
	}
	out(fp, " [");
	for (size_t i = 0; i < v->arr.nitems; i++) {
		out(fp, "%s", i == 0 ? "" : ", ");
		dump_item(fp, nvp->nvp_type, v->arr.items, i);
	}
	out(fp, "]\n");
}

static void dump_value(FILE *fp, const nvpair_t *nvp, int level)
{
	const union nv_value *v = &nvp->nvp_v;

	switch (nvp->nvp_type) {
	case NV_TYPE_NULL:
		out(fp, "\n");
		break;
	case NV_TYPE_BOOL:
		out(fp, " %s\n", v->b ? "true" : "false");
		break;
	case NV_TYPE_NUMBER:
		out(fp, " %ju (0x%jx)\n", (uintmax_t)v->num, (uintmax_t)v->num);
		break;
	case NV_TYPE_STRING:
		out(fp, " ");
		dump_string(fp, v->str);
		out(fp, "\n");
		break;
	case NV_TYPE_NVLIST:
		out(fp, "\n");
		dump_list(fp, v->nvl, level + 1);
		break;
	case NV_TYPE_DESCRIPTOR:
		out(fp, " %d\n", v->fd);
		break;
	case NV_TYPE_BINARY:
		out(fp, " %zu bytes:", v->bin.size);
		for (size_t i = 0; i < v->bin.size; i++)
			out(fp, " %02x", ((const unsigned char *)v->bin.data)[i]);
		out(fp, "\n");
		break;
	default:
		dump_array(fp, nvp, level);
		break;
	}
}

static void dump_list(FILE *fp, const nvlist_t *nvl, int level)
{
	if (nvl->nvl_error != 0) {
		out(fp, "%*serror: %d\n", level * 4, "", nvl->nvl_error);
		return;
	}
	for (const nvpair_t *nvp = nvl->nvl_head; nvp != NULL; nvp = nvp->nvp_next) {
		out(fp, "%*s", level * 4, "");
		dump_string(fp, nvp->nvp_name);
		out(fp, " (%s):", nv_type_name(nvp->nvp_type));
		dump_value(fp, nvp, level);
	}
}

void nvlist_fdump(const nvlist_t *nvl, FILE *fp)
{
	if (nvl == NULL) {
		out(fp, "NULL\n");
		return;
	}
	NVLIST_ASSERT(nvl);
	dump_list(fp, nvl, 0);
}

/* Built in memory first, then written out in as few writes as it takes. */
void nvlist_dump(const nvlist_t *nvl, int fd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	ssize_t n;

	if (fp == NULL)
		return;
	nvlist_fdump(nvl, fp);
	if (fclose(fp) != 0)
		return;
	for (char *p = buf; len > 0; p += n, len -= (size_t)n) {
		if ((n = write(fd, p, len)) < 0 && errno != EINTR)
			break;
		n = n < 0 ? 0 : n;
	}
	free(buf);
}
