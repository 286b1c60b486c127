# Shared bash helpers for the sandbox stand-ins (pacman, yay, systemctl, git, makepkg, journalctl).
# Sourced inside a sandbox host; /etc/sandbox/env provides SANDBOX_IP, SANDBOX_NAME, SANDBOX_REPO...

# shellcheck disable=SC1091
[[ -r /etc/sandbox/env ]] && . /etc/sandbox/env
export SANDBOX_IP SANDBOX_NAME SANDBOX_DOMAIN SANDBOX_REPO
SANDBOX_CATALOGUE="$SANDBOX_REPO/test/sandbox/packages"
SANDBOX_STANDINS="$SANDBOX_REPO/test/sandbox/arch-commands"
SANDBOX_DB=/var/lib/pacman/sandbox
# Unit index: one file per unit provided by an installed package, holding the package's name.
SANDBOX_UNITS_INDEX=/var/lib/pacman/sandbox-units
SANDBOX_LOG=/var/log/sandbox/commands.log
SANDBOX_HOSTROOT=/run/sandbox/hostroot
# The three packages another engineer writes: installable (empty) before their payload exists.
SANDBOX_PLACEHOLDERS=" jitsi-meet-prosody jicofo jitsi-videobridge "

# Append "<tool>(<user>) <args...>" to the host's command log (the tests assert on it). Bash builtins only (no
# fork): queries such as `systemctl is-active` or `pacman -Q` must stay as cheap as the real tools.
sandbox_log_command() {
  local tool=$1; shift
  [[ ${SANDBOX_NO_LOG:-} == 1 ]] && return 0
  local user="" name x uid rest args
  if ((EUID == 0)); then user=root
  else
    while IFS=: read -r name x uid rest; do [[ $uid == "$EUID" ]] && { user=$name; break; }; done </etc/passwd
    user=${user:-uid$EUID}
  fi
  printf -v args ' %s' "$@"
  [[ -w $SANDBOX_LOG ]] && printf '%s(%s)%s\n' "$tool" "$user" "$args" >>"$SANDBOX_LOG"
  return 0
}

# Start CMD detached as USER[:GROUP] (GROUP defaults to USER's primary group; stdin closed, output to LOGFILE),
# write its pid to PIDFILE. setsid and setpriv exec in place, so the pid is CMD's own (the unit's main PID), not
# a wrapper's.
sandbox_daemon() {
  local pidfile=$1 spec=$2 logfile=$3; shift 3
  local user=${spec%%:*} group=${spec#*:}
  [[ $spec == *:* ]] || group=$(id -gn "$user")
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  touch "$logfile"; chown "$user:$group" "$logfile" 2>/dev/null || true
  if [[ $user == root ]]; then
    setsid "$@" </dev/null >>"$logfile" 2>&1 &
  else
    local home; home=$(getent passwd "$user" | cut -d: -f6)
    setsid setpriv --reuid="$user" --regid="$group" --init-groups -- \
      env HOME="${home:-/}" USER="$user" LOGNAME="$user" "$@" </dev/null >>"$logfile" 2>&1 &
  fi
  echo $! >"$pidfile"
}

# Exit 0 if PID is a live (non-zombie) process; SANDBOX_PID_STARTED = its start time (clock ticks after boot,
# field 22 of /proc/PID/stat), which tells it from a later process given the same pid. Bash builtins only.
sandbox_pid_alive() {
  local line f -
  SANDBOX_PID_STARTED=""
  [[ $1 =~ ^[1-9][0-9]*$ && -f /proc/$1/stat ]] && read -r line <"/proc/$1/stat" || return 1
  set -f; f=(${line##*) })   # the fields after "(comm)": state, ppid, ..., starttime
  [[ ${f[0]} != [ZX] ]] || return 1
  SANDBOX_PID_STARTED=${f[19]}
}

# Exit 0 if the pid recorded in PIDFILE is a live (non-zombie) process. Bash builtins only.
sandbox_pidfile_alive() {
  local pid=""
  [[ -f $1 ]] || return 1
  read -r pid <"$1"   # non-zero without a final newline (Prosody writes none), pid is set all the same
  sandbox_pid_alive "$pid"
}

# Stop the process in PIDFILE: TERM, wait up to SECONDS (default 10), then KILL; remove PIDFILE.
sandbox_stop_pidfile() {
  local pidfile=$1 secs=${2:-10} pid i
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  if sandbox_pidfile_alive "$pidfile"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 10; i++)); do sandbox_pidfile_alive "$pidfile" || break; sleep 0.1; done
    if sandbox_pidfile_alive "$pidfile"; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidfile"
}

# Exit 0 once IP:PORT accepts a TCP connection, within SECONDS (default 10).
sandbox_wait_port() {
  local ip=$1 port=$2 secs=${3:-10} i
  for ((i = 0; i < secs * 10; i++)); do
    (exec 3<>"/dev/tcp/$ip/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# Exit 0 when the package exists in the catalogue (or is one of the placeholder packages).
sandbox_pkg_known() {
  [[ $1 =~ ^[a-z0-9@._+-]+$ ]] || return 1
  [[ -f $SANDBOX_CATALOGUE/$1/meta ]] || [[ $SANDBOX_PLACEHOLDERS == *" $1 "* ]]
}

# Print the package's meta as shell assignments (VERSION REPO DEPENDS UNITS HOST_FILES HIDE STANDINS DESCRIPTION).
sandbox_pkg_meta() {
  (
    VERSION=0-0 REPO=aur DEPENDS="" UNITS="" HOST_FILES="" HIDE="" STANDINS="" DESCRIPTION="sandbox placeholder for $1" PROVIDES=""
    # shellcheck disable=SC1090
    [[ -f $SANDBOX_CATALOGUE/$1/meta ]] && . "$SANDBOX_CATALOGUE/$1/meta"
    declare -p VERSION REPO DEPENDS UNITS HOST_FILES HIDE STANDINS DESCRIPTION PROVIDES | sed 's/^declare -- //'
  )
}

# Exit 0 when the package is installed in this host.
sandbox_pkg_installed() { [[ -f $SANDBOX_DB/$1/version ]]; }

# Print the installed version of the package.
sandbox_pkg_version() { local v; read -r v <"$SANDBOX_DB/$1/version" && printf '%s\n' "$v"; }

# Print the package and its dependencies, dependencies first, each once (catalogue order).
sandbox_pkg_closure() {
  local -A seen=()
  _closure() {
    local p=$1 d
    [[ -n ${seen[$p]:-} ]] && return 0
    seen[$p]=1
    local VERSION REPO DEPENDS="" UNITS HOST_FILES HIDE STANDINS DESCRIPTION
    eval "$(sandbox_pkg_meta "$p")"
    for d in $DEPENDS; do _closure "$d"; done
    echo "$p"
  }
  local p; for p in "$@"; do _closure "$p"; done
}

# Install one package from the catalogue into this host (root). Args: NAME REASON(explicit|dependency).
sandbox_pkg_install_one() {
  local name=$1 reason=${2:-explicit} dir="$SANDBOX_CATALOGUE/$1" rc=0
  local VERSION REPO DEPENDS UNITS HOST_FILES HIDE STANDINS DESCRIPTION PROVIDES
  eval "$(sandbox_pkg_meta "$name")"
  local db="$SANDBOX_DB/$name" manifest
  mkdir -p "$db"
  manifest=$(mktemp)
  local has_meta=0; [[ -f $dir/meta ]] && has_meta=1
  if ((has_meta)) && [[ -d $dir/files ]]; then
    (cd "$dir/files" && find . -mindepth 1 \( -type f -o -type l \) -printf '%P\n') | while IFS= read -r rel; do
      local dst="/${rel%.sandbox-template}"
      mkdir -p "$(dirname "$dst")"
      if [[ $rel == *.sandbox-template ]]; then
        sed -e "s/@SANDBOX_IP@/$SANDBOX_IP/g" -e "s/@SANDBOX_NAME@/$SANDBOX_NAME/g" \
          -e "s/@SANDBOX_DOMAIN@/$SANDBOX_DOMAIN/g" "$dir/files/$rel" >"$dst"
        chmod --reference="$dir/files/$rel" "$dst"
      else
        rm -f "$dst"
        cp -P --preserve=mode "$dir/files/$rel" "$dst"
      fi
      chown -h root:root "$dst"
      echo "$dst" >>"$manifest"
    done
    # Directories from files/ keep their modes (e.g. 0750), owned by root.
    (cd "$dir/files" && find . -mindepth 1 -type d -printf '%P %m\n') | while read -r rel mode; do
      chmod "$mode" "/$rel"; chown root:root "/$rel"
    done
  fi
  local spec dst src
  for spec in $HOST_FILES; do
    dst=${spec%%=*}; src=${spec#*=}
    mkdir -p "$(dirname "$dst")"
    rm -rf "$dst"
    cp -a "$SANDBOX_HOSTROOT$src" "$dst"
    echo "$dst" >>"$manifest"
  done
  for spec in $STANDINS; do
    install -m 755 "$SANDBOX_STANDINS/$spec" "/usr/local/bin/$spec"
    echo "/usr/local/bin/$spec" >>"$manifest"
  done
  mv "$manifest" "$db/files"; chmod 644 "$db/files"
  echo "$REPO" >"$db/repo"
  echo "$reason" >"$db/reason"
  echo "$DESCRIPTION" >"$db/description"
  echo "$PROVIDES" >"$db/provides"
  echo "$VERSION" >"$db/version"
  local u
  for u in $UNITS; do
    mkdir -p "$SANDBOX_UNITS_INDEX"
    echo "$name" >"$SANDBOX_UNITS_INDEX/$u"; chmod 644 "$SANDBOX_UNITS_INDEX/$u"
  done
  if ((has_meta)) && [[ -f $dir/post-install ]]; then
    # --norc: bash -c with a socket on stdin (a Node child's stdio, as under host.ts) and no SHLVL (sudo clears it)
    # takes itself for a remote shell and reads root's ~/.bashrc, which on a developer machine can be slow.
    (cd / && SANDBOX_PKG_DIR="$dir" bash --norc -c '. "$SANDBOX_REPO/test/sandbox/arch-commands/lib.sh"; . "$1"' post-install "$dir/post-install") || rc=$?
    if ((rc != 0)); then
      echo "error: command failed to execute correctly" >&2
      return 1
    fi
  fi
  return 0
}

# Remove an installed package's recorded files and its database entry (root).
sandbox_pkg_remove_one() {
  local name=$1 f
  if [[ -f $SANDBOX_DB/$name/files ]]; then
    while IFS= read -r f; do [[ -n $f ]] && rm -rf -- "$f"; done <"$SANDBOX_DB/$name/files"
  fi
  rm -rf -- "${SANDBOX_DB:?}/$name"
  local f p
  for f in "$SANDBOX_UNITS_INDEX"/*; do
    [[ -f $f ]] && read -r p <"$f" && [[ $p == "$name" ]] && rm -f -- "$f"
  done
}

# Set the array SANDBOX_PKGS to the names of all installed packages, sorted (bash builtins only).
sandbox_pkg_names() {
  local LC_COLLATE=C d
  SANDBOX_PKGS=()
  for d in "$SANDBOX_DB"/*; do [[ -d $d ]] && SANDBOX_PKGS+=("${d##*/}"); done
}

# Print the names of all installed packages, sorted.
sandbox_pkg_list() { sandbox_pkg_names; ((${#SANDBOX_PKGS[@]} == 0)) || printf '%s\n' "${SANDBOX_PKGS[@]}"; }

# Print the units provided by installed packages, one "unit package" per line, from the packages' meta. Slow (it
# evaluates every meta); the systemctl stand-in reads SANDBOX_UNITS_INDEX instead. Kept for stand-ins installed in
# hosts booted before the index existed.
sandbox_units_installed() {
  local p u VERSION REPO DEPENDS UNITS HOST_FILES HIDE STANDINS DESCRIPTION
  for p in $(sandbox_pkg_list); do
    UNITS=""
    [[ -f $SANDBOX_CATALOGUE/$p/meta ]] && eval "$(sandbox_pkg_meta "$p")"
    for u in $UNITS; do echo "$u $p"; done
  done
}
