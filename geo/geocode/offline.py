"""The offline matcher: parsed addresses to points, with precision, score and a note.

Per address: find the street by its normalised name (exactly, else fuzzily with rapidfuzz), in
every commune where a street of that name exists; choose among them with the postcode and the
locality, which constrain alike (then the house number, then the street's size); say so when the
postcode or locality contradicts the street found. Then place it at its house-number point
(`address`), else on the street line between its neighbouring numbers (`street`), else at the
street's middle (`street`), else at the commune of its postcode or locality (`postcode`, to
review), else not at all (`none`). A street of the index is its part inside one commune, so each
of these placements uses only the part of the street in the commune chosen.
Everything runs on whole columns; rapidfuzz only sees the distinct names that match no street.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz, process

from core.text import per_unique
from geo.geocode.index import Gazetteer
from geo.geocode.normalise import housenumber_parts, locality_key, street_keys

FUZZY_MIN_SCORE = 85  # rapidfuzz ratio below which a name is not taken for a street
FUZZY_TIE = 3  # names within this many points of the best are all candidates
WORDS_MIN_SCORE = 90  # token-set ratio (street type or article missing), when the ratio fails
LOCALITY_MIN_SCORE = 88
# "Bruxelles" written as a locality means the region as often as the City of Brussels: no constraint.
REGION_NAMES = frozenset({"bruxelles", "brussel", "brussels", "bruxelles ville", "brussel stad", "bxl"})
REGION_WORDS = frozenset({"bruxelles", "brussel", "brussels", "bxl"})  # "Bruxelles-Capitale", "Brussel 1000"
PENALTY = {"second street": 5, "number only": 5, "interpolated": 10, "street only": 20, "contradiction": 15}
POSTCODE_SCORE = 20
MAX_SECOND_STREET_GAP_M = 50.0  # a second-street point farther than this from the interpolated place is ignored
_BIG = 1_000_000  # house numbers are below this: (group, number) packs into one int64


def match(gazetteer: Gazetteer, parts: pd.DataFrame) -> pd.DataFrame:
    """Place parsed addresses (columns street, housenumber, postcode, locality; "" when absent).

    Returns, in the same order and index: `x`, `y` (EPSG:31370, NaN when not placed),
    `geocode_precision`, `geocode_score`, `street_fr`, `street_nl`, `nis_code`, `geocode_note`,
    `outside` (the postcode or locality is outside the region).
    """
    rows = pd.DataFrame(
        {
            column: parts[column].fillna("").astype(str).str.strip().to_numpy()
            for column in ("street", "postcode", "locality")
        }
    )
    rows = rows.rename(columns={"street": "street_text"})
    rows["street_q"] = street_keys(rows["street_text"])
    number = housenumber_parts(parts["housenumber"].reset_index(drop=True))
    rows["number"], rows["number_key"] = number["number"], number["key"]
    rows = rows.join(_postcode_communes(gazetteer, rows["postcode"])).join(
        _locality_communes(gazetteer, rows["locality"])
    )

    chosen = _choose_streets(gazetteer, rows[~rows["pc_outside"] & ~rows["loc_unknown"]])
    result = pd.DataFrame(
        {
            "x": np.nan,
            "y": np.nan,
            "geocode_precision": "none",
            "geocode_score": 0,
            "street_fr": None,
            "street_nl": None,
            "nis_code": None,
            "geocode_note": "",
        },
        index=rows.index,
    )
    _place_on_streets(gazetteer, rows, chosen, result)
    _place_in_communes(gazetteer, rows, result)
    result["geocode_score"] = result["geocode_score"].clip(0, 100).astype(int)
    result["outside"] = (rows["pc_outside"] | rows["loc_unknown"]).to_numpy()
    return result.set_axis(parts.index)


# --- postcode and locality ---------------------------------------------------------------------


def _postcode_communes(gazetteer: Gazetteer, postcode: pd.Series) -> pd.DataFrame:
    """Per row: `pc_known` (a Brussels postcode), `pc_nis` (its main commune), `pc_outside`."""
    table = gazetteer.postcodes.sort_values("n_streets", ascending=False).drop_duplicates("postcode")
    pc_nis = postcode.map(table.set_index("postcode")["nis_code"])
    return pd.DataFrame({"pc_known": pc_nis.notna(), "pc_nis": pc_nis, "pc_outside": pc_nis.isna() & (postcode != "")})


def _locality_communes(gazetteer: Gazetteer, locality: pd.Series) -> pd.DataFrame:
    """Per row: `loc_nis` (the commune a locality names; missing for "Bruxelles", the whole region,
    and for a name as close to two communes, "Woluwe") and `loc_unknown` (a locality that is no
    Brussels commune nor part of one, even fuzzily)."""
    key = per_unique(locality.fillna(""), locality_key, missing="")
    localities = gazetteer.localities.assign(locality_key=gazetteer.localities["locality_key"].map(locality_key))
    table = localities.drop_duplicates("locality_key").set_index("locality_key")["nis_code"]
    hint = table[table.index.isin(REGION_NAMES)]  # "Bruxelles": the City breaks a tie, no more
    table = table[~table.index.isin(REGION_NAMES)]
    vocabulary = table.index.tolist()
    nis: dict[str, str | None] = {}
    unknown: dict[str, bool] = {}
    for value in key.unique():
        words = set(value.split())
        if value == "" or (words & REGION_WORDS and value not in table.index):
            nis[value], unknown[value] = None, False
        elif value in table.index:
            nis[value], unknown[value] = table[value], False
        else:
            found = process.extract(value, vocabulary, scorer=fuzz.WRatio, score_cutoff=LOCALITY_MIN_SCORE, limit=8)
            best = {table.iloc[i] for _, score, i in found if score == found[0][1]} if found else set()
            nis[value], unknown[value] = (best.pop() if len(best) == 1 else None), not found
    return pd.DataFrame(
        {"loc_nis": key.map(nis), "loc_unknown": key.map(unknown).astype(bool), "loc_hint": key.map(hint)}
    )


# --- choosing the street -----------------------------------------------------------------------


def _street_matches(gazetteer: Gazetteer, queries: pd.DataFrame) -> pd.DataFrame:
    """Candidate streets per distinct (street_q, scope): columns street_q, scope, street, score (0..100).

    `scope` is the commune of the query's postcode ("" without one): a name that matches no
    street exactly is first compared with the street names of that commune only, which is
    faster and avoids a look-alike elsewhere, then with all names.
    """
    names = gazetteer.names
    queries = queries[queries["street_q"] != ""].drop_duplicates()
    known = queries["street_q"].isin(set(names["name_key"]))
    exact = queries[known].merge(names, left_on="street_q", right_on="name_key").assign(score=100)
    found = [exact[["street_q", "scope", "street", "score"]]]
    missing = queries[~known]
    street_nis = gazetteer.streets["nis_code"].to_numpy()[names["street"]]
    for scope, group in missing.groupby("scope", sort=False):
        in_scope = names["name_key"][street_nis == scope] if scope else names["name_key"]
        matched = _fuzzy(group["street_q"].unique(), in_scope.unique())
        found.append(matched.assign(scope=scope).merge(names, on="name_key"))
        if scope:  # not found near the postcode: look everywhere
            rest = np.setdiff1d(group["street_q"].unique(), matched["street_q"].unique())
            if len(rest):
                found.append(_fuzzy(rest, names["name_key"].unique()).assign(scope=scope).merge(names, on="name_key"))
    matches = pd.concat(found, ignore_index=True)[["street_q", "scope", "street", "score"]]
    matches = matches.astype({"score": float}).sort_values("score", ascending=False)
    return matches.drop_duplicates(["street_q", "scope", "street"])


def _fuzzy(queries: np.ndarray, vocabulary: np.ndarray) -> pd.DataFrame:
    """Best names for each query (ties within FUZZY_TIE): by ratio, else by token set (words missing)."""
    found = []
    for scorer, cutoff in ((fuzz.ratio, FUZZY_MIN_SCORE), (fuzz.token_set_ratio, WORDS_MIN_SCORE)):
        if len(queries) == 0:
            break
        scores = process.cdist(queries, vocabulary, scorer=scorer, score_cutoff=cutoff, dtype=np.uint8, workers=-1)
        best = scores.max(axis=1).astype(int)
        query_i, name_i = np.nonzero(scores.astype(int) >= np.maximum(best - FUZZY_TIE, cutoff)[:, None])
        found.append(
            pd.DataFrame(
                {"street_q": queries[query_i], "name_key": vocabulary[name_i], "score": scores[query_i, name_i]}
            )
        )
        queries = queries[best < cutoff]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["street_q", "name_key", "score"])


def _choose_streets(gazetteer: Gazetteer, rows: pd.DataFrame) -> pd.DataFrame:
    """The chosen street per row that found one: row, street, score, and what agreed with it."""
    rows = rows.assign(scope=rows["pc_nis"].fillna(rows["loc_nis"]).fillna(""))
    matches = _street_matches(gazetteer, rows[["street_q", "scope"]])
    candidates = rows.reset_index(names="row").merge(matches, on=["street_q", "scope"])
    streets = gazetteer.streets
    candidates["nis_code"] = streets["nis_code"].to_numpy()[candidates["street"]]
    pairs = gazetteer.postcodes[["postcode", "nis_code"]].assign(pc_commune=True)
    candidates = candidates.merge(pairs, on=["postcode", "nis_code"], how="left")
    street_postcodes = streets["postcodes"].str.split(";").explode()
    on_street = pd.DataFrame(
        {"street": street_postcodes.index, "postcode": street_postcodes.to_numpy(), "pc_street": True}
    )
    candidates = candidates.merge(on_street, on=["street", "postcode"], how="left")
    given = candidates["postcode"] != ""  # a street without postcodes does not agree with an address without one
    candidates["pc_ok"] = given & (candidates["pc_commune"].fillna(False) | candidates["pc_street"].fillna(False))
    candidates["loc_ok"] = candidates["loc_nis"] == candidates["nis_code"]
    candidates["hint_ok"] = candidates["loc_hint"] == candidates["nis_code"]
    keys = candidates["street"].astype(str) + "|"
    address_keys = gazetteer.addresses.index
    hit = address_keys.get_indexer(keys + candidates["number_key"])
    # A number known only from points whose street was the second candidate is weak evidence.
    candidates["has_number"] = (hit >= 0) & ~gazetteer.addresses["second"].to_numpy()[np.maximum(hit, 0)]
    candidates["gap"] = _number_gap(gazetteer, candidates["street"].to_numpy(), candidates["number"].to_numpy())
    candidates["placed"] = streets["x"].notna().to_numpy()[candidates["street"]]
    candidates["n_points"] = streets["n_points"].to_numpy()[candidates["street"]]
    # The postcode, then the locality, before the house number: a number that exists on a namesake
    # street of another commune does not outweigh the place the address names.
    candidates = candidates.sort_values(
        ["row", "pc_ok", "loc_ok", "has_number", "hint_ok", "score", "gap", "placed", "n_points"],
        ascending=[True, False, False, False, False, False, True, False, False],
    )
    n_communes = candidates.groupby("row")["nis_code"].nunique()
    chosen = candidates.drop_duplicates("row").set_index("row")
    chosen["n_communes"] = n_communes
    return chosen


# --- placing -----------------------------------------------------------------------------------


def _commune_names(gazetteer: Gazetteer, nis: pd.Series) -> pd.Series:
    return nis.map(gazetteer.communes["name_fr"]).fillna("")


def _contradictions(gazetteer: Gazetteer, chosen: pd.DataFrame) -> tuple[np.ndarray, list[pd.Series]]:
    """What the row's postcode or locality says against the street found (a score penalty each), and
    a street name several communes share with nothing to choose between them: penalties and notes."""
    commune = _commune_names(gazetteer, chosen["nis_code"])
    wrong_pc = chosen["pc_known"] & ~chosen["pc_ok"]
    wrong_loc = chosen["loc_nis"].notna() & ~chosen["loc_ok"]
    unsure = (chosen["n_communes"] > 1) & ~chosen["pc_ok"] & ~chosen["loc_ok"] & ~wrong_pc & ~wrong_loc
    penalty = PENALTY["contradiction"] * (wrong_pc.to_numpy().astype(int) + wrong_loc.to_numpy())
    notes = [
        (
            "postcode "
            + chosen["postcode"]
            + " belongs to "
            + _commune_names(gazetteer, chosen["pc_nis"])
            + " but the street was found in "
            + commune
        ).where(wrong_pc, ""),
        (
            "locality "
            + chosen["locality"]
            + " is in "
            + _commune_names(gazetteer, chosen["loc_nis"])
            + " but the street was found in "
            + commune
        ).where(wrong_loc, ""),
        (
            "this street name exists in " + chosen["n_communes"].astype(str) + " communes: give a postcode to choose"
        ).where(unsure, ""),
    ]
    return penalty, notes


def _place_on_streets(gazetteer: Gazetteer, rows: pd.DataFrame, chosen: pd.DataFrame, result: pd.DataFrame) -> None:
    """Fill `result` for the rows whose street was found (the street may still have no position)."""
    streets = gazetteer.streets
    at = chosen.index
    street = chosen["street"].to_numpy()
    number = chosen["number"].to_numpy()
    score = chosen["score"].to_numpy().copy()

    penalty, notes = _contradictions(gazetteer, chosen)
    score -= penalty

    x = np.full(len(at), np.nan)
    y = np.full(len(at), np.nan)
    precision = np.full(len(at), "street", dtype=object)
    place = np.full(len(at), "", dtype=object)
    second = np.zeros(len(at), dtype=bool)
    prefix = chosen["street"].astype(str) + "|"
    for key, only_number in (
        (prefix + chosen["number_key"], False),
        (prefix + "#" + chosen["number"].astype(str), True),
    ):
        todo = np.flatnonzero(np.isnan(x) & (number >= 0))
        hit = gazetteer.addresses.index.get_indexer(key.iloc[todo])
        idx = todo[hit >= 0]
        found = gazetteer.addresses.iloc[hit[hit >= 0]]
        x[idx], y[idx] = found["x"], found["y"]
        precision[idx] = "address"
        second[idx] = found["second"].to_numpy()
        score[idx] -= PENALTY["second street"] * found["second"].to_numpy() + PENALTY["number only"] * only_number
        if only_number:
            place[idx] = (
                "no house number " + chosen["number_key"].iloc[idx] + ": placed at number " + number[idx].astype(str)
            )

    # A point found through its second candidate street may be the same number on the other
    # street: when the street's own numbers put that number elsewhere, trust them instead.
    todo = np.flatnonzero((np.isnan(x) | second) & (number >= 0))
    ix, iy, between = _interpolate(gazetteer, street[todo], number[todo])
    far = np.hypot(ix - x[todo], iy - y[todo]) > MAX_SECOND_STREET_GAP_M
    done = ~np.isnan(ix) & (np.isnan(x[todo]) | far)
    precision[todo[done]] = "street"
    x[todo[done]], y[todo[done]], place[todo[done]] = ix[done], iy[done], between[done]
    score[todo[done]] += PENALTY["second street"] * second[todo[done]] - PENALTY["interpolated"]

    todo = np.flatnonzero(np.isnan(x))
    x[todo], y[todo] = streets["x"].to_numpy()[street[todo]], streets["y"].to_numpy()[street[todo]]
    score[todo] -= PENALTY["street only"]
    place[todo] = np.where(
        number[todo] >= 0,
        "house number not found: placed at the middle of the street",
        "no house number: placed at the middle of the street",
    )
    placed = ~np.isnan(x)
    place[~placed] = "the street has no position in the index"
    notes.append(pd.Series(place, index=at))

    result.loc[at, "x"], result.loc[at, "y"] = x, y
    result.loc[at, "geocode_precision"] = np.where(placed, precision, "none")
    result.loc[at, "geocode_score"] = np.where(placed, score, 0)
    result.loc[at, "street_fr"] = streets["street_fr"].to_numpy()[street]
    result.loc[at, "street_nl"] = streets["street_nl"].to_numpy()[street]
    result.loc[at, "nis_code"] = chosen["nis_code"].to_numpy()
    result.loc[at, "geocode_note"] = _join_notes(notes)


def _neighbours(
    gazetteer: Gazetteer, street: np.ndarray, number: np.ndarray, same_side: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of `gazetteer.numbers` that bracket each number on its street (on its side, or either).

    Returns a <= b: the nearest numbers below and above when there are both, else the two
    nearest on the one side there is (for extrapolation), else the only one; -1 when the street
    has no numbered point.
    """
    table = gazetteer.numbers
    t_street, t_number = table["street"].to_numpy(), table["number"].to_numpy()
    group = t_street * 2 + t_number % 2 if same_side else t_street
    q_group = street * 2 + number % 2 if same_side else street
    key = group * _BIG + t_number
    order = np.argsort(key, kind="stable")
    hi = np.searchsorted(key[order], q_group * _BIG + number)
    lo = hi - 1

    def member(i: np.ndarray) -> np.ndarray:
        same: np.ndarray = (i >= 0) & (i < len(order)) & (group[order[np.clip(i, 0, len(order) - 1)]] == q_group)
        return same

    has_lo, has_hi = member(lo), member(hi)
    a = np.where(has_lo, lo, hi)
    b = np.where(has_hi, hi, lo)
    a = np.where(~has_hi & member(lo - 1), lo - 1, a)
    b = np.where(~has_lo & member(hi + 1), hi + 1, b)
    found = has_lo | has_hi
    return np.where(found, order[np.clip(a, 0, len(order) - 1)], -1), np.where(
        found, order[np.clip(b, 0, len(order) - 1)], -1
    )


def _number_gap(gazetteer: Gazetteer, street: np.ndarray, number: np.ndarray) -> np.ndarray:
    """How far each number is from the nearest known number on its side of the street (big when none)."""
    a, b = _neighbours(gazetteer, street, number, same_side=True)
    known = gazetteer.numbers["number"].to_numpy()
    gap = np.minimum(np.abs(known[a] - number), np.abs(known[b] - number))
    return np.where((a >= 0) & (number >= 0), gap, _BIG)


def _interpolate(
    gazetteer: Gazetteer, street: np.ndarray, number: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Place numbers between their neighbours on the street line: same side first, then either side.

    The point goes on the line at the distance interpolated from the neighbours' projections,
    then off the line by their interpolated offset (the side of the street and the building
    line). Returns x, y (NaN where the street has no numbered point on its line) and a note.
    """
    table = gazetteer.numbers
    x = np.full(len(street), np.nan)
    y = np.full(len(street), np.nan)
    note = np.full(len(street), "", dtype=object)
    t_number, t_s, t_dx, t_dy, t_x, t_y = (table[c].to_numpy() for c in ("number", "s", "dx", "dy", "x", "y"))
    for same_side in (True, False):
        todo = np.flatnonzero(np.isnan(x))
        a, b = _neighbours(gazetteer, street[todo], number[todo], same_side)
        ok = a >= 0
        todo, a, b = todo[ok], a[ok], b[ok]
        n_a, n_b = t_number[a], t_number[b]
        with np.errstate(invalid="ignore", divide="ignore"):
            f = np.where(n_b != n_a, (number[todo] - n_a) / (n_b - n_a), 0.0)
        line = gazetteer.lines[street[todo]]
        foot = shapely.line_interpolate_point(line, np.clip(t_s[a] + f * (t_s[b] - t_s[a]), 0, shapely.length(line)))
        w = np.clip(f, 0, 1) * same_side
        x[todo] = shapely.get_x(foot) + ((1 - w) * t_dx[a] + w * t_dx[b]) * same_side
        y[todo] = shapely.get_y(foot) + ((1 - w) * t_dy[a] + w * t_dy[b]) * same_side
        # Neighbours on different pieces of a street line (a dual carriageway, a square) are far
        # apart along the line but not on the ground: then go straight from one to the other.
        straight = (f >= 0) & (f <= 1) & (np.abs(t_s[b] - t_s[a]) > 2 * np.hypot(t_x[b] - t_x[a], t_y[b] - t_y[a]) + 30)
        x[todo[straight]] = ((1 - f) * t_x[a] + f * t_x[b])[straight]
        y[todo[straight]] = ((1 - f) * t_y[a] + f * t_y[b])[straight]
        how = np.where((n_a <= number[todo]) & (number[todo] <= n_b), "placed between", "extrapolated from")
        note[todo] = np.where(
            n_a == n_b,
            "placed from house number " + n_a.astype(str),
            how + " house numbers " + n_a.astype(str) + " and " + n_b.astype(str),
        )
    return x, y, note


def _place_in_communes(gazetteer: Gazetteer, rows: pd.DataFrame, result: pd.DataFrame) -> None:
    """Rows not placed on a street: their street's, postcode's or locality's commune, else a reason."""
    todo = result.index[result["x"].isna()]
    if len(todo) == 0:
        return
    rows = rows.loc[todo]
    nis = result.loc[todo, "nis_code"].fillna(rows["pc_nis"]).fillna(rows["loc_nis"])
    nis = nis.where(~rows["pc_outside"] & ~rows["loc_unknown"])
    communes = gazetteer.communes.reindex(nis.fillna(""))
    placed = nis.notna().to_numpy()
    street_found = result.loc[todo, "street_fr"].notna()
    what = np.where(
        street_found,
        "the street",
        np.where(rows["postcode"] != "", "postcode " + rows["postcode"], "locality " + rows["locality"]),
    )
    missing_street = np.where(
        rows["street_text"] == "",
        "no street given",
        np.where(street_found, "", "street " + rows["street_text"] + " not found"),
    )
    fallback = (
        pd.Series(missing_street, index=todo)
        + np.where(missing_street != "", "; ", "")
        + ("placed at the commune of " + what + " (" + _commune_names(gazetteer, nis) + "), to review")
    )
    reason = np.select(
        [rows["pc_outside"], rows["loc_unknown"], rows["street_text"] == ""],
        [
            "postcode " + rows["postcode"] + " is outside the Brussels region: not placed",
            "locality " + rows["locality"] + " is not in the Brussels region: not placed",
            "no street, Brussels postcode or locality to place it",
        ],
        "street " + rows["street_text"] + " not found, and no Brussels postcode or locality to fall back on",
    )
    result.loc[todo, "x"] = communes["x"].to_numpy()
    result.loc[todo, "y"] = communes["y"].to_numpy()
    result.loc[todo, "geocode_precision"] = np.where(placed, "postcode", "none")
    result.loc[todo, "geocode_score"] = np.where(placed, POSTCODE_SCORE, 0)
    result.loc[todo, "nis_code"] = nis.to_numpy()
    previous = result.loc[todo, "geocode_note"].where(street_found, "")
    result.loc[todo, "geocode_note"] = _join_notes(
        [previous, pd.Series(np.where(placed, fallback, reason), index=todo)]
    )


def _join_notes(parts: list[pd.Series]) -> pd.Series:
    """Join the non-empty notes of each row with "; "."""
    joined = parts[0].astype(str)
    for part in parts[1:]:
        part = part.astype(str)
        joined = joined + np.where((joined != "") & (part != ""), "; ", "") + part
    return joined
