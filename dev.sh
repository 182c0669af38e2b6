#!/usr/bin/env bash
# Dialog kiosk — the two commands of the README.
#
#   ./dev.sh run    set up .venv and start the kiosk in a window, with a local data
#                   folder (./local-data) and a demo Trivselsdialog to try
#   ./dev.sh test   set up .venv (and Xvfb + Mesa with apt-get when missing), then run
#                   the whole test suite; extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")"
VENV="${KIOSK_VENV:-.venv}"
PY="${PYTHON:-python3}"

say() { printf '==> %s\n' "$*"; }

system_packages() {
    # Kivy's wheel brings SDL2; it needs the system's OpenGL (Mesa). The tests need
    # a virtual screen (Xvfb) and xdotool to send real X input to a running kiosk.
    local want=()
    command -v Xvfb >/dev/null || want+=(xvfb xauth)
    command -v xdotool >/dev/null || want+=(xdotool)
    ldconfig -p 2>/dev/null | grep -q 'libGL.so.1' || want+=(libgl1)
    ls /usr/lib/*/dri/swrast_dri.so >/dev/null 2>&1 || ls /usr/lib/*/dri/llvmpipe_dri.so >/dev/null 2>&1 || want+=(libgl1-mesa-dri)
    ldconfig -p 2>/dev/null | grep -q 'libmtdev.so.1' || want+=(libmtdev1)
    python_venv_ok || want+=(python3-venv)
    if [ "${1:-}" = test ]; then
        # the export is proven in a real browser, its PDF rendered to PNG pages
        command -v chromium >/dev/null || want+=(chromium)
        command -v pdftoppm >/dev/null || want+=(poppler-utils)
    fi
    [ ${#want[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else
            echo "Missing system packages: ${want[*]}. Install them (apt-get install ${want[*]}) and run again." >&2
            exit 1
        fi
    fi
    say "installing ${want[*]} with apt-get"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
}

python_venv_ok() { "$PY" -c 'import venv, ensurepip' 2>/dev/null; }

venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the virtual environment $VENV"
        "$PY" -m venv "$VENV"
    fi
    say "installing the kiosk and its dependencies"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]"
}

case "${1:-}" in
    run)
        shift
        system_packages
        venv
        if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
            echo "No screen here (DISPLAY is not set). Run this on a desktop, or: xvfb-run -s '-screen 0 1920x1080x24' ./dev.sh run" >&2
            exit 1
        fi
        exec "$VENV/bin/kiosk" --windowed --size 1600x900 --data ./local-data --demo "$@"
        ;;
    test)
        shift
        system_packages test
        venv
        exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
        ;;
    *)
        echo "usage: ./dev.sh run | ./dev.sh test [pytest arguments]" >&2
        exit 2
        ;;
esac
