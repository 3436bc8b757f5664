"""The injection protocol as data: sites, muscles, caps, views, products and codes, loaded from JSON.

Nothing in the app assumes PREEMPT beyond what the protocol file says; a clinic may add its own file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SIDES = ("left", "right", "midline")
SIDE_LETTERS = {"left": "L", "right": "R", "midline": "M"}
"""The letter of a side in a site id (COR_L_1, PRO_M_1, TEM_R_FTP2)."""
FTP_ID_MARK = "FTP"
"""What follows the side letter in a follow-the-pain site's id, before its number (TEM_L_FTP1)."""
LAYOUTS = ("bilateral", "midline")


class ProtocolError(ValueError):
    """A protocol file that cannot be used: the message names the file, the key and the problem."""


@dataclass(frozen=True)
class Site:
    """A fixed injection site: where it is, in which muscle and on which side, and its protocol dose."""

    id: str
    muscle: str
    side: str
    units: float
    view: str
    x: float
    y: float
    landmark: str
    order: int


@dataclass(frozen=True)
class Muscle:
    """A muscle area of the protocol with its fixed sites and units."""

    id: str
    label: str
    sites: int
    units: float
    layout: str


@dataclass(frozen=True)
class FollowThePainCap:
    """How many extra sites a muscle may take, and its total units cap with them."""

    muscle: str
    extra_sites: int
    max_units: float
    id_prefix: str


@dataclass(frozen=True)
class Region:
    """The outline of a muscle on one side in one view, where follow-the-pain sites may be placed."""

    muscle: str
    side: str
    view: str
    polygon: tuple[tuple[float, float], ...]

    def contains(self, x: float, y: float) -> bool:
        """Whether the point lies inside the outline (even-odd rule)."""
        inside = False
        points = self.polygon
        j = len(points) - 1
        for i, (xi, yi) in enumerate(points):
            xj, yj = points[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                inside = not inside
            j = i
        return inside


@dataclass(frozen=True)
class View:
    """One drawing of the head (front, left, right, back) and its coordinate space."""

    id: str
    label: str
    width: float
    height: float
    diagram: str


@dataclass(frozen=True)
class Product:
    """A toxin product the clinic can record, with its vial size and NDC."""

    id: str
    name: str
    vial_units: int
    ndc: str
    cosmetic: bool


@dataclass(frozen=True)
class Diagnosis:
    """An ICD-10-CM code with its words."""

    code: str
    text: str


@dataclass(frozen=True)
class BillingCodes:
    """The procedure and drug codes and the waste modifiers."""

    procedure_code: str
    procedure_description: str
    drug_code: str
    drug_description: str
    units_per_billing_unit: float
    waste_modifier: str
    no_waste_modifier: str


@dataclass(frozen=True)
class Protocol:
    """A validated injection protocol."""

    id: str
    name: str
    version: str
    label_dose_units: float
    max_units: float
    max_sites: int
    units_per_site: float
    volume_per_site_ml: float
    dose_step_units: float
    """Doses must be whole multiples of this (the smallest step a syringe is dosed in)."""
    adjust_step_units: float
    """How far + and - (or the wheel) move a site's dose."""
    common_doses_units: tuple[float, ...]
    needle: str
    views: tuple[View, ...]
    muscles: tuple[Muscle, ...]
    sites: tuple[Site, ...]
    follow_the_pain: tuple[FollowThePainCap, ...]
    regions: tuple[Region, ...]
    products: tuple[Product, ...]
    diagnoses: tuple[Diagnosis, ...]
    default_diagnosis: str
    billing: BillingCodes
    adverse_events: tuple[str, ...]
    contraindications: tuple[str, ...]
    cautions: tuple[str, ...]
    post_procedure_instructions: tuple[str, ...]

    def site(self, site_id: str) -> Site:
        """The fixed site with this id (KeyError if there is none)."""
        for site in self.sites:
            if site.id == site_id:
                return site
        raise KeyError(site_id)

    def has_site(self, site_id: str) -> bool:
        """Whether a fixed site has this id."""
        return any(site.id == site_id for site in self.sites)

    def site_name(self, site_id: str, *, capital: bool = False) -> str:
        """A site in words, as a person reads it: "left occipitalis, site 3", "left temporalis, follow-the-pain 1",
        "procerus" (a midline muscle has no side; a muscle with one site on a side needs no number).

        A fixed site's number is its place among its muscle's sites on its side, in protocol order; a
        follow-the-pain site's is the number of its id. Ids stay for the database, the audit log and exports; an id
        this protocol does not know is returned as it is. ``capital`` starts the name with a capital letter.
        """
        if self.has_site(site_id):
            site = self.site(site_id)
            mates = [other.id for other in self.sites if other.muscle == site.muscle and other.side == site.side]
            number = f", site {mates.index(site_id) + 1}" if len(mates) > 1 else ""
            name = side_muscle(self, site.muscle, site.side) + number
        elif (ftp := self.ftp_site(site_id)) is not None:
            muscle, side, count = ftp
            name = f"{side_muscle(self, muscle, side)}, follow-the-pain {count}"
        else:
            name = site_id
        return name[:1].upper() + name[1:] if capital else name

    def ftp_stem(self, muscle_id: str, side: str) -> str:
        """The start of the ids of a muscle's follow-the-pain sites on a side (TEM_L_FTP); a number follows."""
        cap = self.ftp_cap(muscle_id)
        prefix = cap.id_prefix if cap is not None else muscle_id[:3].upper()
        return f"{prefix}_{SIDE_LETTERS.get(side, SIDE_LETTERS['midline'])}_{FTP_ID_MARK}"

    def ftp_site(self, site_id: str) -> tuple[str, str, int] | None:
        """The muscle, side and number a follow-the-pain id stands for (TEM_L_FTP2: temporalis, left, 2), or None."""
        for muscle in self.muscles:
            for side in SIDES:
                stem = self.ftp_stem(muscle.id, side)
                number = site_id[len(stem) :]
                if site_id.startswith(stem) and number.isdigit() and number.isascii():
                    return muscle.id, side, int(number)
        return None

    def standard_saline_ml(self, vial_units: float) -> float:
        """The saline that reconstitutes a vial of this size to the protocol's dose per volume (200 U in 4 mL)."""
        return vial_units * self.volume_per_site_ml / self.units_per_site

    def muscle(self, muscle_id: str) -> Muscle:
        """The muscle with this id (KeyError if there is none)."""
        for muscle in self.muscles:
            if muscle.id == muscle_id:
                return muscle
        raise KeyError(muscle_id)

    def view(self, view_id: str) -> View:
        """The view with this id (KeyError if there is none)."""
        for view in self.views:
            if view.id == view_id:
                return view
        raise KeyError(view_id)

    def sites_in_view(self, view_id: str) -> tuple[Site, ...]:
        """The fixed sites drawn in a view, in protocol order."""
        return tuple(site for site in self.sites if site.view == view_id)

    def ftp_cap(self, muscle_id: str) -> FollowThePainCap | None:
        """The follow-the-pain cap of a muscle, or None where follow-the-pain is not allowed."""
        for cap in self.follow_the_pain:
            if cap.muscle == muscle_id:
                return cap
        return None

    def muscle_cap_units(self, muscle_id: str) -> float:
        """The most units a muscle may take: its follow-the-pain cap, else its fixed units."""
        cap = self.ftp_cap(muscle_id)
        return cap.max_units if cap is not None else self.muscle(muscle_id).units

    def muscle_cap_sites(self, muscle_id: str) -> int:
        """The most sites a muscle may take: fixed sites plus its follow-the-pain extra sites."""
        cap = self.ftp_cap(muscle_id)
        return self.muscle(muscle_id).sites + (cap.extra_sites if cap is not None else 0)

    def region_at(self, view_id: str, x: float, y: float) -> Region | None:
        """The follow-the-pain region under a point of a view, if any."""
        for region in self.regions:
            if region.view == view_id and region.contains(x, y):
                return region
        return None

    def product(self, product_id: str) -> Product:
        """The product with this id (KeyError if there is none)."""
        for product in self.products:
            if product.id == product_id:
                return product
        raise KeyError(product_id)

    def diagnosis(self, code: str) -> Diagnosis | None:
        """The diagnosis with this code, or None if the protocol does not list it."""
        for diagnosis in self.diagnoses:
            if diagnosis.code == code:
                return diagnosis
        return None


def in_sentence(label: str) -> str:
    """A label inside a sentence: its first letter lower case, names (Lambert-Eaton, ALS) kept."""
    return label[:1].lower() + label[1:]


def side_muscle(protocol: Protocol, muscle_id: str, side: str) -> str:
    """A muscle on a side in words ("left occipitalis"); a midline muscle alone ("procerus")."""
    label = in_sentence(protocol.muscle(muscle_id).label)
    return label if side == "midline" else f"{side} {label}"


class _Reader:
    """Reads typed values out of the parsed JSON, raising ProtocolError that names file and key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ProtocolError:
        return ProtocolError(f"Protocol file {self.source}: key '{key}': {problem}.")

    def obj(self, data: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise self.fail(key, "expected an object")
        return data

    def get(self, data: Mapping[str, Any], key: str, path: str) -> Any:
        if key not in data:
            raise self.fail(path, "is missing")
        return data[key]

    def text(self, data: Mapping[str, Any], key: str, path: str, *, allow_empty: bool = False) -> str:
        value = self.get(data, key, path)
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            raise self.fail(path, "expected a non-empty text")
        return value

    def number(self, data: Mapping[str, Any], key: str, path: str, *, positive: bool = True) -> float:
        value = self.get(data, key, path)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(path, f"expected a number, found {value!r}")
        if positive and value <= 0:
            raise self.fail(path, f"must be greater than zero, found {value!r}")
        return float(value)

    def integer(self, data: Mapping[str, Any], key: str, path: str) -> int:
        value = self.get(data, key, path)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(path, f"expected a whole number of zero or more, found {value!r}")
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str) -> Sequence[Any]:
        value = self.get(data, key, path)
        if not isinstance(value, list):
            raise self.fail(path, "expected a list")
        return value

    def texts(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        values = self.items(data, key, key) if key in data else []
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise self.fail(f"{key}[{index}]", "expected a text")
        return tuple(values)


def load_protocol(path: Path) -> Protocol:
    """Read and validate a protocol file; ProtocolError names the file, the key and the problem."""
    source = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ProtocolError(f"Protocol file {source} cannot be read: {error.strerror or error}.") from error
    except UnicodeDecodeError as error:
        raise ProtocolError(f"Protocol file {source} is not UTF-8 text.") from error
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ProtocolError(
            f"Protocol file {source} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from error
    return parse_protocol(data, source)


def parse_protocol(data: Any, source: str = "<protocol>") -> Protocol:
    """Validate parsed JSON and build a Protocol."""
    r = _Reader(source)
    root = r.obj(data, "(top level)")
    views = _parse_views(r, root)
    view_ids = {view.id for view in views}
    muscles = _parse_muscles(r, root)
    muscle_ids = {muscle.id for muscle in muscles}
    sites = _parse_sites(r, root, muscle_ids, views)
    caps = _parse_ftp(r, root, muscle_ids)
    regions = _parse_regions(r, root, muscle_ids, view_ids)
    protocol = Protocol(
        id=r.text(root, "id", "id"),
        name=r.text(root, "name", "name"),
        version=r.text(root, "version", "version"),
        label_dose_units=r.number(root, "label_dose_units", "label_dose_units"),
        max_units=r.number(root, "max_units", "max_units"),
        max_sites=r.integer(root, "max_sites", "max_sites"),
        units_per_site=r.number(root, "units_per_site", "units_per_site"),
        volume_per_site_ml=r.number(root, "volume_per_site_ml", "volume_per_site_ml"),
        dose_step_units=r.number(root, "dose_step_units", "dose_step_units"),
        adjust_step_units=(
            r.number(root, "adjust_step_units", "adjust_step_units")
            if "adjust_step_units" in root
            else r.number(root, "dose_step_units", "dose_step_units")
        ),
        common_doses_units=tuple(
            r.number({"d": d}, "d", f"common_doses_units[{i}]")
            for i, d in enumerate(r.items(root, "common_doses_units", "common_doses_units"))
        ),
        needle=r.text(root, "needle", "needle"),
        views=views,
        muscles=muscles,
        sites=sites,
        follow_the_pain=caps,
        regions=regions,
        products=_parse_products(r, root),
        diagnoses=_parse_diagnoses(r, root),
        default_diagnosis=r.text(root, "default_diagnosis", "default_diagnosis"),
        billing=_parse_billing(r, root),
        adverse_events=r.texts(root, "adverse_events"),
        contraindications=r.texts(root, "contraindications"),
        cautions=r.texts(root, "cautions"),
        post_procedure_instructions=r.texts(root, "post_procedure_instructions"),
    )
    _check_consistency(r, protocol)
    return protocol


def _parse_views(r: _Reader, root: Mapping[str, Any]) -> tuple[View, ...]:
    views = []
    for i, item in enumerate(r.items(root, "views", "views")):
        path = f"views[{i}]"
        obj = r.obj(item, path)
        views.append(
            View(
                id=r.text(obj, "id", f"{path}.id"),
                label=r.text(obj, "label", f"{path}.label"),
                width=r.number(obj, "width", f"{path}.width"),
                height=r.number(obj, "height", f"{path}.height"),
                diagram=r.text(obj, "diagram", f"{path}.diagram"),
            )
        )
    if not views:
        raise r.fail("views", "lists no view")
    _unique(r, "views", [view.id for view in views])
    return tuple(views)


def _parse_muscles(r: _Reader, root: Mapping[str, Any]) -> tuple[Muscle, ...]:
    muscles = []
    for i, item in enumerate(r.items(root, "muscles", "muscles")):
        path = f"muscles[{i}]"
        obj = r.obj(item, path)
        layout = r.text(obj, "layout", f"{path}.layout")
        if layout not in LAYOUTS:
            raise r.fail(f"{path}.layout", f"must be one of {', '.join(LAYOUTS)}, found {layout!r}")
        muscles.append(
            Muscle(
                id=r.text(obj, "id", f"{path}.id"),
                label=r.text(obj, "label", f"{path}.label"),
                sites=r.integer(obj, "sites", f"{path}.sites"),
                units=r.number(obj, "units", f"{path}.units"),
                layout=layout,
            )
        )
    _unique(r, "muscles", [muscle.id for muscle in muscles])
    return tuple(muscles)


def _parse_sites(
    r: _Reader, root: Mapping[str, Any], muscle_ids: set[str], views: tuple[View, ...]
) -> tuple[Site, ...]:
    by_view = {view.id: view for view in views}
    sites = []
    for i, item in enumerate(r.items(root, "sites", "sites")):
        path = f"sites[{i}]"
        obj = r.obj(item, path)
        site_id = r.text(obj, "id", f"{path}.id")
        path = f"sites[{i}] ({site_id})"
        muscle = r.text(obj, "muscle", f"{path}.muscle")
        if muscle not in muscle_ids:
            raise r.fail(f"{path}.muscle", f"names no muscle of the 'muscles' list: {muscle!r}")
        side = r.text(obj, "side", f"{path}.side")
        if side not in SIDES:
            raise r.fail(f"{path}.side", f"must be one of {', '.join(SIDES)}, found {side!r}")
        view_id = r.text(obj, "view", f"{path}.view")
        view = by_view.get(view_id)
        if view is None:
            raise r.fail(f"{path}.view", f"names no view of the 'views' list: {view_id!r}")
        x = r.number(obj, "x", f"{path}.x", positive=False)
        y = r.number(obj, "y", f"{path}.y", positive=False)
        if not (0 <= x <= view.width and 0 <= y <= view.height):
            raise r.fail(f"{path}.x/y", f"({x}, {y}) lies outside the {view_id} view ({view.width} x {view.height})")
        sites.append(
            Site(
                id=site_id,
                muscle=muscle,
                side=side,
                units=r.number(obj, "units", f"{path}.units"),
                view=view_id,
                x=x,
                y=y,
                landmark=r.text(obj, "landmark", f"{path}.landmark"),
                order=i,
            )
        )
    _unique(r, "sites", [site.id for site in sites])
    return tuple(sites)


def _parse_ftp(r: _Reader, root: Mapping[str, Any], muscle_ids: set[str]) -> tuple[FollowThePainCap, ...]:
    ftp = r.obj(r.get(root, "follow_the_pain", "follow_the_pain"), "follow_the_pain")
    caps = []
    for muscle, item in ftp.items():
        path = f"follow_the_pain.{muscle}"
        if muscle not in muscle_ids:
            raise r.fail(path, "names no muscle of the 'muscles' list")
        obj = r.obj(item, path)
        caps.append(
            FollowThePainCap(
                muscle=muscle,
                extra_sites=r.integer(obj, "extra_sites", f"{path}.extra_sites"),
                max_units=r.number(obj, "max_units", f"{path}.max_units"),
                id_prefix=r.text(obj, "id_prefix", f"{path}.id_prefix") if "id_prefix" in obj else muscle[:3].upper(),
            )
        )
    return tuple(caps)


def _parse_regions(r: _Reader, root: Mapping[str, Any], muscle_ids: set[str], view_ids: set[str]) -> tuple[Region, ...]:
    regions = []
    items = (
        r.items(root, "follow_the_pain_regions", "follow_the_pain_regions") if "follow_the_pain_regions" in root else []
    )
    for i, item in enumerate(items):
        path = f"follow_the_pain_regions[{i}]"
        obj = r.obj(item, path)
        muscle = r.text(obj, "muscle", f"{path}.muscle")
        side = r.text(obj, "side", f"{path}.side")
        view = r.text(obj, "view", f"{path}.view")
        if muscle not in muscle_ids:
            raise r.fail(f"{path}.muscle", f"names no muscle of the 'muscles' list: {muscle!r}")
        if side not in ("left", "right"):
            raise r.fail(f"{path}.side", f"must be left or right, found {side!r}")
        if view not in view_ids:
            raise r.fail(f"{path}.view", f"names no view of the 'views' list: {view!r}")
        points = []
        for j, point in enumerate(r.items(obj, "polygon", f"{path}.polygon")):
            if (
                not isinstance(point, list)
                or len(point) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
            ):
                raise r.fail(f"{path}.polygon[{j}]", "expected a point [x, y]")
            points.append((float(point[0]), float(point[1])))
        if len(points) < 3:
            raise r.fail(f"{path}.polygon", "needs at least three points")
        regions.append(Region(muscle=muscle, side=side, view=view, polygon=tuple(points)))
    return tuple(regions)


def _parse_products(r: _Reader, root: Mapping[str, Any]) -> tuple[Product, ...]:
    products = []
    for i, item in enumerate(r.items(root, "products", "products")):
        path = f"products[{i}]"
        obj = r.obj(item, path)
        cosmetic = r.get(obj, "cosmetic", f"{path}.cosmetic")
        if not isinstance(cosmetic, bool):
            raise r.fail(f"{path}.cosmetic", "expected true or false")
        products.append(
            Product(
                id=r.text(obj, "id", f"{path}.id"),
                name=r.text(obj, "name", f"{path}.name"),
                vial_units=int(r.number(obj, "vial_units", f"{path}.vial_units")),
                ndc=r.text(obj, "ndc", f"{path}.ndc", allow_empty=True),
                cosmetic=cosmetic,
            )
        )
    if not products:
        raise r.fail("products", "lists no product")
    _unique(r, "products", [product.id for product in products])
    return tuple(products)


def _parse_diagnoses(r: _Reader, root: Mapping[str, Any]) -> tuple[Diagnosis, ...]:
    diagnoses = []
    for i, item in enumerate(r.items(root, "diagnoses", "diagnoses")):
        path = f"diagnoses[{i}]"
        obj = r.obj(item, path)
        diagnoses.append(Diagnosis(code=r.text(obj, "code", f"{path}.code"), text=r.text(obj, "text", f"{path}.text")))
    _unique(r, "diagnoses", [diagnosis.code for diagnosis in diagnoses])
    return tuple(diagnoses)


def _parse_billing(r: _Reader, root: Mapping[str, Any]) -> BillingCodes:
    billing = r.obj(r.get(root, "billing", "billing"), "billing")
    procedure = r.obj(r.get(billing, "procedure", "billing.procedure"), "billing.procedure")
    drug = r.obj(r.get(billing, "drug", "billing.drug"), "billing.drug")
    return BillingCodes(
        procedure_code=r.text(procedure, "code", "billing.procedure.code"),
        procedure_description=r.text(procedure, "description", "billing.procedure.description"),
        drug_code=r.text(drug, "code", "billing.drug.code"),
        drug_description=r.text(drug, "description", "billing.drug.description"),
        units_per_billing_unit=r.number(drug, "units_per_billing_unit", "billing.drug.units_per_billing_unit"),
        waste_modifier=r.text(billing, "waste_modifier", "billing.waste_modifier"),
        no_waste_modifier=r.text(billing, "no_waste_modifier", "billing.no_waste_modifier"),
    )


def _unique(r: _Reader, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise r.fail(key, f"the id {value!r} appears more than once")
        seen.add(value)


def _check_consistency(r: _Reader, p: Protocol) -> None:
    """Counts per muscle and side, bilateral symmetry and sums must agree with the declared figures."""
    for muscle in p.muscles:
        sites = [site for site in p.sites if site.muscle == muscle.id]
        path = f"muscles ({muscle.id})"
        if len(sites) != muscle.sites:
            raise r.fail(f"{path}.sites", f"declares {muscle.sites} sites but 'sites' lists {len(sites)}")
        units = sum(site.units for site in sites)
        if not math.isclose(units, muscle.units):
            raise r.fail(f"{path}.units", f"declares {muscle.units:g} U but its sites add up to {units:g} U")
        left = [site for site in sites if site.side == "left"]
        right = [site for site in sites if site.side == "right"]
        midline = [site for site in sites if site.side == "midline"]
        if muscle.layout == "midline" and (left or right):
            raise r.fail(f"{path}.layout", "is midline but some of its sites are on the left or right")
        if muscle.layout == "bilateral":
            if midline:
                raise r.fail(f"{path}.layout", "is bilateral but some of its sites are on the midline")
            if len(left) != len(right):
                raise r.fail(path, f"is not symmetric: {len(left)} left sites and {len(right)} right sites")
            left_units = sum(site.units for site in left)
            right_units = sum(site.units for site in right)
            if not math.isclose(left_units, right_units):
                raise r.fail(path, f"is not symmetric: {left_units:g} U left and {right_units:g} U right")
    ratio = p.adjust_step_units / p.dose_step_units
    if not math.isclose(ratio, round(ratio)):
        raise r.fail(
            "adjust_step_units",
            f"{p.adjust_step_units:g} U is not a whole number of dose steps of {p.dose_step_units:g} U",
        )
    fixed_units = sum(site.units for site in p.sites)
    if not math.isclose(fixed_units, p.label_dose_units):
        raise r.fail("label_dose_units", f"is {p.label_dose_units:g} U but the sites add up to {fixed_units:g} U")
    extra_sites = sum(cap.extra_sites for cap in p.follow_the_pain)
    if len(p.sites) + extra_sites != p.max_sites:
        raise r.fail(
            "max_sites",
            f"is {p.max_sites} but {len(p.sites)} fixed sites and {extra_sites} follow-the-pain sites make "
            f"{len(p.sites) + extra_sites}",
        )
    for cap in p.follow_the_pain:
        expected = p.muscle(cap.muscle).units + cap.extra_sites * p.units_per_site
        if not math.isclose(cap.max_units, expected):
            raise r.fail(
                f"follow_the_pain.{cap.muscle}.max_units",
                f"is {cap.max_units:g} U but the fixed units and {cap.extra_sites} extra sites of "
                f"{p.units_per_site:g} U make {expected:g} U",
            )
    ftp_units = sum(cap.max_units - p.muscle(cap.muscle).units for cap in p.follow_the_pain)
    if not math.isclose(p.label_dose_units + ftp_units, p.max_units):
        raise r.fail(
            "max_units",
            f"is {p.max_units:g} U but the label dose and the follow-the-pain extras make "
            f"{p.label_dose_units + ftp_units:g} U",
        )
    if p.default_diagnosis not in {d.code for d in p.diagnoses}:
        raise r.fail("default_diagnosis", f"{p.default_diagnosis!r} is not in the 'diagnoses' list")
    for cap in p.follow_the_pain:
        if not any(region.muscle == cap.muscle for region in p.regions):
            raise r.fail("follow_the_pain_regions", f"draws no region for {cap.muscle}, which allows follow-the-pain")
