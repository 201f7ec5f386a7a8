#!/usr/bin/env bash
# Makes sure the system packages shangli-brief needs are present.
# Installs what is missing with apt-get when run as root on Debian; otherwise says what to install.
set -eu
what=${1:-fonts}

fonts_pkgs="fontconfig fonts-dejavu-core fonts-noto-cjk fonts-lxgw-wenkai fonts-wqy-zenhei fonts-arphic-ukai fonts-arphic-uming"
test_pkgs="poppler-utils qpdf libreoffice-writer-nogui"
missing=""

need_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || missing="$missing $1"; }

case "$what" in
  fonts) for p in $fonts_pkgs; do need_pkg "$p"; done ;;
  test)  for p in $fonts_pkgs $test_pkgs; do need_pkg "$p"; done ;;
  venv)  python3 -c 'import venv, ensurepip' 2>/dev/null || missing="python3-venv" ;;
  *) echo "ensure-system.sh: unknown set '$what'" >&2; exit 2 ;;
esac

[ -z "$missing" ] && exit 0

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "shangli-brief needs these Debian packages (or their equivalents):$missing" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "shangli-brief needs these packages; install them and run make again:" >&2
  echo "  sudo apt-get install$missing" >&2
  exit 1
fi
echo "Installing system packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends $missing >/dev/null
