#!/usr/bin/env bash
# deps.sh - installs the Debian 12 packages Tandem needs that are missing.
#
#   tools/deps.sh build   to build and run tandem
#   tools/deps.sh test    to build it and run every test (includes build)
#   tools/deps.sh bench   to run the benchmarks (includes test)
#
# Uses apt-get, through sudo when not root. Installs nothing when all is
# there, so it is cheap to run before every build.
set -euo pipefail

build=(build-essential pkg-config python3 ca-certificates
       libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev libcurl4-openssl-dev
       libcmark-gfm-dev libcmark-gfm-extensions-dev libicu-dev
       libcairo2-dev libpango1.0-dev fonts-dejavu-core fonts-droid-fallback)
test=(libcmocka-dev python3-pytest python3-requests python3-scipy python3-icalendar python3-jsonschema
      liblemon-dev postgresql sqlite3 chromium clang-format clang libclang-rt-14-dev
      poppler-utils python3-aiosmtpd)
bench=(wrk nginx-light hyperfine nlohmann-json3-dev)

case "${1:-build}" in
  build) want=("${build[@]}") ;;
  test) want=("${build[@]}" "${test[@]}") ;;
  bench) want=("${build[@]}" "${test[@]}" "${bench[@]}") ;;
  *) echo "usage: tools/deps.sh build|test|bench" >&2; exit 2 ;;
esac

# Node.js and npm build the web UI. Any Node >= 18 will do: Debian's, or
# one already installed (whose package may conflict with Debian's npm).
command -v node >/dev/null 2>&1 || want+=(nodejs)
command -v npm >/dev/null 2>&1 || want+=(npm)

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
