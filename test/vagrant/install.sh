#!/usr/bin/env bash
# Install Debian's vagrant for `vagrant validate` in test/vagrant/validate.local.test.ts (idempotent).
# --no-install-recommends is enough for `vagrant validate --ignore-provider`: it skips the
# libvirt/qemu/virtualbox recommendations (~1.3 GB) and installs ruby + vagrant (~80 MB, 54 packages).
set -euo pipefail

if command -v vagrant >/dev/null 2>&1; then
  echo "vagrant already installed: $(VAGRANT_CHECKPOINT_DISABLE=1 vagrant --version 2>/dev/null || echo unknown version)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when they are missing (a fresh container) or the install fails.
if ! $SUDO apt-get install -y --no-install-recommends vagrant; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends vagrant
fi
VAGRANT_CHECKPOINT_DISABLE=1 vagrant --version
