#!/bin/sh
# Installs the Debian packages tongban needs to build, run and test.
# Safe to run again: only missing packages are installed. Needs root (or sudo).
set -eu

PKGS="build-essential pkg-config make cmake
libmicrohttpd-dev libjansson-dev libsqlite3-dev libssl-dev libinih-dev
libcmocka-dev libcurl4-openssl-dev
libcairo2-dev libpango1.0-dev libqrencode-dev libpoppler-glib-dev fontconfig
libmagic-dev libmagic-mgc libzip-dev libcsv-dev
poppler-utils zbar-tools
clang libclang-rt-14-dev clang-format clang-tidy cppcheck
chromium fonts-noto-cjk
wrk nginx-light curl ca-certificates
libpq-dev postgresql postgresql-contrib"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

# Node.js may come from elsewhere (nodesource ships npm inside nodejs, which
# conflicts with Debian's npm package): only ask Debian when the command is absent.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -z "$missing" ]; then
    exit 0
fi

echo "install-deps: installing$missing"
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "install-deps: missing packages:$missing (run as root to install)" >&2
        exit 1
    fi
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
