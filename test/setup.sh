#!/usr/bin/env bash
# Installs the Debian 12 packages the sandbox hosts and the tests need; idempotent, quick when all is present.
# Run as root on the test machine (CI: a fresh Debian 12). Starts no service (policy-rc.d refuses).
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "test/setup.sh: must run as root (it installs Debian packages)" >&2
  exit 1
fi

# Debian package -> a file that proves it is installed (cheap check, no dpkg-query per package).
declare -A NEEDED=(
  [openssh-server]=/usr/sbin/sshd
  [openssh-client]=/usr/bin/ssh-keygen
  [prosody]=/usr/bin/prosodyctl
  [lua5.4]=/usr/bin/lua5.4
  [lua-cjson]=/usr/lib/x86_64-linux-gnu/lua/5.4/cjson.so
  [lua-basexx]=/usr/share/lua/5.2/basexx.lua
  [lua-luaossl]=/usr/lib/x86_64-linux-gnu/lua/5.4/_openssl.so
  [lua-sec]=/usr/lib/x86_64-linux-gnu/lua/5.4/ssl.so
  [lua-inspect]=/usr/share/lua/5.3/inspect.lua
  [lua-check]=/usr/bin/luacheck
  [sudo]=/usr/bin/sudo
  [socat]=/usr/bin/socat
  [libtypesafe-config-java]=/usr/share/java/typesafe-config.jar
  [iproute2]=/usr/sbin/ip
  [openssl]=/usr/bin/openssl
  [util-linux]=/usr/bin/nsenter
  [procps]=/usr/bin/pgrep
  [passwd]=/usr/sbin/useradd
  [git]=/usr/bin/git
  [nginx-light]=/usr/sbin/nginx
  # `vagrant validate` of vagrant/Vagrantfile (no provider, no box: ruby + vagrant, about 80 MB).
  [vagrant]=/usr/bin/vagrant
)

# Prosody 13 (what Arch ships, on Lua 5.4) comes from bookworm-backports: the suite is enabled and only prosody
# is pinned to it (everything else stays on bookworm).
PROSODY_MAJOR=13
BACKPORTS=/etc/apt/sources.list.d/provision-bookworm-backports.sources
PIN=/etc/apt/preferences.d/provision-prosody
prosody_version() { dpkg-query -W -f '${Version}' prosody 2>/dev/null || true; }

missing=()
for pkg in "${!NEEDED[@]}"; do
  [[ -e ${NEEDED[$pkg]} ]] || missing+=("$pkg")
done
if [[ $(prosody_version) != "$PROSODY_MAJOR".* ]] && [[ " ${missing[*]} " != *" prosody "* ]]; then missing+=(prosody); fi
# A JDK only when there is no javac at all (any version is fine for the jicofo stand-in).
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)

if ((${#missing[@]} == 0)); then
  echo "test/setup.sh: all Debian packages present"
  exit 0
fi

IFS=$'\n' sorted=($(sort <<<"${missing[*]}")); unset IFS
echo "test/setup.sh: installing ${sorted[*]}"

# Nothing may start while we install (there is no systemd; init scripts would start daemons).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=1
fi
cleanup() { if ((created_policy)); then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
if [[ " ${sorted[*]} " == *" prosody "* ]]; then
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  if ! grep -rqs "^Suites:.*$codename-backports\|^deb .* $codename-backports " /etc/apt/sources.list /etc/apt/sources.list.d/; then
    cat >"$BACKPORTS" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $codename-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  cat >"$PIN" <<PIN
Package: prosody
Pin: release n=$codename-backports
Pin-Priority: 990
PIN
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${sorted[@]}" >/dev/null

# Debian's packages enable and may have started their daemons' config; the sandbox never uses the
# machine's own instances, and nothing was started thanks to policy-rc.d.
still=()
for pkg in "${sorted[@]}"; do
  if [[ $pkg == default-jdk-headless ]]; then command -v javac >/dev/null || still+=("$pkg")
  elif [[ ! -e ${NEEDED[$pkg]} ]]; then still+=("$pkg"); fi
done
[[ $(prosody_version) == "$PROSODY_MAJOR".* ]] || still+=("prosody $PROSODY_MAJOR (installed: $(prosody_version))")
if ((${#still[@]})); then
  echo "test/setup.sh: still missing after apt-get install: ${still[*]}" >&2
  exit 1
fi
echo "test/setup.sh: done"
