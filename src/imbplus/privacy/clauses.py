"""The promises of the privacy policy, by ID, in the project's own words.

IDs are used in code, tests (`test_p07_*`), audit reasons and the evidence report.
"""

from __future__ import annotations

CLAUSES: dict[str, str] = {
    "P01": "Customer information stays confidential; no sale or hand-over to unrelated parties.",
    "P02": "Every set-top box served is registered and its activity recorded.",
    "P03": "Data is used only for the listed purposes, each a real feature.",
    "P04": "Processors work under contract, on the fields and time their contract allows.",
    "P05": "Personal data is classified, encrypted at rest and masked where shown.",
    "P06": "Only anonymized data goes to third parties, with a measured guarantee.",
    "P07": "Authorities receive personal data only on a recorded, approved legal basis.",
    "P08": "Shipment phone and e-mail serve shipment contact only.",
    "P09": "Completed shipment records are sealed; only allowed amendments follow.",
    "P10": "Labels carry only what the carrier needs.",
    "P11": "Access is least-privilege by role and purpose, and every access is audited.",
    "P12": "Transport security, headers, CSRF, rate limits, 2FA and encryption with rotation.",
    "P13": "Each category has a retention period; expired data is deleted carefully.",
    "P14": "Customers protect their boxes with a password and PIN kept only as hashes.",
    "P15": "Policies are published per site.",
    "P16": "Public pages work anonymously; the portal needs a login.",
    "P17": "External links are marked and carry no endorsement.",
    "P18": "Cookies are registered; non-necessary ones only after consent.",
    "P19": "Surveys honour a permanent opt-out; results leave only anonymized.",
    "P20": "Card data serves billing only; no CVV is kept, card numbers are masked.",
    "P21": "Full IP addresses are kept briefly for security, masked ones for statistics.",
    "P22": "Policy versions are dated and customers are told of changes.",
    "P23": "Privacy questions reach the data-protection officer and are answered in time.",
    "P24": "Feedback is non-confidential and kept apart from customer records.",
    "B01": "Data-subject rights: access, rectification, erasure, objection, portability.",
    "B02": "Customers see who accessed their data, by role and purpose.",
    "B03": "A record of processing activities is generated from the catalogue.",
    "B04": "An evidence report links every clause to live checks.",
    "B05": "Breach detection signals, incident records and the 72-hour clock.",
}
