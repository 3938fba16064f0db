"""Synthetic partners: each real partner of the template minted once per protocol, at its sharing level
(:func:`perr_graph.synth.basis.partner_levels`): national bodies keep their real id; regional and departmental
ones become one body per synthetic region or département, shared by the protocols there; the others are the
protocol's own."""

from __future__ import annotations

from perr_graph.inputs.registry import Partner
from perr_graph.synth.basis import Basis, Level
from perr_graph.synth.territory import Places

#: categories whose synthetic units are named by their category alone (the others say ": service")
_SERVICE_CATEGORIES = ("service-etat", "service-departement", "service-communal")


class Partners:
    """The partners of one synthetic protocol, by the real partner each stands for."""

    def __init__(self, basis: Basis, places: Places):
        self.basis, self.places = basis, places
        self.minted: dict[str, Partner] = {}
        self._map: dict[str, str] = {}

    def partner(self, real_id: str) -> str:
        """The synthetic id standing for the real partner ``real_id``: ``<prefix>-<category>[-unit][-<k>]``,
        the prefix saying where it is shared (``synth-r<NN>``, ``synth-d<NNN>``, the protocol's id), ``k`` its rank
        among the real partners of its level and category (two real partners never meet in one synthetic one)."""
        if real_id in self._map:
            return self._map[real_id]
        basis, places = self.basis, self.places
        real = basis.registry.partners[real_id]
        lv = basis.levels.get(real_id) or Level("protocol", places.template.pid)
        k = basis.ranks.get(real_id, 1)
        parent = self.partner(real.parent) if real.parent else ""
        unit = "-unit" if real.kind == "OrganizationalUnit" else ""
        if lv.level == "national":
            sid, label = real.id, real.label
        else:
            prefix, place = {
                "region": (f"synth-r{places.r:02d}", places.region_name()),
                "departement": (f"synth-d{places.d:03d}", places.departement_name()),
                "protocol": (places.pid, places.epci_name),
            }[lv.level]
            sid = f"{prefix}-{real.category}{unit}" + (f"-{k}" if k > 1 else "")
            while (
                sid in self._map.values()
            ):  # two real partners meeting in one synthetic one: keep them apart
                k += 1
                sid = f"{prefix}-{real.category}{unit}-{k}"
            label = self._label(real, place, k)
        jurisdiction = ""
        if real.jurisdiction and lv.level != "national":
            jurisdiction = places.territory(real.jurisdiction)
            if real.category == "commune":
                label = f"Commune de {places.label(jurisdiction)}"
        self._map[real_id] = sid
        scope = places.pid if real.scope else ""
        self.minted.setdefault(
            sid, Partner(sid, label, real.category, real.kind, parent, jurisdiction, scope, "")
        )
        return sid

    def _label(self, real: Partner, place: str, k: int) -> str:
        """ "Région …", "Département …", "Communauté d'agglomération …", "Les partenaires (…)", else the category's
        label and the place: "Caisse d'allocations familiales n°2 (…)"."""
        number = f" n°{k}" if k > 1 else ""
        category = self.basis.label("category", real.category)
        category = category[:1].upper() + category[1:]
        if real.kind == "OrganizationalUnit" and real.category not in _SERVICE_CATEGORIES:
            category += " : service"
        special = {
            "region": f"Région {place}",
            "departement": f"Département {place}",
            "epci": f"Communauté d'agglomération {place}",
            "collectif": f"Les partenaires{number} ({place})",
        }
        if real.category in special and not (real.category in ("region", "departement") and k > 1):
            return special[real.category]
        return f"{category}{number} ({place})"

    def label(self, sid: str) -> str:
        return self.minted[sid].label
