# What pacman's alpm hooks do on Arch when a package installs sysusers.d or tmpfiles.d files
# (30-systemd-sysusers.hook, 35-systemd-tmpfiles.hook): create the users and groups, then create and
# re-own/re-mode the paths. Only the line types the catalogue's packages use are implemented: sysusers
# g, u, m; tmpfiles d, D, z, Z, f. Sourced by lib.sh; run as root inside a sandbox host.

# sandbox_sysusers FILE...: apply sysusers.d lines (systemd-sysusers semantics for g, u, m).
sandbox_sysusers() {
  local f type name id gecos home shell
  for f in "$@"; do
    while read -r type name id gecos home shell; do
      [[ -z $type || $type == \#* ]] && continue
      gecos=${gecos//\"/}
      case $type in
        g)
          getent group "$name" >/dev/null && continue
          if [[ $id =~ ^[0-9]+$ ]] && ! getent group "$id" >/dev/null; then groupadd -r -g "$id" "$name"; else groupadd -r "$name"; fi ;;
        u)
          getent passwd "$name" >/dev/null && continue
          local args=(-r -M -s /usr/bin/nologin)
          [[ -n $home && $home != - ]] && args+=(-d "$home")
          [[ -n $gecos && $gecos != - ]] && args+=(-c "$gecos")
          if [[ $id == *:* ]]; then
            local g=${id#*:}; getent group "$g" >/dev/null || groupadd -r "$g"; args+=(-g "$g")
            [[ ${id%%:*} =~ ^[0-9]+$ ]] && args+=(-u "${id%%:*}")
          else
            getent group "$name" >/dev/null && args+=(-g "$name") || args+=(-U)
            [[ $id =~ ^[0-9]+$ ]] && args+=(-u "$id")
          fi
          useradd "${args[@]}" "$name" ;;
        m) getent group "$id" >/dev/null || groupadd -r "$id"; usermod -a -G "$id" "$name" ;;
      esac
    done <"$f"
  done
}

# sandbox_tmpfiles FILE...: apply tmpfiles.d lines as `systemd-tmpfiles --create` does for d, D, z, Z, f.
sandbox_tmpfiles() {
  local f type path mode user group age
  for f in "$@"; do
    while read -r type path mode user group age; do
      [[ -z $type || $type == \#* ]] && continue
      type=${type:0:1}
      [[ $user == - ]] && user=""; [[ $group == - ]] && group=""; [[ $mode == - ]] && mode=""
      local own=${user}${group:+:$group}
      case $type in
        d|D) mkdir -p -- "$path"; [[ -n $mode ]] && chmod "$mode" "$path"; [[ -n $own ]] && chown "$own" "$path" ;;
        f) [[ -e $path ]] || : >"$path"; [[ -n $mode ]] && chmod "$mode" "$path"; [[ -n $own ]] && chown "$own" "$path" ;;
        z) [[ -e $path ]] || continue; [[ -n $mode ]] && chmod "$mode" "$path"; [[ -n $own ]] && chown "$own" "$path" ;;
        Z) [[ -e $path ]] || continue; [[ -n $mode ]] && chmod -R "$mode" "$path"; [[ -n $own ]] && chown -R "$own" "$path" ;;
      esac
    done <"$f"
  done
}
