"""Value labels for people of the demo codebooks' categorical variables, in French and English.

The data keep their codes (``above_bac+2``); a report shows these labels
(``Bac+3 ou plus`` / ``Bac+3 or more``). Written into the codebooks as
``value_labels: {"fr": {...}, "en": {...}}`` after a variable's description.
"""

from __future__ import annotations

import json

#: Variable -> language -> level -> label.
VALUE_LABELS = {
    "sex": {"fr": {"female": "Femme", "male": "Homme"}, "en": {"female": "Women", "male": "Men"}},
    "education": {"fr": {"below_bac": "Inférieur au bac", "bac": "Bac", "bac+2": "Bac+2",
                         "above_bac+2": "Bac+3 ou plus"},
                  "en": {"below_bac": "Below the baccalauréat", "bac": "Baccalauréat",
                         "bac+2": "Bac+2", "above_bac+2": "Bac+3 or more"}},
    "employment": {"fr": {"cdi": "CDI", "cdd_temp": "CDD, intérim, contrat aidé",
                          "civil_servant": "Fonctionnaire", "self_employed": "Indépendant",
                          "unemployed": "Chômeur", "student": "Étudiant", "retired": "Retraité",
                          "inactive": "Autre inactif"},
                   "en": {"cdi": "Permanent contract", "cdd_temp": "Fixed-term or temporary",
                          "civil_servant": "Civil servant", "self_employed": "Self-employed",
                          "unemployed": "Unemployed", "student": "Student", "retired": "Retired",
                          "inactive": "Other inactive"}},
    "working_time": {"fr": {"full_time": "Temps plein", "part_time": "Temps partiel",
                            "not_applicable": "Sans autre emploi"},
                     "en": {"full_time": "Full time", "part_time": "Part time",
                            "not_applicable": "No other job"}},
    "frequency": {"fr": {"weekly": "Chaque semaine", "monthly": "Chaque mois",
                         "less_often": "Moins souvent"},
                  "en": {"weekly": "Weekly", "monthly": "Monthly", "less_often": "Less often"}},
    "main_motive": {"fr": {"money": "Argent", "flexibility": "Souplesse", "interest": "Intérêt",
                           "pass_time": "Passe-temps", "learning": "Apprendre", "other": "Autre"},
                    "en": {"money": "Money", "flexibility": "Flexibility", "interest": "Interest",
                           "pass_time": "Passing time", "learning": "Learning",
                           "other": "Other"}},
    "microwork_freq": {"fr": {"none": "Jamais", "less_often": "Moins d'une fois par mois",
                              "monthly": "Chaque mois", "weekly": "Chaque semaine"},
                       "en": {"none": "Never", "less_often": "Less than monthly",
                              "monthly": "Monthly", "weekly": "Weekly"}},
}


def value_labels(name: str) -> str:
    """The codebook entry's ``value_labels`` of ``name`` (``", value_labels: {...}"``), or ""."""
    if name not in VALUE_LABELS:
        return ""
    return ", value_labels: " + json.dumps(VALUE_LABELS[name], ensure_ascii=False)
