"""Polish postal codes (`NN-NNN`) to postal district and voivodeship.

The first digit is the postal district (okręg pocztowy) 0-9, named after its head office.
The two-digit prefix to voivodeship table is APPROXIMATE: it gives the voivodeship where
most of the prefix's offices lie, compiled from Poczta Polska's district list (the
"Oficjalny Spis Pocztowych Numerów Adresowych" layout) as of the 1999 voivodeships. Some
prefixes straddle a border (marked `~` below: e.g. 26 Radom is mazowieckie while 26-2xx
Końskie is świętokrzyskie; 47-4xx Racibórz is śląskie; 67-2xx Głogów is dolnośląskie;
76-2xx Słupsk and 77-1xx Bytów are pomorskie; 82-3xx Elbląg is warmińsko-mazurskie;
89-6xx Chojnice is pomorskie; 96-3xx Żyrardów is mazowieckie). For anonymization that is
harmless: the hierarchy stays a function (each prefix has one parent), so the guarantees
hold; only the label of a few codes is the neighbouring voivodeship's.
"""

from __future__ import annotations

DISTRICTS = {
    "0": "okręg 0 (Warszawa)",
    "1": "okręg 1 (Olsztyn)",
    "2": "okręg 2 (Lublin)",
    "3": "okręg 3 (Kraków)",
    "4": "okręg 4 (Katowice)",
    "5": "okręg 5 (Wrocław)",
    "6": "okręg 6 (Poznań)",
    "7": "okręg 7 (Szczecin)",
    "8": "okręg 8 (Gdańsk)",
    "9": "okręg 9 (Łódź)",
}

_MAZ, _WM, _PODL, _LUB, _SW = (
    "mazowieckie",
    "warmińsko-mazurskie",
    "podlaskie",
    "lubelskie",
    "świętokrzyskie",
)
_MLP, _PODK, _SL, _OP, _DS = (
    "małopolskie",
    "podkarpackie",
    "śląskie",
    "opolskie",
    "dolnośląskie",
)
_WLKP, _LBS, _ZP, _POM, _KP, _LDZ = (
    "wielkopolskie",
    "lubuskie",
    "zachodniopomorskie",
    "pomorskie",
    "kujawsko-pomorskie",
    "łódzkie",
)

# prefix -> voivodeship; `~` in the comment: the prefix straddles a border (see above)
VOIVODESHIPS: dict[str, str] = {
    **dict.fromkeys(["00", "01", "02", "03", "04", "05", "06", "07", "09"], _MAZ),
    "08": _MAZ,  # ~ 08-5xx Ryki, Dęblin: lubelskie
    **dict.fromkeys(["10", "11", "12", "13", "14"], _WM),
    **dict.fromkeys(["15", "16", "17", "18"], _PODL),
    "19": _WM,  # ~ 19-1xx Grajewo, Mońki: podlaskie
    **dict.fromkeys(["20", "21", "22", "23", "24"], _LUB),
    "26": _MAZ,  # ~ 26-0xx/2xx świętokrzyskie, 26-3xx Opoczno łódzkie
    **dict.fromkeys(["25", "27", "28", "29"], _SW),  # ~ 27-1xx Lipsko: mazowieckie
    **dict.fromkeys(["30", "31", "32", "33"], _MLP),
    "34": _MLP,  # ~ 34-3xx Żywiec: śląskie
    **dict.fromkeys(["35", "36", "37", "38", "39"], _PODK),
    **dict.fromkeys(["40", "41", "42", "43", "44"], _SL),
    **dict.fromkeys(["45", "46", "48", "49"], _OP),
    "47": _OP,  # ~ 47-4xx Racibórz: śląskie
    **dict.fromkeys(["50", "51", "52", "53", "54", "55", "56", "57", "58", "59"], _DS),
    **dict.fromkeys(["60", "61", "62", "63", "64"], _WLKP),
    **dict.fromkeys(["65", "66", "68", "69"], _LBS),
    "67": _LBS,  # ~ 67-2xx Głogów: dolnośląskie
    **dict.fromkeys(["70", "71", "72", "73", "74", "75", "78"], _ZP),
    "76": _ZP,  # ~ 76-2xx Słupsk: pomorskie
    "77": _ZP,  # ~ 77-1xx Bytów, 77-3xx Człuchów: pomorskie; 77-4xx Złotów: wielkopolskie
    **dict.fromkeys(["80", "81", "83", "84"], _POM),
    "82": _POM,  # ~ 82-3xx Elbląg: warmińsko-mazurskie
    **dict.fromkeys(["85", "86", "87", "88"], _KP),
    "89": _KP,  # ~ 89-6xx Chojnice: pomorskie
    **dict.fromkeys(["90", "91", "92", "93", "94", "95", "97", "98", "99"], _LDZ),
    "96": _LDZ,  # ~ 96-3xx Żyrardów, 96-5xx Sochaczew: mazowieckie
}


def voivodeship(code: str) -> str:
    """The (approximate) voivodeship of a postal code; its district when the prefix is
    not in the table."""
    return VOIVODESHIPS.get(code[:2], DISTRICTS[code[0]])
