#!/bin/sh
# Rebuild the embedded font faces from Debian packages. See README.md.
set -eu
pkgs="fonts-noto-cjk fonts-arphic-gkai00mp fonts-dejavu-core python3-fonttools zstd"
missing=""
for p in $pkgs; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	sudo apt-get install -y $missing
fi
# Debian's python3 has python3-fonttools; a pyenv python3 on PATH may not.
exec /usr/bin/python3 "$(dirname "$0")/mkfonts.py" "$@"
