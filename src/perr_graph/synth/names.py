"""Words of the synthetic texts: place names, people, verbs and objects of commitments, indicators; French
numbers and acronyms. Every choice is drawn from the generator's random source, so the words depend on the seed
and the protocol's number only."""

from __future__ import annotations

import random
import re

START = [
    "Val",
    "Mont",
    "Roche",
    "Beau",
    "Bourg",
    "Ville",
    "Font",
    "Pont",
    "Cham",
    "Mar",
    "Lor",
    "Ver",
    "Bel",
    "Cour",
    "Sau",
    "Mir",
    "Tour",
    "Chan",
    "Ros",
    "Bris",
    "Gar",
    "Lan",
    "Mor",
    "Pra",
    "Sal",
    "Tar",
    "Vau",
]

END = [
    "mont",
    "ville",
    "court",
    "bourg",
    "lac",
    "ac",
    "ières",
    "ence",
    "ey",
    "ans",
    "euil",
    "agne",
    "ol",
    "ay",
    "ins",
    "oux",
    "esse",
    "igny",
    "onne",
    "ade",
    "enne",
    "ieu",
]

GIVEN = [
    "Marie",
    "Jean",
    "Pierre",
    "Nathalie",
    "Isabelle",
    "Philippe",
    "Sophie",
    "Nicolas",
    "Catherine",
    "Michel",
    "Sandrine",
    "Laurent",
    "Christine",
    "Éric",
    "Valérie",
    "Olivier",
    "Hélène",
    "François",
    "Anne",
    "Didier",
    "Céline",
    "Thierry",
    "Julie",
    "Patrick",
    "Claire",
    "Stéphane",
    "Agnès",
    "Bruno",
    "Émilie",
    "Hugues",
]

FAMILY = [
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEROY",
    "MOREAU",
    "SIMON",
    "LAURENT",
    "LEFEBVRE",
    "MICHEL",
    "GARCIA",
    "DAVID",
    "BERTRAND",
    "ROUX",
    "VINCENT",
    "FOURNIER",
    "MOREL",
    "GIRARD",
    "ANDRÉ",
    "LEFÈVRE",
    "MERCIER",
    "DUPONT",
    "LAMBERT",
    "BONNET",
    "FRANÇOIS",
    "MARTINEZ",
    "FAURE",
    "ROUSSEL",
    "BLANC",
    "GUÉRIN",
    "MULLER",
    "HENRY",
    "CHEVALIER",
    "MEUNIER",
    "BOYER",
    "GAUTHIER",
]

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

VERBS = [
    "Renforcer",
    "Développer",
    "Favoriser",
    "Accompagner",
    "Soutenir",
    "Améliorer",
    "Mobiliser",
    "Structurer",
    "Coordonner",
    "Promouvoir",
    "Faciliter",
    "Consolider",
    "Poursuivre",
    "Adapter",
    "Valoriser",
    "Encourager",
]

MIDDLE = ["", "", "e", "a", "i", "o", "er", "an", "on", "ar", "el", "ol"]

SAINTS = ["Saint-", "Sainte-", "Le ", "La ", "Les "]

QPV = [
    "Les Hauts de {}",
    "Centre ancien",
    "Quartier est",
    "Quartier ouest",
    "Les Jardins",
    "Le Plateau",
    "La Croix de {}",
    "Le Mas de {}",
    "Les Terrasses",
    "Cité {}",
    "Le Clos {}",
    "Les Pins",
]

OBJECTS = [
    "l'accès des habitants",
    "l'accompagnement des publics",
    "la coordination des acteurs",
    "l'offre de services de proximité",
    "les partenariats locaux",
    "les actions collectives",
    "la présence des services publics",
    "les parcours individuels",
    "l'information des familles",
    "les projets portés par les associations",
    "la mobilisation du droit commun",
    "l'aller-vers",
]

QUALIFIERS = [
    "dans les quartiers prioritaires",
    "en lien avec les associations du territoire",
    "pour les publics les plus éloignés",
    "en associant les conseils citoyens",
    "d'ici la fin du contrat",
    "avec l'appui des services de l'État",
    "en cohérence avec les dispositifs existants",
    "au plus près des habitants",
    "en direction des jeunes et des familles",
    "dans le cadre du droit commun",
    "par des permanences régulières",
    "en mutualisant les moyens des partenaires",
]

INDICATORS = [
    "Nombre de bénéficiaires issus des QPV",
    "Nombre d'actions engagées",
    "Taux de participation des habitants",
    "Nombre de jeunes accompagnés",
    "Part des habitants des QPV parmi les bénéficiaires",
    "Nombre de partenaires mobilisés",
    "Nombre de permanences tenues",
]


def name(rng: random.Random) -> str:
    """A French-looking place name: a start, a middle and an end, sometimes a saint or a river."""
    base = rng.choice(START) + rng.choice(MIDDLE) + rng.choice(END)
    base = base[0] + base[1:].lower()
    if rng.random() < 0.2:
        base = rng.choice(SAINTS) + base
    if rng.random() < 0.15:
        base += "-sur-" + (rng.choice(START) + rng.choice(END)).capitalize()
    return base


def number(value: float | int) -> str:
    """French style: ``12 000``, ``16,7``."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", " ")


def acronym(label: str) -> str:
    """The initials of the label's words (at most six), as a table cell writes a body: ``CAF``, ``DDETS``."""
    words = [w for w in re.findall(r"[A-Za-zÀ-ÿ]+", label) if len(w) > 2 or w.isupper()]
    return "".join(w[0].upper() for w in words)[:6] or "P"
