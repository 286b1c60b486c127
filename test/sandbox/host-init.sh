#!/usr/bin/env bash
# PID 1 of a sandbox host: per-host overlays and mounts, Arch-like base system, then exec sshd -D.
# Run by `unshare --mount --uts --pid --fork --kill-child --mount-proc --propagation private`.
# Env: SANDBOX_HOSTDIR SANDBOX_IP SANDBOX_NAME SANDBOX_REPO SANDBOX_CLIENT_PUB SANDBOX_STATE.
set -euo pipefail
H=$SANDBOX_HOSTDIR
CATALOGUE=$SANDBOX_REPO/test/sandbox/packages
OVERLAID="etc var home usr opt root"

# 1. Per-host directories (on the machine's filesystem, under .sandbox/hosts/<name>).
for d in $OVERLAID; do mkdir -p "$H/upper/$d" "$H/work/$d"; done
mkdir -p "$H/run" "$H/tmp" "$H/bin"
chmod 1777 "$H/tmp"; chmod 755 "$H/run"

# 2. Whiteouts: Debian paths an Arch host must not show (HIDE) or shows only once a package
#    brings them (HOST_FILES destinations), plus the machine's ssh host keys and git.
hidden=$(
  for meta in "$CATALOGUE"/*/meta; do
    ( HIDE="" HOST_FILES=""; . "$meta"; for p in $HIDE; do echo "$p"; done; for s in $HOST_FILES; do echo "${s%%=*}"; done )
  done
)
covered() { local a=$1; while [[ $a == /*/* ]]; do a=${a%/*}; [[ -c $H/upper$a ]] && return 0; done; return 1; }
for p in $(printf '%s\n' $hidden /etc/ssh/ssh_host_* /etc/systemd/system /etc/init.d | awk '{ print length, $0 }' | sort -n | cut -d' ' -f2-); do
  [[ -e $p || -L $p ]] || continue
  covered "$p" && continue
  top=${p#/}; top=${top%%/*}
  [[ " $OVERLAID " == *" $top "* ]] || { echo "sandbox: cannot hide $p (not under an overlaid dir)" >&2; exit 1; }
  mkdir -p "$H/upper$(dirname "$p")"
  rm -rf "$H/upper$p"
  mknod "$H/upper$p" c 0 0
done

# 3. Mounts (private to this namespace; they vanish with it).
mount --bind "$H/run" /run
mkdir -p /run/sandbox/hostroot /run/sandbox/units
mount --bind / /run/sandbox/hostroot
mount -o remount,bind,ro /run/sandbox/hostroot
# The repository (catalogue, stand-ins, node_modules) at a fixed path: a checkout under /tmp would otherwise be
# hidden by the host's own /tmp below.
mkdir -p /run/sandbox/repo
mount --bind "$SANDBOX_REPO" /run/sandbox/repo
SANDBOX_REPO=/run/sandbox/repo
CATALOGUE=$SANDBOX_REPO/test/sandbox/packages
for d in $OVERLAID; do
  [[ -d /$d ]] || continue
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$H/upper/$d,workdir=$H/work/$d" "/$d"
done
mount --bind "$H/bin" /usr/local/bin
mount --bind "$H/tmp" /tmp
hostname "$SANDBOX_NAME"
# A private /dev: the machine's device nodes, and room for this host's own /dev/log (journald's syslog socket on
# Arch; here the journal stand-in, step 4b).
mkdir -p /run/sandbox/dev
mount -t tmpfs -o mode=755,nosuid sandbox-dev /run/sandbox/dev
for n in null zero full random urandom tty ptmx; do
  [[ -e /dev/$n ]] || continue
  : >"/run/sandbox/dev/$n"; mount --bind "/dev/$n" "/run/sandbox/dev/$n"
done
mkdir -p /run/sandbox/dev/pts /run/sandbox/dev/shm
mount --bind /dev/pts /run/sandbox/dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev sandbox-shm /run/sandbox/dev/shm
ln -s /proc/self/fd /run/sandbox/dev/fd
for i in 0:stdin 1:stdout 2:stderr; do ln -s "/proc/self/fd/${i%%:*}" "/run/sandbox/dev/${i#*:}"; done
mount --move /run/sandbox/dev /dev

# 4. An Arch-like base system.
DOMAIN="$SANDBOX_NAME.sandbox.test"
echo "$SANDBOX_NAME" >/etc/hostname
rm -f /etc/os-release
cat >/etc/os-release <<OS
NAME="Arch Linux"
PRETTY_NAME="Arch Linux"
ID=arch
BUILD_ID=rolling
ANSI_COLOR="38;2;23;147;209"
HOME_URL="https://archlinux.org/"
DOCUMENTATION_URL="https://wiki.archlinux.org/"
SUPPORT_URL="https://bbs.archlinux.org/"
BUG_REPORT_URL="https://gitlab.archlinux.org/groups/archlinux/-/issues"
PRIVACY_POLICY_URL="https://terms.archlinux.org/docs/privacy-policy/"
LOGO=archlinux-logo
OS
cat >/etc/hosts <<HOSTS
127.0.0.1 localhost
::1 localhost
$SANDBOX_IP $DOMAIN auth.$DOMAIN guest.$DOMAIN conference.$DOMAIN focus.$DOMAIN $SANDBOX_NAME
HOSTS
mkdir -p /etc/sandbox
cat >/etc/sandbox/env <<ENV
SANDBOX_IP=$SANDBOX_IP
SANDBOX_NAME=$SANDBOX_NAME
SANDBOX_DOMAIN=$DOMAIN
SANDBOX_REPO=$SANDBOX_REPO
ENV
chmod 644 /etc/sandbox/env
cat >/etc/pacman.conf <<'CONF'
# /etc/pacman.conf (sandbox: read by nobody; the pacman stand-in uses test/sandbox/packages)
[options]
HoldPkg     = pacman glibc
Architecture = auto
CheckSpace
SigLevel    = Required DatabaseOptional
LocalFileSigLevel = Optional

[core]
Include = /etc/pacman.d/mirrorlist

[extra]
Include = /etc/pacman.d/mirrorlist
CONF
mkdir -p /var/log/sandbox/units
: >/var/log/sandbox/commands.log
chmod 666 /var/log/sandbox/commands.log

# 4b. The journal: syslog(3) messages sent to /dev/log land in /var/log/sandbox/journal (root-only, like the
# real journal), which the journalctl stand-in reads.
install -m 640 /dev/null /var/log/sandbox/journal
perl "$SANDBOX_REPO/test/sandbox/syslogd.pl" /dev/log /var/log/sandbox/journal </dev/null >>/var/log/sandbox/syslogd.log 2>&1 &
for _ in $(seq 50); do [[ -S /dev/log ]] && break; sleep 0.02; done

# Stand-ins of the base system; yay, git and makepkg arrive with their packages.
for t in pacman systemctl journalctl; do install -m 755 "$SANDBOX_REPO/test/sandbox/arch-commands/$t" "/usr/local/bin/$t"; done
ln -sfn /usr/local/bin/systemctl /usr/bin/systemctl
ln -sfn /usr/local/bin/journalctl /usr/bin/journalctl

# pacman's local database: a few base packages (versions with epochs on purpose).
db=/var/lib/pacman/sandbox
mkdir -p "$db"
while read -r name version desc; do
  mkdir -p "$db/$name"
  echo "$version" >"$db/$name/version"; echo core >"$db/$name/repo"; echo explicit >"$db/$name/reason"
  echo "$desc" >"$db/$name/description"; : >"$db/$name/files"
done <<'PKGS'
base 3-2 Minimal package set to define a basic Arch Linux installation
bash 5.2.037-1 The GNU Bourne Again shell
filesystem 2024.11.21-1 Base Arch Linux files
glibc 2.40+r66+g7d4b6bcae91f-1 GNU C Library
iana-etc 1:20241206-1 /etc/protocols and /etc/services provided by IANA
linux 6.12.4.arch1-1 The Linux kernel and modules
openssl 3.4.0-1 The Open Source toolkit for Secure Sockets Layer and Transport Layer Security
openssh 9.9p1-2 SSH protocol implementation for remote login, command execution and file transfer
pacman 7.0.0.r6.gc685ae6-2 A library-based package manager with dependency support
archlinux-keyring 20240709-1 Arch Linux PGP keyring
sudo 1.9.16.p2-1 Give certain users the ability to run some commands as root
systemd 257.1-1 system and service manager
PKGS

# The login user: arch, in wheel, NOPASSWD sudo, key-only SSH.
groupadd -f wheel
id arch >/dev/null 2>&1 || useradd -m -G wheel -s /bin/bash arch
usermod -p '*' arch
echo 'arch ALL=(ALL:ALL) NOPASSWD: ALL' >/etc/sudoers.d/10-arch
chmod 440 /etc/sudoers.d/10-arch
mkdir -p /etc/ssh/authorized_keys
install -m 644 "$SANDBOX_CLIENT_PUB" /etc/ssh/authorized_keys/arch

# sshd: a fresh host key, listening only on this host's address.
ssh-keygen -q -t ed25519 -N '' -C "root@$SANDBOX_NAME" -f /etc/ssh/ssh_host_ed25519_key
cp /etc/ssh/ssh_host_ed25519_key.pub "$H/host_key.pub"
cat >/etc/ssh/sshd_config.d/00-sandbox.conf <<SSHD
# Sandbox host $SANDBOX_NAME: first match wins, so these override /etc/ssh/sshd_config.
ListenAddress $SANDBOX_IP:22
HostKey /etc/ssh/ssh_host_ed25519_key
AuthorizedKeysFile /etc/ssh/authorized_keys/%u
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
UseDNS no
X11Forwarding no
PidFile /run/sshd.pid
MaxStartups 200:30:400
MaxSessions 100
SSHD
mkdir -p /run/sshd

# 5. Optional state: Jitsi installed (as a bootstrap + yay would have done), nothing configured; or, for a
# videobridge host, only jitsi-videobridge (and the AUR tooling it came through): no prosody, jicofo, nginx, web.
case ${SANDBOX_STATE:-fresh} in
  jitsi-installed) want="git base-devel yay-bin prosody lua-sec nginx jitsi-meet-prosody jicofo jitsi-videobridge jitsi-meet" ;;
  bridge) want="git base-devel yay-bin jitsi-videobridge" ;;
  *) want="" ;;
esac
if [[ -n $want ]]; then
  (
    set +e
    export SANDBOX_NO_LOG=1
    . "$SANDBOX_REPO/test/sandbox/arch-commands/lib.sh"
    for p in $(sandbox_pkg_closure $want); do
      sandbox_pkg_installed "$p" && continue
      reason=dependency; [[ " $want " == *" $p "* ]] && reason=explicit
      sandbox_pkg_install_one "$p" "$reason" || { echo "sandbox: installing $p failed" >&2; exit 1; }
    done
  )
  : >/var/log/sandbox/commands.log
fi

touch "$H/booted"
exec /usr/sbin/sshd -D -E /var/log/sshd.log
