#!/usr/bin/env bash
# The layer lint: base <- core <- domain <- io, store <- report <- server <- cli.
#   check_layers.sh REPO [BUILD_DIR]   (see check_layers.py; with BUILD_DIR also nm on the objects)
exec /usr/bin/python3 "$(dirname "$0")/check_layers.py" "$@"
