#!/usr/bin/env bash
# Set up edge-digits on 64-bit Raspberry Pi OS Bookworm (Python 3.11), as the user who will
# run it (sudo is used for apt and systemd only):
#
#   bash devices/raspberry-pi/setup.sh                 # venv + package + interpreter
#   bash devices/raspberry-pi/setup.sh --service       # ... and the systemd unit, at boot
#   bash devices/raspberry-pi/setup.sh --preview       # ... and a GUI OpenCV for the window
#   bash devices/raspberry-pi/setup.sh --tflite-runtime  # tflite-runtime instead of LiteRT
#
# Options: --venv DIR (default ~/edge-digits-venv), --from SPEC (what pip installs: default
# this checkout; a wheel file or "edge-digits" work too). Safe to run again.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$HOME/edge-digits-venv"
FROM="$REPO"
SERVICE=0 PREVIEW=0 TFLITE_RUNTIME=0
while [ $# -gt 0 ]; do
    case "$1" in
        --service) SERVICE=1 ;;
        --preview) PREVIEW=1 ;;
        --tflite-runtime) TFLITE_RUNTIME=1 ;;
        --venv) VENV="$2"; shift ;;
        --from) FROM="$2"; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
say() { printf '\n==> %s\n' "$*"; }
die() { echo "setup.sh: error: $*" >&2; exit 1; }

# --- what are we on ----------------------------------------------------------------------
arch="$(uname -m)"
[ "$arch" = aarch64 ] || die "expected 64-bit Raspberry Pi OS (aarch64), found $arch. On 32-bit \
(armv7l) there are no ai-edge-litert wheels: reinstall the 64-bit OS (see README.md)."
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] || echo "setup.sh: warning: tested for Bookworm, found ${VERSION_CODENAME:-unknown}" >&2
python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
    || echo "setup.sh: warning: Bookworm has Python 3.11, found $(python3 -V)" >&2

# --- apt: Python tools, Picamera2 (apt only, not PyPI), numpy it was built against -------
say "apt packages"
packages=(python3-venv python3-pip python3-numpy python3-picamera2)
[ "$PREVIEW" = 1 ] && packages+=(python3-opencv)
sudo apt-get update -q
sudo apt-get install -y -q --no-install-recommends "${packages[@]}"

# --- venv that sees apt's Picamera2 -------------------------------------------------------
# pip into the system Python fails on Bookworm ("externally-managed-environment", PEP 668):
# use a venv. --system-site-packages lets it import apt's picamera2 and libcamera.
say "venv $VENV (--system-site-packages)"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv --system-site-packages "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip

# numpy<2 and opencv-python-headless<4.12 keep apt's numpy 1.24, which Picamera2's compiled
# parts need (see constraints.txt).
say "pip install edge-digits ($FROM)"
if [ "$TFLITE_RUNTIME" = 1 ]; then
    # tflite-runtime (last release 2.14, Python <= 3.11, numpy < 2) instead of LiteRT
    "$VENV/bin/pip" install -q -c "$HERE/constraints.txt" "tflite-runtime>=2.14"
    "$VENV/bin/pip" install -q -c "$HERE/constraints.txt" "$FROM"
    "$VENV/bin/pip" uninstall -q -y ai-edge-litert || true
else
    "$VENV/bin/pip" install -q -c "$HERE/constraints.txt" "$FROM"
fi
if [ "$PREVIEW" = 1 ]; then
    # The venv's headless OpenCV would shadow apt's python3-opencv, the one with windows.
    "$VENV/bin/pip" uninstall -q -y opencv-python-headless || true
fi

say "check"
"$VENV/bin/python" - <<'EOF'
import cv2, numpy
from edge_digits.backends import load_interpreter_class
from edge_digits.preview import gui_available
_, backend = load_interpreter_class("auto")
try:
    import picamera2  # noqa: F401
    camera = "picamera2 importable"
except Exception as exc:  # noqa: BLE001
    camera = f"picamera2 NOT importable ({exc})"
print(f"numpy {numpy.__version__}, OpenCV {cv2.__version__} (GUI: {gui_available()}), "
      f"interpreter {backend}, {camera}")
EOF
"$VENV/bin/edge-digits" info || true

# --- the service ------------------------------------------------------------------------
if [ "$SERVICE" = 1 ]; then
    say "systemd unit edge-digits.service"
    sudo install -d /etc/edge-digits
    if [ ! -f /etc/edge-digits/config.toml ]; then
        sudo install -m 644 "$HERE/config.example.toml" /etc/edge-digits/config.toml
    fi
    "$VENV/bin/edge-digits" serve --config /etc/edge-digits/config.toml --check
    sed -e "s|@USER@|$USER|" -e "s|@HOME@|$HOME|" -e "s|@VENV@|$VENV|" \
        "$HERE/edge-digits.service" | sudo tee /etc/systemd/system/edge-digits.service >/dev/null
    sudo systemctl daemon-reload
    sudo systemctl enable --now edge-digits.service
    echo "running: journalctl -u edge-digits -f; readings: /var/lib/edge-digits/readings.jsonl"
fi
say "done: $VENV/bin/edge-digits read picamera2 --json   (Ctrl-C to stop)"
