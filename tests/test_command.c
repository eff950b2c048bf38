/*
 * capsicum(1): real programs from Debian (coreutils, grep, sed, python3)
 * and a static probe of our own, run under the command as a user would.
 * What is granted works; anything else fails with the documented line
 * on standard error; the program's exit status passes through; the tool's
 * own errors have their own statuses; --learn's output, fed back, runs
 * the program.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <linux/capability.h>

#include <sys/capsicum.h>

#include "harness.h"

struct result {
	int status;
	char out[16384], err[16384];
};

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/capsicum-cmd.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* the caller's PATH may hold directories an unprivileged user cannot search (EACCES) */
	setenv("PATH", "/usr/bin:/bin", 1);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* dir/name, in a static buffer of its own (up to 8 at once). */
static const char *at(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(at(name), "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

static const char *stdin_path = "/dev/null";
static rlim_t nofile_hard;      /* if not 0, the hard RLIMIT_NOFILE to run with */
static const char *stderr_fifo; /* if set, stderr is this FIFO, which no one reads */

/* Run argv (argv[0] a path) in directory cwd with stdin from stdin_path. */
static void run_argv(const char *cwd, char *const argv[], struct result *r)
{
	char outp[256], errp[256];
	pid_t pid;

	snprintf(outp, sizeof(outp), "%s/.out", dir);
	snprintf(errp, sizeof(errp), "%s/.err", dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = stdin_path ? open(stdin_path, O_RDONLY) : 0;
		int out = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = stderr_fifo ? open(stderr_fifo, O_RDWR)
		                      : open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		struct rlimit rl = {nofile_hard, nofile_hard};

		if (in < 0 || out < 0 || err < 0 || (stdin_path && dup2(in, 0) < 0) ||
		    (!stdin_path && close(0) != 0) || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
		    chdir(cwd) != 0 || (nofile_hard && setrlimit(RLIMIT_NOFILE, &rl) != 0))
			_exit(99);
		execv(argv[0], argv);
		_exit(98);
	}
	ck_assert_int_eq(waitpid(pid, &r->status, 0), pid);
	slurp(outp, r->out, sizeof(r->out));
	slurp(errp, r->err, sizeof(r->err));
	unlink(outp);
	unlink(errp);
}

/* Run the command with the arguments that follow (NULL-terminated), in dir. */
static void run(struct result *r, ...)
{
	char *argv[64];
	int n = 0;
	va_list ap;

	argv[n++] = CAPSICUM_CMD;
	va_start(ap, r);
	while ((argv[n] = va_arg(ap, char *)) != NULL)
		ck_assert_int_lt(++n, 63);
	va_end(ap);
	run_argv(dir, argv, r);
}

static int exit_status(const struct result *r)
{
	ck_assert_msg(WIFEXITED(r->status), "ended by signal %d; stderr: %s",
	              WIFSIGNALED(r->status) ? WTERMSIG(r->status) : 0, r->err);
	return WEXITSTATUS(r->status);
}

#define ck_assert_has(hay, needle)                                                                 \
	ck_assert_msg(strstr(hay, needle) != NULL, "wanted \"%s\" in:\n%s", needle, hay)
#define ck_assert_lacks(hay, needle)                                                               \
	ck_assert_msg(strstr(hay, needle) == NULL, "did not want \"%s\" in:\n%s", needle, hay)

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static char suggested[4096];

/* Run --learn, then the command line it suggests (kept in suggested): its status. */
static int learn_then_run(struct result *r, char *const learn_argv[])
{
	char *line, *argv[64], *save = NULL;
	int n = 0;

	run_argv(dir, learn_argv, r);
	line = strstr(r->err, "\ncapsicum run ");
	ck_assert_msg(line != NULL, "no suggestion in:\n%s", r->err);
	line++;
	*strchr(line, '\n') = '\0';
	snprintf(suggested, sizeof(suggested), "%s", line);
	ck_assert_msg(strchr(line, '\'') == NULL, "quoting in the test's names: %s", line);
	for (char *w = strtok_r(line, " ", &save); w && n < 63; w = strtok_r(NULL, " ", &save)) {
		argv[n] = n == 0 ? CAPSICUM_CMD : w;
		n++;
	}
	argv[n] = NULL;
	run_argv(dir, argv, r);
	return exit_status(r);
}

/* --- Granted work succeeds. --- */

START_TEST(cat_reads_a_granted_file)
{
	struct result r;

	put("a", "alpha\n");
	run(&r, "run", "--read", at("a"), "--", "/bin/cat", at("a"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "alpha\n");
	ck_assert_str_eq(r.err, "");
}
END_TEST

START_TEST(a_name_no_grant_covers_is_refused_with_one_line)
{
	struct result r;
	char want[512];

	put("a", "alpha\n");
	put("secret", "s3cret\n");
	run(&r, "--read", at("a"), "--", "/bin/cat", at("secret"), NULL);
	ck_assert_int_eq(exit_status(&r), 1);
	ck_assert_str_eq(r.out, "");
	snprintf(want, sizeof(want),
	         "capsicum: refused openat(\"%s\"): no grant covers it (to allow: --read %s)\n",
	         at("secret"), at("secret"));
	ck_assert_has(r.err, want);
	/* For the program the name does not exist. */
	ck_assert_has(r.err, "No such file or directory");
	ck_assert_lacks(r.out, "s3cret");
}
END_TEST

START_TEST(a_missing_right_names_the_grant_that_would_allow_it)
{
	struct result r;
	char want[512];

	put("a", "alpha\n");
	run(&r, "--read", dir, "--", "/bin/cp", at("a"), at("b"), NULL);
	ck_assert_int_ne(exit_status(&r), 0);
	snprintf(want, sizeof(want),
	         "capsicum: refused openat(\"%s\"): %s is granted without CAP_CREATE (to allow: "
	         "--create %s)\n",
	         at("b"), dir, dir);
	ck_assert_has(r.err, want);
	ck_assert(!exists(at("b")));

	run(&r, "--create", dir, "--", "/bin/cp", at("a"), at("b"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.err, "");
	ck_assert(exists(at("b")));
}
END_TEST

START_TEST(write_grant_writes_but_does_not_remove)
{
	struct result r;
	char want[512];

	put("a", "alpha\n");
	run(&r, "--write", dir, "--", "/bin/rm", at("a"), NULL);
	ck_assert_int_ne(exit_status(&r), 0);
	snprintf(want, sizeof(want),
	         "capsicum: refused unlinkat(\"%s\"): %s is granted without CAP_UNLINKAT (to "
	         "allow: --create %s)\n",
	         at("a"), dir, dir);
	ck_assert_has(r.err, want);
	ck_assert(exists(at("a")));
	/* truncate(1) opens the existing file for writing: a --write grant allows it */
	run(&r, "--write", dir, "--", "/usr/bin/truncate", "-c", "-s", "2", at("a"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	slurp(at("a"), r.out, sizeof(r.out));
	ck_assert_str_eq(r.out, "al");
	run(&r, "--create", dir, "--", "/bin/rm", at("a"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert(!exists(at("a")));
}
END_TEST

/* cp, mv and ln open their target directory O_PATH (a directory descriptor is given). */
START_TEST(cp_and_mv_into_a_granted_directory)
{
	struct result r;

	put("a", "alpha\n");
	ck_assert_int_eq(mkdir(at("d"), 0755), 0);
	run(&r, "--read", at("a"), "--create", at("d"), "--", "/bin/cp", at("a"), at("d"), NULL);
	ck_assert_msg(exit_status(&r) == 0, "%s", r.err);
	ck_assert(exists(at("d/a")));
	run(&r, "--create", dir, "--", "/bin/mv", at("d/a"), at("b"), NULL);
	ck_assert_msg(exit_status(&r) == 0, "%s", r.err);
	ck_assert(exists(at("b")) && !exists(at("d/a")));
}
END_TEST

/* A file grant written with O_CREAT (a shell's ">", touch) needs no directory grant. */
START_TEST(create_flag_on_a_granted_file)
{
	struct result r;
	char *touch[] = {CAPSICUM_CMD, "--learn", "--", "/usr/bin/touch", strdup(at("t")), NULL};
	char want[256];

	put("t", "");
	ck_assert_int_eq(learn_then_run(&r, touch), 0);
	snprintf(want, sizeof(want), "capsicum run --write %s -- /usr/bin/touch", at("t"));
	ck_assert_has(suggested, want);
	ck_assert_str_eq(r.err, "");
}
END_TEST

START_TEST(python3_runs_a_script_beneath_a_read_grant)
{
	struct result r;

	put("s.py", "import sys\nprint(len(sys.argv))\n");
	run(&r, "--read", dir, "--", "/usr/bin/python3", at("s.py"), "x", NULL);
	ck_assert_msg(exit_status(&r) == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "2\n");
}
END_TEST

START_TEST(relative_names_resolve_from_the_working_directory)
{
	struct result r;

	put("a", "alpha\n");
	run(&r, "--read", ".", "--", "/bin/cat", "a", NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "alpha\n");
	run(&r, "--read", ".", "--", CMD_PROBE, "cwd", NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_has(r.out, dir);
}
END_TEST

START_TEST(grep_and_sed_work_on_granted_files)
{
	struct result r;

	put("a", "one\ntwo\nthree\n");
	run(&r, "--read", at("a"), "--", "/bin/grep", "-c", "t", at("a"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "2\n");
	run(&r, "--read", dir, "--", "/bin/sed", "-n", "s/two/2/p", at("a"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "2\n");
	/* grep's own status passes through: no match is 1 */
	run(&r, "--read", at("a"), "--", "/bin/grep", "four", at("a"), NULL);
	ck_assert_int_eq(exit_status(&r), 1);
}
END_TEST

START_TEST(ls_lists_a_granted_directory)
{
	struct result r;

	put("a", "");
	put("b", "");
	run(&r, "--read", dir, "--", "/bin/ls", dir, NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "a\nb\n");
	/* ls -l reads extended attributes by name (lgetxattr): served */
	run(&r, "--read", dir, "--", "/bin/ls", "-l", at("a"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_lacks(r.err, "ls:");
	/* the directory above the grant may be looked at, not listed */
	run(&r, "--read", dir, "--", "/bin/ls", "/tmp", NULL);
	ck_assert_int_ne(exit_status(&r), 0);
	ck_assert_lacks(r.out, strrchr(dir, '/') + 1);
}
END_TEST

START_TEST(python3_runs_confined)
{
	struct result r;
	char code[512];

	put("a", "alpha\n");
	snprintf(code, sizeof(code), "print(open('%s').read().upper(), end='')", at("a"));
	run(&r, "--read", at("a"), "--", "/usr/bin/python3", "-c", code, NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "ALPHA\n");
	snprintf(code, sizeof(code), "open('%s', 'w')", at("new"));
	run(&r, "--read", dir, "--", "/usr/bin/python3", "-c", code, NULL);
	ck_assert_int_eq(exit_status(&r), 1);
	ck_assert_has(r.err, "without CAP_CREATE");
	ck_assert(!exists(at("new")));
}
END_TEST

START_TEST(extended_attributes_read_by_name)
{
	struct result r;
	char code[512];

	put("x", "");
	if (setxattr(at("x"), "user.t", "v1", 2, 0) != 0) {
		/* a file system without user attributes: the call itself must still be served */
		ck_assert_int_eq(errno, ENOTSUP);
	}
	snprintf(code, sizeof(code),
	         "import os\n"
	         "try:\n"
	         "    print(os.getxattr('%s', 'user.t'), os.listxattr('%s'))\n"
	         "except OSError as e:\n"
	         "    print(e.errno)\n",
	         at("x"), at("x"));
	run(&r, "--read", dir, "--", "/usr/bin/python3", "-c", code, NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	if (getxattr(at("x"), "user.t", NULL, 0) == 2)
		ck_assert_str_eq(r.out, "b'v1' ['user.t']\n");
	else
		ck_assert_int_eq(atoi(r.out), ENOTSUP);
}
END_TEST

START_TEST(links_are_followed_through_the_grants_only)
{
	struct result r;
	char want[512];

	ck_assert_int_eq(mkdir(at("d1"), 0755), 0);
	ck_assert_int_eq(mkdir(at("d2"), 0755), 0);
	put("d2/t", "target\n");
	put("secret", "s3cret\n");
	ck_assert_int_eq(symlink(at("d2/t"), at("d1/in")), 0);    /* to another grant */
	ck_assert_int_eq(symlink(at("secret"), at("d1/out")), 0); /* outside every grant */
	ck_assert_int_eq(symlink("../secret", at("d1/up")), 0);   /* relative, climbing out */
	run(&r, "--read", at("d1"), "--read", at("d2"), "--", "/bin/cat", at("d1/in"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "target\n");
	run(&r, "--read", at("d1"), "--read", at("d2"), "--", "/bin/cat", at("d1/out"), NULL);
	ck_assert_int_eq(exit_status(&r), 1);
	snprintf(want, sizeof(want), "refused openat(\"%s\"): no grant covers it", at("secret"));
	ck_assert_has(r.err, want);
	run(&r, "--read", at("d1"), "--", "/bin/cat", at("d1/up"), NULL);
	ck_assert_int_eq(exit_status(&r), 1);
	ck_assert_lacks(r.out, "s3cret");
	/* ".." out of a grant is a name outside it */
	snprintf(want, sizeof(want), "%s/../secret", at("d1"));
	run(&r, "--read", at("d1"), "--", "/bin/cat", want, NULL);
	ck_assert_int_eq(exit_status(&r), 1);
	ck_assert_lacks(r.out, "s3cret");
}
END_TEST

/* --- The static probe: confined from its first instruction. --- */

START_TEST(a_static_program_is_confined_from_its_first_instruction)
{
	struct result r;
	char want[64];

	run(&r, "--", CMD_PROBE, "capmode", NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "capmode=1\n");
	run(&r, "--", CMD_PROBE, "netlink", NULL);
	snprintf(want, sizeof(want), "errno %d\n", ECAPMODE);
	ck_assert_str_eq(r.out, want);
	put("a", "alpha\n");
	run(&r, "--read", at("a"), "--", CMD_PROBE, "cat", at("a"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "alpha\n");
	run(&r, "--", CMD_PROBE, "cat", "/etc/passwd", NULL);
	snprintf(want, sizeof(want), "errno %d\n", ENOENT);
	ck_assert_str_eq(r.out, want);
	ck_assert_has(r.err, "refused openat(\"/etc/passwd\"): no grant covers it");
}
END_TEST

/*
 * MAP_SHARED needs CAP_MMAP_W, even to read (DEVIATIONS): allowing a read
 * mapping of a file open read-only on a slow number was withdrawn, since a
 * writable copy could take the number first (second attack review).
 */
START_TEST(shared_mapping_needs_a_write_grant)
{
	struct result r;
	char want[64];

	put("m", "mapped\n");
	run(&r, "--read", dir, "--", CMD_PROBE, "map", at("m"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	snprintf(want, sizeof(want), "errno %d\nerrno %d\n", ENOTCAPABLE, ENOTCAPABLE);
	ck_assert_str_eq(r.out, want);
}
END_TEST

/*
 * The grants are the supervisor's own copies: a program that closes a
 * grant's number and puts another file there (here its read-only stdin)
 * cannot reopen that file through the grant's name for writing.  With a
 * hard RLIMIT_NOFILE below the slow range the grants sit on low numbers,
 * which a plain dup refills (found by the attack review).  Root may not
 * raise the limit here (the command would: CAP_SYS_RESOURCE).
 */
START_TEST(a_grants_number_taken_over_grants_nothing)
{
	struct result r;
	char want[64];

	if (geteuid() == 0)
		ck_assert_int_eq(prctl(PR_CAPBSET_DROP, CAP_SYS_RESOURCE, 0, 0, 0), 0);

	put("g", "granted\n");
	put("victim", "victim\n");
	ck_assert_int_eq(chmod(at("victim"), 0666), 0);
	stdin_path = strdup(at("victim"));
	nofile_hard = 1024;
	run(&r, "--stdio=inherit", "--read", at("g"), "--", CMD_PROBE, "hijack", at("g"), NULL);
	snprintf(want, sizeof(want), "errno %d\n", ENOTCAPABLE);
	ck_assert_str_eq(r.out, want);
	slurp(at("victim"), r.out, sizeof(r.out));
	ck_assert_str_eq(r.out, "victim\n");
}
END_TEST

/*
 * Refusal lines never hold up the supervisor: with standard error a FIFO no
 * one reads, and thousands of refusals, a granted name is still served
 * (found by the attack review: every worker waited in write()).
 */
START_TEST(refusal_lines_never_stall_the_supervisor)
{
	struct result r;

	put("g", "granted\n");
	ck_assert_int_eq(mkfifo(at("fifo"), 0600), 0);
	stderr_fifo = strdup(at("fifo"));
	run(&r, "--read", at("g"), "--", CMD_PROBE, "flood", at("g"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "granted\n");
}
END_TEST

/*
 * Network off: no Internet socket at all, since listen() on a fresh one
 * would bind a port by itself (attack review); unix socket pairs work.
 */
START_TEST(network_is_off)
{
	struct result r;
	char want[64];

	run(&r, "--", CMD_PROBE, "inet", NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	snprintf(want, sizeof(want), "errno %d\nerrno 0\n", ECAPMODE);
	ck_assert_str_eq(r.out, want);
}
END_TEST

/* --net: the supervisor connects and binds the program's Internet sockets. */
START_TEST(net_grants_connect_and_bind)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int srv = socket(AF_INET, SOCK_STREAM, 0);
	char code[512];
	struct result r;
	pid_t pid;

	ck_assert_int_ge(srv, 0);
	ck_assert_int_eq(bind(srv, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(srv, 4), 0);
	ck_assert_int_eq(getsockname(srv, (struct sockaddr *)&sin, &len), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int c = accept(srv, NULL, NULL);

		_exit(c >= 0 && write(c, "hello\n", 6) == 6 ? 0 : 1);
	}
	close(srv);
	snprintf(code, sizeof(code),
	         "import socket\n"
	         "s = socket.create_connection(('127.0.0.1', %d))\n"
	         "print(s.recv(16).decode(), end='')\n"
	         "b = socket.socket()\n"
	         "b.bind(('127.0.0.1', 0))\n"
	         "print(b.getsockname()[1] > 0)\n",
	         ntohs(sin.sin_port));
	run(&r, "--net", "--", "/usr/bin/python3", "-c", code, NULL);
	ck_assert_msg(exit_status(&r) == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "hello\nTrue\n");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* without it, no Internet socket at all */
	run(&r, "--", "/usr/bin/python3", "-c", code, NULL);
	ck_assert_int_eq(exit_status(&r), 1);
	ck_assert_str_eq(r.out, "");
}
END_TEST

/*
 * The supervisor's control requests that set the path table, traps and
 * placements are the command's, made before it confines itself (the
 * second attack review placed descriptors from inside, racing a bug).
 */
START_TEST(control_requests_refused_from_inside)
{
	struct result r;
	char want[128];

	run(&r, "--", CMD_PROBE, "ctl", NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	snprintf(want, sizeof(want), "errno %d\nerrno %d\nerrno %d\nerrno %d\nerrno %d\n", ECAPMODE,
	         ECAPMODE, ECAPMODE, ECAPMODE, ECAPMODE);
	ck_assert_str_eq(r.out, want);
}
END_TEST

/*
 * Names through links (third attack review): a grant named through a link
 * into another grant is nested all the same, and a directory above a grant
 * named through a link the program can redirect shows nothing outside.
 */
START_TEST(grants_and_ancestors_through_links)
{
	struct result r;
	char code[1024], want[64];

	ck_assert_int_eq(mkdir(at("W"), 0755), 0);
	ck_assert_int_eq(mkdir(at("W/R"), 0755), 0);
	ck_assert_int_eq(symlink("W", at("Wl")), 0);
	run(&r, "--create", at("W"), "--read", at("Wl/R"), "--", "/bin/true", NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	ck_assert_has(r.err, "cannot take rights away");

	/* a grant through a link into a writable grant is nested too: refused */
	ck_assert_int_eq(mkdir(at("A"), 0755), 0);
	ck_assert_int_eq(mkdir(at("A/X"), 0755), 0);
	ck_assert_int_eq(mkdir(at("A/X/Y"), 0755), 0);
	ck_assert_int_eq(symlink("A", at("L")), 0);
	run(&r, "--create", at("A"), "--read", at("L/X/Y"), "--", "/bin/true", NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	/* above a grant, a name through a link shows nothing; the real one does */
	snprintf(code, sizeof(code),
	         "import os\n"
	         "for n in ('%s', '%s'):\n"
	         "    try:\n"
	         "        os.stat(n)\n"
	         "        print('ok')\n"
	         "    except OSError as e:\n"
	         "        print(e.errno)\n",
	         at("L/X"), at("A/X"));
	run(&r, "--read", at("L/X/Y"), "--", "/usr/bin/python3", "-c", code, NULL);
	snprintf(want, sizeof(want), "%d\nok\n", ENOENT);
	ck_assert_msg(strcmp(r.out, want) == 0, "out %s err %s", r.out, r.err);
}
END_TEST

/* "" names nothing: the kernel says ENOENT, and so does the supervisor. */
START_TEST(an_empty_name_is_no_name)
{
	struct result r;
	char *argv[] = {
	    CAPSICUM_CMD,
	    "--create",
	    strdup(dir),
	    "--",
	    "/usr/bin/python3",
	    "-c",
	    "import os\ntry:\n    os.rmdir('')\nexcept OSError as e:\n    print(e.errno)",
	    NULL};
	char want[16];

	ck_assert_int_eq(mkdir(at("sub"), 0755), 0);
	run_argv(at("sub"), argv, &r);
	snprintf(want, sizeof(want), "%d\n", ENOENT);
	ck_assert_str_eq(r.out, want);
	ck_assert(exists(at("sub")));
}
END_TEST

/* A name is shown escaped: a program cannot break a report line or drive the terminal. */
START_TEST(names_in_report_lines_are_escaped)
{
	struct result r;
	char name[128];

	snprintf(name, sizeof(name), "%s/a\nb\033[2J", dir);
	put("a\nb\033[2J", "x");
	run(&r, "--", CMD_PROBE, "cat", name, NULL);
	ck_assert_has(r.err, "/a\\x0ab\\x1b[2J\")");
	ck_assert_lacks(r.err, "\033");
	/* bytes above ASCII too (C1 controls, bidirectional overrides) */
	snprintf(name, sizeof(name), "%s/\xe2\x80\xae", dir);
	put("\xe2\x80\xae", "x");
	run(&r, "--", CMD_PROBE, "cat", name, NULL);
	ck_assert_has(r.err, "/\\xe2\\x80\\xae\")");
	/* and a suggestion is one shell word, quoted if need be */
	snprintf(name, sizeof(name), "%s/x$(touch y)", dir);
	put("x$(touch y)", "x");
	run(&r, "--", CMD_PROBE, "cat", name, NULL);
	ck_assert_has(r.err, "(to allow: --read '");
	ck_assert_has(r.err, "/x$(touch y)')");
}
END_TEST

START_TEST(stdio_is_limited_unless_inherited)
{
	struct result r;
	char want[64];

	run(&r, "--", CMD_PROBE, "write0", NULL);
	snprintf(want, sizeof(want), "errno %d\n", ENOTCAPABLE);
	ck_assert_str_eq(r.out, want);
	/* /dev/null opened for reading: the kernel's own answer */
	run(&r, "--stdio=inherit", "--", CMD_PROBE, "write0", NULL);
	snprintf(want, sizeof(want), "errno %d\n", EBADF);
	ck_assert_str_eq(r.out, want);
}
END_TEST

START_TEST(inherited_descriptors_are_closed)
{
	struct result r;
	char *argv[] = {CAPSICUM_CMD, "--", CMD_PROBE, "fd", "200", NULL};
	int fd = open("/etc/hostname", O_RDONLY);

	/* above the grants' descriptors */
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 200), 200);
	run_argv(dir, argv, &r);
	ck_assert_str_eq(r.out, "closed\n");
}
END_TEST

/* With standard input closed, nothing else takes its number (output still works). */
START_TEST(closed_stdin_is_refilled)
{
	struct result r;

	put("a", "alpha\n");
	stdin_path = NULL;
	run(&r, "--read", at("a"), "--", "/bin/cat", at("a"), NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "alpha\n");
}
END_TEST

START_TEST(exit_status_passes_through)
{
	struct result r;

	run(&r, "--", CMD_PROBE, "exit", "7", NULL);
	ck_assert_int_eq(exit_status(&r), 7);
	run(&r, "--", "/bin/false", NULL);
	ck_assert_int_eq(exit_status(&r), 1);
	run(&r, "--", CMD_PROBE, "kill", NULL);
	ck_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM);
}
END_TEST

/* --- The tool's own errors. --- */

START_TEST(bad_usage_has_its_own_status_and_message)
{
	struct result r;

	run(&r, "--bogus", "--", "/bin/true", NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	ck_assert_has(r.err, "unrecognized option");
	run(&r, NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	ck_assert_has(r.err, "capsicum: no program to run");
	run(&r, "--read", at("nonexistent"), "--", "/bin/true", NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	ck_assert_has(r.err, "No such file or directory");
	run(&r, "--trace", "--trap", "--", "/bin/true", NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	ck_assert_has(r.err, "conflict");
	run(&r, "--learn", "--read", dir, "--", "/bin/true", NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	run(&r, "--stdio=maybe", "--", "/bin/true", NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	run(&r, "--env", "NOEQUALS", "--", "/bin/true", NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	/* a grant beneath another cannot take rights away */
	ck_assert_int_eq(mkdir(at("sub"), 0755), 0);
	run(&r, "--create", dir, "--read", at("sub"), "--", "/bin/true", NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	ck_assert_has(r.err, "cannot take rights away");
	run(&r, "--help", NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_has(r.out, "usage: capsicum");
}
END_TEST

/* A kernel without mseal (before 6.10), simulated: mseal fails with ENOSYS. */
START_TEST(a_kernel_without_mseal_is_refused_clearly)
{
	struct sock_filter prog[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 462 /* mseal */, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = {ARRAY_LEN(prog), prog};
	struct result r;

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog), 0);
	run(&r, "--", "/bin/true", NULL);
	ck_assert_int_eq(exit_status(&r), 125);
	ck_assert_has(r.err, "no mseal(2) (Linux 6.10 or later)");
}
END_TEST

/*
 * Older kernels, simulated: no Landlock (before 5.13, or off at boot), no
 * SYNC_WAKE_UP (before 6.6), no PIDFD_GET_INFO (before 6.13).  The filter
 * holds the command and the supervisor it forks alike; grants still work
 * and refusals still refuse.
 */
START_TEST(runs_without_newer_kernel_features)
{
	struct sock_filter prog[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 444 /* landlock_create_ruleset */, 0, 2),
	    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 446 /* landlock_restrict_self */, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 16 /* ioctl */, 0, 6),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
	    BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffff),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xff0b /* PIDFD_GET_INFO */, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOTTY),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x2104 /* SECCOMP_IOCTL_NOTIF_SET_FLAGS */, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = {ARRAY_LEN(prog), prog};
	struct result r;
	char want[512];

	put("a", "alpha\n");
	put("secret", "s3cret\n");
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog), 0);
	run(&r, "--read", at("a"), "--", "/bin/cat", at("a"), NULL);
	ck_assert_msg(exit_status(&r) == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "alpha\n");
	run(&r, "--read", at("a"), "--", "/bin/cat", at("secret"), NULL);
	ck_assert_int_eq(exit_status(&r), 1);
	ck_assert_lacks(r.out, "s3cret");
	snprintf(want, sizeof(want), "refused openat(\"%s\"): no grant covers it", at("secret"));
	ck_assert_has(r.err, want);
}
END_TEST

/* Whether this process may raise its hard limit on open files to n (CAP_SYS_RESOURCE). */
static int may_raise_nofile(rlim_t n)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(setrlimit(RLIMIT_NOFILE, &(struct rlimit){n, n}) == 0 ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * A hard limit on open files below the slow range (a bare init's 4096):
 * raised where allowed, and the program runs; else a warning says why
 * files beneath the grants cannot be opened (a dynamic program's
 * libraries first).
 */
START_TEST(a_low_descriptor_limit_is_raised_or_said)
{
	struct rlimit low = {1024, 4096};
	struct result r;

	put("a", "alpha\n");
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	run(&r, "--read", at("a"), "--", "/bin/cat", at("a"), NULL);
	if (may_raise_nofile(12288)) {
		ck_assert_msg(exit_status(&r) == 0, "%s", r.err);
		ck_assert_str_eq(r.out, "alpha\n");
		ck_assert_lacks(r.err, "warning");
	} else {
		ck_assert_has(r.err, "capsicum: warning: the hard limit on open files is below "
		                     "12288: files opened beneath a grant will fail with EMFILE");
	}
}
END_TEST

START_TEST(a_program_that_cannot_run_has_its_own_status)
{
	struct result r;

	run(&r, "--", "no-such-program-here", NULL);
	ck_assert_int_eq(exit_status(&r), 127);
	put("script", "#!/bin/sh\necho hi\n");
	ck_assert_int_eq(chmod(at("script"), 0755), 0);
	run(&r, "--", at("script"), NULL);
	ck_assert_int_eq(exit_status(&r), 126);
	ck_assert_has(r.err, "cannot run in capability mode");
	ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(environment_options_apply_in_order)
{
	struct result r;

	run(&r, "--clearenv", "--env", "A=1", "--env", "B=2", "--unsetenv", "A", "--",
	    "/usr/bin/env", NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_str_eq(r.out, "B=2\n");
}
END_TEST

/* Running a program by name is refused, with a line that says so; --learn warns of it. */
START_TEST(running_a_program_by_name_is_refused_and_said)
{
	struct result r;
	char *learn[] = {CAPSICUM_CMD, "--learn", "--", "/bin/sh", "-c", "/bin/true", NULL};

	run(&r, "--", "/usr/bin/python3", "-c", "import os\nos.execv('/bin/true', ['true'])", NULL);
	ck_assert_int_eq(exit_status(&r), 1);
	ck_assert_has(r.err, "capsicum: refused execve(\"/bin/true\"): a program cannot run "
	                     "another by name in capability mode\n");
	run_argv(dir, learn, &r);
	ck_assert_int_eq(exit_status(&r), 0);
	ck_assert_has(r.err, "capsicum: it runs /bin/true by name, which capability mode refuses");
	ck_assert_lacks(r.err, "runs /bin/sh");
}
END_TEST

/* --- --learn. --- */

START_TEST(learn_prints_a_command_line_that_runs_the_program)
{
	struct result r;
	char *cp[] = {CAPSICUM_CMD,    "--learn",           "--", "/bin/cp",
	              strdup(at("a")), strdup(at("out/b")), NULL};
	char *cat[] = {CAPSICUM_CMD, "--learn", "--", "/bin/cat", strdup(at("a")), NULL};
	char want[256];

	put("a", "alpha\n");
	ck_assert_int_eq(mkdir(at("out"), 0755), 0);
	ck_assert_int_eq(learn_then_run(&r, cat), 0);
	ck_assert_str_eq(r.out, "alpha\n");
	snprintf(want, sizeof(want), "capsicum run --read %s -- /bin/cat %s", at("a"), at("a"));
	ck_assert_str_eq(suggested, want);
	ck_assert_int_eq(learn_then_run(&r, cp), 0);
	ck_assert(exists(at("out/b")));
	ck_assert_str_eq(r.err, "");
	/* no more than it used: the file it read, the directory it created in */
	snprintf(want, sizeof(want), "capsicum run --read %s --create %s -- /bin/cp", at("a"),
	         at("out"));
	ck_assert_has(suggested, want);
	/* once the file exists, cp only writes to it */
	run_argv(dir, cp, &r);
	snprintf(want, sizeof(want), "--write %s", at("out/b"));
	ck_assert_has(r.err, want);
}
END_TEST

/* --- --trace and --trap. --- */

START_TEST(trace_reports_the_kernels_refusals_and_goes_on)
{
	struct result r;
	char want[64];

	run(&r, "--trace", "--", CMD_PROBE, "netlink", NULL);
	ck_assert_int_eq(exit_status(&r), 0);
	snprintf(want, sizeof(want), "errno %d\n", ECAPMODE);
	ck_assert_str_eq(r.out, want);
	ck_assert_has(r.err, ": socket(0x10, 0x3, 0");
	ck_assert_has(r.err, ") = ECAPMODE\n");
	run(&r, "--trace", "--", CMD_PROBE, "write0", NULL);
	snprintf(want, sizeof(want), "errno %d\n", ENOTCAPABLE);
	ck_assert_str_eq(r.out, want);
	ck_assert_has(r.err, ": write(0, ");
	ck_assert_has(r.err, ") = ENOTCAPABLE\n");
}
END_TEST

START_TEST(trap_ends_the_program_at_its_first_failure)
{
	struct result r;

	run(&r, "--trap", "--", CMD_PROBE, "netlink", NULL);
	ck_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGSYS);
	ck_assert_str_eq(r.out, "");
	/* a refusal the supervisor makes traps too */
	run(&r, "--trap", "--", CMD_PROBE, "cat", "/etc/passwd", NULL);
	ck_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGSYS);
	/* and a program that fails at nothing runs to its end */
	run(&r, "--trap", "--", CMD_PROBE, "exit", "3", NULL);
	ck_assert_int_eq(exit_status(&r), 3);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("command");
	TCase *t = tcase_create("command");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, cat_reads_a_granted_file);
	tcase_add_test(t, a_name_no_grant_covers_is_refused_with_one_line);
	tcase_add_test(t, a_missing_right_names_the_grant_that_would_allow_it);
	tcase_add_test(t, write_grant_writes_but_does_not_remove);
	tcase_add_test(t, relative_names_resolve_from_the_working_directory);
	tcase_add_test(t, cp_and_mv_into_a_granted_directory);
	tcase_add_test(t, create_flag_on_a_granted_file);
	tcase_add_test(t, python3_runs_a_script_beneath_a_read_grant);
	tcase_add_test(t, grep_and_sed_work_on_granted_files);
	tcase_add_test(t, ls_lists_a_granted_directory);
	tcase_add_test(t, python3_runs_confined);
	tcase_add_test(t, links_are_followed_through_the_grants_only);
	tcase_add_test(t, extended_attributes_read_by_name);
	tcase_add_test(t, a_static_program_is_confined_from_its_first_instruction);
	tcase_add_test(t, stdio_is_limited_unless_inherited);
	tcase_add_test(t, shared_mapping_needs_a_write_grant);
	tcase_add_test(t, a_grants_number_taken_over_grants_nothing);
	tcase_add_test(t, refusal_lines_never_stall_the_supervisor);
	tcase_add_test(t, network_is_off);
	tcase_add_test(t, net_grants_connect_and_bind);
	tcase_add_test(t, control_requests_refused_from_inside);
	tcase_add_test(t, names_in_report_lines_are_escaped);
	tcase_add_test(t, grants_and_ancestors_through_links);
	tcase_add_test(t, an_empty_name_is_no_name);
	tcase_add_test(t, inherited_descriptors_are_closed);
	tcase_add_test(t, exit_status_passes_through);
	tcase_add_test(t, closed_stdin_is_refilled);
	tcase_add_test(t, bad_usage_has_its_own_status_and_message);
	tcase_add_test(t, a_program_that_cannot_run_has_its_own_status);
	tcase_add_test(t, a_low_descriptor_limit_is_raised_or_said);
	tcase_add_test(t, a_kernel_without_mseal_is_refused_clearly);
	tcase_add_test(t, runs_without_newer_kernel_features);
	tcase_add_test(t, environment_options_apply_in_order);
	tcase_add_test(t, learn_prints_a_command_line_that_runs_the_program);
	tcase_add_test(t, running_a_program_by_name_is_refused_and_said);
	tcase_add_test(t, trace_reports_the_kernels_refusals_and_goes_on);
	tcase_add_test(t, trap_ends_the_program_at_its_first_failure);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
