"""``python -m perr_graph.i18n``: extract the messages again and merge them into the French catalogue."""

from perr_graph.i18n.catalogue import catalogue_path, update

missing = update()
print(f"{len(missing)} message(s) to translate in {catalogue_path('fr')}")
