# Sourced by tools/demo, tools/test and bench/run.sh: install the Debian
# packages the build and the tests need, when they are missing (needs root or
# sudo only then), and keep build trees tied to one checkout.

need_pkgs() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "installing Debian packages:$missing" >&2
	if [ "$(id -u)" -eq 0 ]; then
		sudo=
	elif command -v sudo >/dev/null 2>&1; then
		sudo=sudo
	else
		echo "error: missing packages:$missing (run as root, or install them)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

BUILD_PKGS="gcc make cmake pkg-config libc6-dev"
TEST_PKGS="check libsubunit-dev clang libclang-rt-14-dev util-linux python3"

# Removes build tree $1 when it was configured from a source tree other than
# $2: CMake refuses to reuse it, and CI clones into a new path each time.
drop_foreign_tree() { # build-dir source-dir
	[ -f "$1/CMakeCache.txt" ] || return 0
	grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$2" "$1/CMakeCache.txt" && return 0
	rm -rf "${1:?}"
}
