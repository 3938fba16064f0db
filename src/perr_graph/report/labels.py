"""The report's names for the roles an involvement can carry: ``role:`` notation → (title, what it means)."""

from __future__ import annotations

ROLE_TITLES = {
    "chef-de-file": ("Leads (chef de file)", "the organisation the text marks as lead"),
    "partie-qui-s-engage": ("Committing party", "the organisation whose own 's'engage à' the commitment is"),
    "partenaire-associe": ("Associated partners", "partners the text associates with the commitment"),
    "signataires-collectivement": (
        "Signatories collectively",
        "commitments the text gives to all its signatories together",
    ),
    "role-non-determine": (
        "Marked, role not determined",
        "a mark in a table whose document does not say how the lead is told apart",
    ),
    "service-de-suivi": ("Follow-up service", "the service that follows the measure (Le Puy's annex)"),
}


def role_title(role: str) -> str:
    """The title of a role, or its notation for a role the report does not name."""
    return ROLE_TITLES.get(role, (role,))[0]
