#!/bin/sh
# Install the Debian packages some tests need on a fresh machine (never a download of anything else):
#   sh tests/system_setup.sh browser   Debian's chromium (Playwright's own browser builds are never
#                                      downloaded) and CJK fonts for readable screenshots;
#   sh tests/system_setup.sh render    LibreOffice headless (Writer, Calc; no GUI) to turn .docx/.xlsx into
#                                      PDF, poppler-utils (pdftoppm) for page images, and CJK fonts;
#   sh tests/system_setup.sh ocr       Tesseract with its Simplified Chinese data (the second OCR engine).
# Needs root; does nothing when everything is present.
set -e
need=""
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need="$need fonts-noto-cjk"
case "$1" in
  browser) [ -x /usr/bin/chromium ] || need="$need chromium" ;;
  render)
    command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui libreoffice-calc-nogui"
    command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils" ;;
  ocr)
    command -v tesseract >/dev/null 2>&1 || need="$need tesseract-ocr"
    tesseract --list-langs 2>/dev/null | grep -q chi_sim || need="$need tesseract-ocr-chi-sim" ;;
  *) echo "usage: sh tests/system_setup.sh browser|render|ocr" >&2; exit 2 ;;
esac
[ -z "$need" ] && { echo "system_setup $1: everything present"; exit 0; }
if [ "$(id -u)" != "0" ]; then
  echo "system_setup $1: need root to apt-get install$need" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $need fontconfig >/dev/null
echo "system_setup $1: installed$need"
