#!/usr/bin/env bash
# Refresh the vendored front-end libraries.
#
#   scripts/vendor-frontend.sh
#
# Installs the exact versions pinned in package.json/package-lock.json with
# `npm ci` in a throw-away directory (no node_modules is ever created in the
# repository), then copies only the built files needed at runtime into
#   src/locus/static/vendor/   (served by Django as /static/vendor/...)
#   tests/e2e/vendor/          (axe-core, browser accessibility tests only)
# Node/npm are needed only to run this script; the app itself needs no Node.
#
# To upgrade a library: edit the version in package.json, run
# `npm install --package-lock-only --ignore-scripts` to update the lockfile,
# then run this script and commit the result.
#
# Post-processing done on the copied files (all with sed, see below):
#  * govuk-frontend and MOJ frontend CSS refer to their fonts/images with
#    absolute URLs such as url(/assets/fonts/bold-....woff2). Served from
#    /static/vendor/<lib>/<lib>.min.css those would hit /assets/ on the site
#    root and 404, so they are rewritten to RELATIVE urls (url(assets/...)),
#    which resolve to /static/vendor/<lib>/assets/... next to the CSS file.
#    Relative urls also let Django's ManifestStaticFilesStorage hash them.
#  * The GDS Transport typeface is licensed for services on GOV.UK only, and
#    Locus is not one: its font files are not copied, the @font-face rules and
#    the font's notice are removed from the CSS, and "GDS Transport" is taken
#    out of every font-family list, so text falls back to GOV.UK's own
#    fallback stack (arial, sans-serif) and the browser asks for no font file.
#  * The trailing `sourceMappingURL` comments are removed because the .map
#    files are not vendored (keeps the size down) and ManifestStaticFilesStorage
#    fails collectstatic on references to missing files.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$REPO_ROOT/src/locus/static/vendor"
TEST_VENDOR="$REPO_ROOT/tests/e2e/vendor"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/locus-vendor.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cp "$REPO_ROOT/package.json" "$REPO_ROOT/package-lock.json" "$WORK/"
(cd "$WORK" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
NM="$WORK/node_modules"

version() { node -p "require('$NM/$1/package.json').version"; }

# Strip "/*# sourceMappingURL=... */" (CSS) and "//# sourceMappingURL=..." (JS).
strip_sourcemap() {
    sed -i -E -e 's@/\*# sourceMappingURL=[^*]*\*/@@g' -e 's@//# sourceMappingURL=.*$@@' "$1"
}

# Take the GDS Transport typeface out of a CSS file (see the notes at the top).
drop_gds_transport() {
    sed -i -E \
        -e 's@/\*! Copyright \(c\) 2011 by Margaret Calvert[^*]*\*/@@g' \
        -e 's/@font-face\{font-family:"?GDS Transport"?;[^}]*\}//g' \
        -e 's/font-family:"?GDS Transport"?,/font-family:/g' "$1"
    if grep -q "GDS Transport" "$1"; then
        echo "ERROR: $1 still names GDS Transport" >&2
        exit 1
    fi
}

# Write an MIT licence for npm packages that do not ship a LICENSE file
# (govuk-frontend and @ministryofjustice/frontend): the text is the upstream
# repository's LICENSE; package.json declares "license": "MIT".
write_mit() {
    local dest="$1" holder="$2" source="$3"
    cat >"$dest" <<EOF
The MIT License (MIT)

Copyright (c) $holder

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

(The npm package declares "license": "MIT" but ships no LICENSE file; this is
the licence text of the upstream repository $source.)
EOF
}

# Copy every file referenced by url(assets/...) in a (rewritten) CSS file from
# the package's assets folder, failing if any is missing.
copy_css_assets() {
    local css="$1" src_assets="$2" dest_dir="$3" rel
    grep -oE 'url\(["'\'']?assets/[^)"'\'']+' "$css" | sed -E 's@^url\(["'\'']?@@' | sort -u |
        while read -r rel; do
            install -D -m 0644 "$src_assets/${rel#assets/}" "$dest_dir/$rel"
        done
}

rm -rf "$VENDOR" "$TEST_VENDOR"
mkdir -p "$VENDOR" "$TEST_VENDOR"

# --- GOV.UK Frontend ------------------------------------------------------
G="$NM/govuk-frontend/dist/govuk"
D="$VENDOR/govuk-frontend"
mkdir -p "$D/assets"
cp "$G/govuk-frontend.min.css" "$G/govuk-frontend.min.js" "$D/"
sed -i -E 's@url\((["'\'']?)/assets/@url(\1assets/@g' "$D/govuk-frontend.min.css"
drop_gds_transport "$D/govuk-frontend.min.css"
# Only the images the CSS references: Locus has its own favicon, and the GOV.UK
# favicons, icons, manifest and brand images are for services on GOV.UK.
copy_css_assets "$D/govuk-frontend.min.css" "$G/assets" "$D"
strip_sourcemap "$D/govuk-frontend.min.css"
strip_sourcemap "$D/govuk-frontend.min.js"
write_mit "$D/LICENSE" "2017 Crown Copyright (Government Digital Service)" \
    "https://github.com/alphagov/govuk-frontend"

# --- MOJ Frontend ---------------------------------------------------------
M="$NM/@ministryofjustice/frontend/moj"
D="$VENDOR/moj-frontend"
mkdir -p "$D"
cp "$M/moj-frontend.min.css" "$M/moj-frontend.min.js" "$D/"
sed -i -E 's@url\((["'\'']?)/assets/@url(\1assets/@g' "$D/moj-frontend.min.css"
drop_gds_transport "$D/moj-frontend.min.css"
strip_sourcemap "$D/moj-frontend.min.css"
strip_sourcemap "$D/moj-frontend.min.js"
# Only the images the CSS actually references (the rest are MOJ branding).
copy_css_assets "$D/moj-frontend.min.css" "$M/assets" "$D"
write_mit "$D/LICENSE" "2019 Ministry of Justice" \
    "https://github.com/ministryofjustice/moj-frontend"

# --- Cytoscape.js + fCoSE layout --------------------------------------------
# Load with plain <script> tags in this order:
#   cytoscape.min.js, layout-base.js, cose-base.js, cytoscape-fcose.js
# (cytoscape-fcose registers itself on window.cytoscape when it is present).
D="$VENDOR/cytoscape"
mkdir -p "$D"
cp "$NM/cytoscape/dist/cytoscape.min.js" "$D/"
cp "$NM/cytoscape/LICENSE" "$D/LICENSE"
cp "$NM/layout-base/layout-base.js" "$D/"
cp "$NM/layout-base/LICENSE" "$D/LICENSE.layout-base"
cp "$NM/cose-base/cose-base.js" "$D/"
cp "$NM/cose-base/LICENSE" "$D/LICENSE.cose-base"
cp "$NM/cytoscape-fcose/cytoscape-fcose.js" "$D/"
cp "$NM/cytoscape-fcose/LICENSE" "$D/LICENSE.cytoscape-fcose"
for f in "$D"/*.js; do strip_sourcemap "$f"; done

# --- Leaflet --------------------------------------------------------------
D="$VENDOR/leaflet"
mkdir -p "$D"
cp "$NM/leaflet/dist/leaflet.js" "$NM/leaflet/dist/leaflet.css" "$NM/leaflet/LICENSE" "$D/"
cp -R "$NM/leaflet/dist/images" "$D/"
strip_sourcemap "$D/leaflet.js"

# --- axe-core (tests only, never served) --------------------------------------
cp "$NM/axe-core/axe.min.js" "$TEST_VENDOR/"
cp "$NM/axe-core/LICENSE" "$TEST_VENDOR/LICENSE.axe-core"

# --- Sanity check: every relative url() in vendored CSS resolves to a file ------
status=0
while IFS= read -r css; do
    dir="$(dirname "$css")"
    while IFS= read -r ref; do
        case "$ref" in data:* | \#* | http:* | https:* | /*) continue ;; esac
        if [ ! -f "$dir/${ref%%[?#]*}" ]; then
            echo "ERROR: $css references missing $ref" >&2
            status=1
        fi
    done < <(grep -oE 'url\([^)]*\)' "$css" | sed -E 's@^url\(["'\'']?@@; s@["'\'']?\)$@@' | sort -u)
    if grep -qE 'url\(["'\'']?/' "$css"; then
        echo "ERROR: $css still has absolute url(/...) references" >&2
        status=1
    fi
done < <(find "$VENDOR" -name '*.css')
[ "$status" -eq 0 ] || exit "$status"

# --- README -------------------------------------------------------------------
cat >"$VENDOR/README.md" <<EOF
# Vendored front-end libraries

Generated by \`scripts/vendor-frontend.sh\` from the versions pinned in
\`package.json\` / \`package-lock.json\`. Do not edit these files by hand:
change the pins and re-run the script. They are committed so that Locus runs
on a closed network after a plain \`pip install\` (no Node, no CDN).

| Folder | Package | Version | Licence |
| --- | --- | --- | --- |
| \`govuk-frontend/\` | govuk-frontend | $(version govuk-frontend) | MIT (fonts/crest: see below) |
| \`moj-frontend/\` | @ministryofjustice/frontend | $(version @ministryofjustice/frontend) | MIT |
| \`cytoscape/\` | cytoscape | $(version cytoscape) | MIT |
| \`cytoscape/\` | cytoscape-fcose | $(version cytoscape-fcose) | MIT |
| \`cytoscape/\` | cose-base | $(version cose-base) | MIT |
| \`cytoscape/\` | layout-base | $(version layout-base) | MIT |
| \`leaflet/\` | leaflet | $(version leaflet) | BSD-2-Clause |

axe-core $(version axe-core) (MPL-2.0) is vendored separately into
\`tests/e2e/vendor/axe.min.js\` for browser accessibility tests; it is never served.

Only runtime files are kept (minified bundles, CSS, the images the CSS
uses, licences); source maps are dropped. The GOV.UK and MOJ CSS had their
absolute \`url(/assets/...)\` references rewritten to relative \`url(assets/...)\`
so they resolve under \`/static/vendor/<folder>/assets/\`.

**No GDS Transport.** The GDS Transport typeface is licensed for services on
GOV.UK only, and Locus is not one. Its font files are not vendored, and the
script removes its \`@font-face\` rules and its name from every
\`font-family\` in the GOV.UK and MOJ CSS, so text is set in GOV.UK's own
fallback, \`arial, sans-serif\`, and the browser requests no font file. The
GOV.UK favicons, icons and brand images are not vendored either (Locus has its
own favicon); the crest is kept only because a footer rule in the CSS refers to
it, and Locus's pages do not use that rule.

\`leaflet/\` draws the borough map of places (docs/borough-map.md).
EOF

echo "Vendored into $VENDOR and $TEST_VENDOR:"
du -sh "$VENDOR" "$TEST_VENDOR"
