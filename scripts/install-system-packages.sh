#!/usr/bin/env bash
# Installs the Debian packages the portal needs, and only those missing, so a second run is instant.
set -euo pipefail

PACKAGES=(
  python3 python3-venv python3-pip          # interpreter and venv on a fresh Debian
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint
  fonts-liberation2                         # Times-metric serif with every Vietnamese glyph
  poppler-utils                             # pdftotext/pdftoppm: reading PDFs back in tests
  gettext                                   # compilemessages
  postgresql-client                         # pg_dump/pg_restore for make backup/restore (15 on Debian 12, as the server)
  chromium chromium-driver                  # browser tests
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
