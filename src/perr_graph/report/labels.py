"""The report's names for the roles an involvement can carry: ``role:`` notation → (title, what it means)."""

from __future__ import annotations

ROLE_TITLES = {
    "chef-de-file": ("Leads (chef de file)", "the organisation the text marks or names as lead"),
    "partie-qui-s-engage": (
        "Committing party",
        "the organisation whose own undertaking ('s'engage à', 'mettra en œuvre') the commitment is; not a lead",
    ),
    "partenaire-associe": ("Associated partners", "partners the text associates with the commitment"),
    "signataires-collectivement": (
        "Signatories collectively",
        "commitments the text gives to all its signatories together",
    ),
    "role-non-precise": (
        "Marked, role not stated",
        "a mark whose meaning the document does not give (a table without a legend, a code without a mark)",
    ),
    "service-de-suivi": ("Follow-up service", "the service that follows the measure (Le Puy's annex)"),
    "structure-porteuse": (
        "Carrying body",
        "the body that hosts a post or carries a scheme the commitment relies on; not a lead",
    ),
}


def role_title(role: str) -> str:
    """The title of a role, or its notation for a role the report does not name."""
    return ROLE_TITLES.get(role, (role,))[0]
