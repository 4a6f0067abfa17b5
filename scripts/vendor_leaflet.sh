#!/usr/bin/env bash
# Vendor Leaflet's built JS/CSS/images into src/corridor/_static/ for self-contained maps
# (corridor.maps.render(..., inline_assets=True)). Leaflet is BSD-2-Clause; its LICENSE is
# copied alongside. The version matches the one folium links from its CDN (folium.Map.default_js).
#
# Usage: scripts/vendor_leaflet.sh [VERSION]     (needs npm; uses `npm pack`, the ordinary client)
set -euo pipefail

VERSION="${1:-1.9.3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/corridor/_static/leaflet"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "leaflet@${VERSION}" >/dev/null
tar xzf "leaflet-${VERSION}.tgz"

rm -rf "$DEST"
mkdir -p "$DEST/images"
cp package/dist/leaflet.js package/dist/leaflet.css "$DEST/"
cp package/dist/images/*.png "$DEST/images/"
cp package/LICENSE "$DEST/LICENSE"

{
  echo "Leaflet ${VERSION} (https://leafletjs.com), BSD-2-Clause, see LICENSE."
  echo "Source: npm package leaflet@${VERSION}, files dist/leaflet.js, dist/leaflet.css, dist/images/*.png."
  echo "Rebuild: scripts/vendor_leaflet.sh ${VERSION}"
  echo "sha256:"
  (cd "$DEST" && sha256sum leaflet.js leaflet.css images/*.png LICENSE)
} >"$DEST/PROVENANCE.txt"

echo "vendored Leaflet ${VERSION} into ${DEST#"$ROOT"/}"
