#!/usr/bin/env bash
# Regenerate the README pictures (docs/pages/*.png, docs/images/apres-*.png) from the examples:
# one page of each document, A4 at 50 dpi (414 x 585 pixels). Needs LibreOffice and pdftoppm.
#   bash docs/pages/regenerate.sh            (from the repository root; PTMS="python -m ptms_cli" by default)
# After a change of layout, run it, LOOK at the pictures, and check that the README's alt texts
# (« page N : … ») still describe them.
set -euo pipefail
cd "$(dirname "$0")/../.."
PTMS=${PTMS:-"python -m ptms_cli"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$PTMS render examples/agglo-val-de-marque.yaml -o "$work/vm" --format pdf -j 1 >/dev/null
cp -r examples/historique "$work/historique"
history="$work/historique/agglo-val-de-marque.yaml"
$PTMS amend "$history" -o "$work/h" -f pdf >/dev/null
$PTMS calls "$history" --year 2026 --today 2027-01-15 -o "$work/h" -f pdf >/dev/null
$PTMS report "$history" --year 2026 -f pdf -o "$work/h" >/dev/null

page() {  # page PDF NUMBER TARGET.png
    pdftoppm -png -r 50 -f "$2" -l "$2" -singlefile "$1" "${3%.png}"
}
page "$work/vm/dossier-mobilisation.pdf" 1 docs/pages/dossier-mobilisation.png
page "$work/vm/dossier-mobilisation.pdf" 2 docs/pages/carte-des-partenaires.png
page "$work/vm/lettre-intention-caf.pdf" 1 docs/pages/lettre-intention.png
page "$work/vm/cahier-des-charges.pdf" 8 docs/pages/cahier-des-charges.png
page "$work/vm/convention.pdf" 1 docs/pages/convention.png
page "$work/h/avenant-1.pdf" 2 docs/images/apres-avenant.png
page "$work/h/appel-de-fonds-2026-departement-2.pdf" 1 docs/images/apres-appel-de-fonds.png
page "$work/h/bilan-2026.pdf" 2 docs/images/apres-bilan-annuel.png
echo "Images régénérées : docs/pages/*.png, docs/images/apres-*.png"
