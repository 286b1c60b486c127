// The shell text of the changes tasks plan (facts' shell text lives in src/facts/): each runs as `sh -c TEXT LABEL ARGS…`,
// every value an argument, never spliced into the text.

// Run as the login user (makepkg refuses root). $1 AUR URL. Builds in a private temporary directory.
// A fresh box's keyring and package databases are stale: refresh the keyring first, then upgrade the whole
// system (Arch does not support partial upgrades), then install the build tools.
export const INSTALL_YAY = `set -e
sudo -n pacman -Sy --needed --noconfirm archlinux-keyring
sudo -n pacman -Su --noconfirm
sudo -n pacman -S --needed --noconfirm git base-devel
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
git clone --depth 1 "$1" "$dir/yay-bin"
cd "$dir/yay-bin"
makepkg -si --noconfirm`;

// Self-signed certificate: $1 dir, $2 host, $3 Prosody's group. Key readable by Prosody's group only.
export const GENERATE_CERT = `set -e; umask 077; mkdir -p "$1"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$2" -addext "subjectAltName=DNS:$2" -keyout "$1/$2.key.tmp" -out "$1/$2.crt.tmp" 2>/dev/null
chown "root:$3" "$1/$2.key.tmp" "$1/$2.crt.tmp"; chmod 640 "$1/$2.key.tmp"; chmod 644 "$1/$2.crt.tmp"
mv -f "$1/$2.key.tmp" "$1/$2.key"; mv -f "$1/$2.crt.tmp" "$1/$2.crt"`;

// Install the operator's files: $1 cert $2 key $3 dest dir $4 host $5 Prosody's group.
export const INSTALL_CERT = `set -e; install -D -o root -g "$5" -m 644 -- "$1" "$3/$4.crt"; install -D -o root -g "$5" -m 640 -- "$2" "$3/$4.key"`;
