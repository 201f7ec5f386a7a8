#!/usr/bin/env bash
# Makes sure the system packages shangli-brief needs are present.
# Installs what is missing with apt-get when run as root on Debian; otherwise says what to install.
set -eu
what=${1:-fonts}

fonts_pkgs="fontconfig fonts-dejavu-core fonts-noto-cjk fonts-lxgw-wenkai fonts-wqy-zenhei fonts-arphic-ukai fonts-arphic-uming"
test_pkgs="poppler-utils qpdf libreoffice-writer-nogui chromium"   # chromium: the HTML edition in a real browser
missing=""

need_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || missing="$missing $1"; }

case "$what" in
  fonts) for p in $fonts_pkgs; do need_pkg "$p"; done ;;
  test)  for p in $fonts_pkgs $test_pkgs; do need_pkg "$p"; done ;;
  venv)  python3 -c 'import venv, ensurepip' 2>/dev/null || missing="python3-venv" ;;
  *) echo "ensure-system.sh: unknown set '$what'" >&2; exit 2 ;;
esac

# FandolFang (仿宋, GPL with font exception), FandolKai and FandolHei come with Debian's
# texlive-lang-chinese: the package file is fetched and the fonts taken out, without TeX.
fandol() {
  if [ "$(id -u)" = 0 ]; then dest=/usr/local/share/fonts/fandol
  else dest="${XDG_DATA_HOME:-$HOME/.local/share}/fonts/fandol"; fi
  [ -f "$dest/FandolFang-Regular.otf" ] && return 0
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || {
    echo "note: FandolFang (the free 仿宋) comes from Debian's texlive-lang-chinese; without apt the body falls back to Noto Serif CJK" >&2
    return 0; }
  tmp=$(mktemp -d)
  if (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1); then
    dpkg-deb --fsys-tarfile "$tmp"/texlive-lang-chinese_*.deb \
      | tar -x -C "$tmp" --wildcards './usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol[FKHS]*.otf' \
        './usr/share/doc/texlive-doc/fonts/fandol/*'
    mkdir -p "$dest"
    cp "$tmp"/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol[FKHS]*.otf "$dest"/
    cp "$tmp"/usr/share/doc/texlive-doc/fonts/fandol/* "$dest"/ 2>/dev/null || true
    command -v fc-cache >/dev/null 2>&1 && fc-cache -f "$dest" >/dev/null 2>&1 || true
    echo "Installed FandolFang, FandolKai, FandolHei and FandolSong in $dest"
  else
    echo "note: could not fetch texlive-lang-chinese for FandolFang (the free 仿宋); the body falls back to Noto Serif CJK" >&2
  fi
  rm -rf "$tmp"
}

if [ -z "$missing" ]; then
  case "$what" in fonts|test) fandol ;; esac
  exit 0
fi

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
case "$what" in fonts|test) fandol ;; esac
